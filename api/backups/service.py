"""Use cases of a store's backups: list what Velero holds for it, ask for one now.

Backups are read from and created in the cluster, never written to git: a Backup is a one-off event,
not desired state (docs/backups.md says why). Authorisation comes first and never depends on the
cluster; then the platform setting, then the store's status, then the cluster (503 without one).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from storefleet.api.backups.rows import backup_row, backup_rows
from storefleet.api.backups.schemas import BackupList, BackupOut
from storefleet.api.core.actor import Actor
from storefleet.api.core.errors import Conflict, ServiceUnavailable
from storefleet.api.db.pool import Connection
from storefleet.api.domain import audit
from storefleet.api.domain.lifecycle import Event, StoreStatus
from storefleet.api.domain.store_rows import StoreRow
from storefleet.api.stores.backup_checks import check_backup, require_backups
from storefleet.api.stores.cluster_service import ClusterAccess, require_cluster
from storefleet.api.stores.service import get_visible, transition
from storefleet.api.stores.updates import commit_spec
from storefleet.renderer import velero
from storefleet.renderer.backup_policy import restore_name, schedule_name
from storefleet.renderer.manifests import store_labels
from storefleet.renderer.profile import RenderProfile
from storefleet.renderer.spec import RestoreRequest, RestoreStage, StoreSpec

EVENT_BACKUP_REQUESTED = "store.backup_requested"
EVENT_RESTORE_REQUESTED = "store.restore_requested"
# A store with something to back up: installed and running (a degraded one most of all).
BACKUPABLE = frozenset({StoreStatus.READY, StoreStatus.DEGRADED})
NAME_ATTEMPTS = 10  # `<stamp>`, then `<stamp>-2` … within one second


class StoreNotBackupable(Conflict):
    code = "STORE_NOT_RUNNING"


class BackupNameTaken(Conflict):
    code = "BACKUP_NAME_TAKEN"


class StoreNotRestorable(Conflict):
    code = "STORE_NOT_RESTORABLE"


class VeleroNotInstalled(ServiceUnavailable):
    code = "VELERO_NOT_INSTALLED"


def utc_now() -> datetime:
    return datetime.now(UTC)


def _velero_missing(namespace: str) -> VeleroNotInstalled:
    return VeleroNotInstalled(
        f"The cluster serves no Velero API (velero.io/v1) in namespace '{namespace}': "
        "Velero must be installed for backups.",
        headers={"Retry-After": "60"},
    )


async def list_backups(
    conn: Connection, cluster: ClusterAccess | None, actor: Actor, store_id: str, profile: RenderProfile
) -> BackupList:
    store = await get_visible(conn, actor, store_id)
    if not profile.backups_enabled:  # a read: the fact, not a refusal (asking for one is refused)
        return BackupList(store_id=store.id, enabled=False, schedule=None, backups=[])
    guarded = require_cluster(cluster)
    schedule = schedule_name(store.id)
    found = await guarded.call(guarded.cluster.velero_backups, profile.velero_namespace, schedule)
    if found is None:
        raise _velero_missing(profile.velero_namespace)
    return BackupList(store_id=store.id, enabled=True, schedule=schedule, backups=backup_rows(found))


async def create_backup(
    guarded: ClusterAccess, namespace: str, build: Callable[[str], dict[str, Any]]
) -> dict[str, Any]:
    """Create the Backup `build` makes for a name stamp, under the first free name of this second."""
    stamp = utc_now().strftime("%Y%m%d%H%M%S")
    for attempt in range(1, NAME_ATTEMPTS + 1):
        backup = build(stamp if attempt == 1 else f"{stamp}-{attempt}")
        created = await guarded.call(guarded.cluster.create_velero_backup, namespace, backup)
        if created is None:
            raise _velero_missing(namespace)
        if created:
            return backup
    raise BackupNameTaken(f"{NAME_ATTEMPTS} backups of this store were asked for this second; try again.")


async def request_backup(
    conn: Connection, cluster: ClusterAccess | None, actor: Actor, store_id: str, profile: RenderProfile
) -> BackupOut:
    """Create a Backup from the store's Schedule template now, as `velero backup create
    --from-schedule` does, under the first free name of this second; audited."""
    store = await get_visible(conn, actor, store_id)
    require_backups(profile)
    if StoreStatus(store.status) not in BACKUPABLE:
        raise StoreNotBackupable(
            f"The store is {store.status}: only a ready or degraded store has something to back up."
        )
    spec = StoreSpec.model_validate(store.spec)
    backup = await create_backup(
        require_cluster(cluster),
        profile.velero_namespace,
        lambda suffix: velero.on_demand_backup(spec, profile, store_labels(spec), suffix),
    )
    name = backup["metadata"]["name"]
    await audit.record(
        conn,
        EVENT_BACKUP_REQUESTED,
        actor,
        store_id=store.id,
        tenant=store.owner_id,
        detail={"backup": name, "namespace": profile.velero_namespace},
    )
    return backup_row(backup)


# ---- restore in place (docs/backups.md): the first of three commits ------------------------------------
RESTORABLE = frozenset({StoreStatus.READY, StoreStatus.DEGRADED, StoreStatus.FAILED})


def _check_restorable(store: StoreRow) -> None:
    if StoreStatus(store.status) not in RESTORABLE:
        raise StoreNotRestorable(
            f"The store is {store.status}: only a ready, degraded or failed store is restored."
        )


async def request_restore(
    conn: Connection,
    cluster: ClusterAccess | None,
    actor: Actor,
    store_id: str,
    backup_name: str,
    profile: RenderProfile,
) -> StoreRow:
    """Restore the store in place from one of its completed backups: the store goes `restoring` and
    its spec declares the restore at stage `clearing` (its release left out), committed through the
    outbox like any change; the watcher drives the next stages. Audited."""
    store = await get_visible(conn, actor, store_id)
    require_backups(profile)
    _check_restorable(store)
    guarded = require_cluster(cluster)  # read before the row lock: a slow cluster holds no lock
    backup = await guarded.call(guarded.cluster.velero_backup, profile.velero_namespace, backup_name)
    check_backup(backup, store.id, backup_name)
    async with conn.transaction():
        locked = await get_visible(conn, actor, store_id, for_update=True)
        _check_restorable(locked)
        request = RestoreRequest(
            name=restore_name(locked.id, backup_name, secrets.token_hex(8)),
            backup=backup_name,
            source_namespace=locked.id,  # the backup is of this store's namespace (its Schedule's)
            stage=RestoreStage.CLEARING,
        )
        spec = StoreSpec.model_validate(
            {
                **StoreSpec.model_validate(locked.spec).to_document(),
                "restore": request.model_dump(mode="json"),
            }
        )
        detail = {"backup": backup_name, "restore": request.name}
        moved = await transition(
            conn, locked, Event.RESTORE, actor, message=f"restoring from backup {backup_name}", detail=detail
        )
        updated = await commit_spec(conn, moved, spec, actor, {"restore": request.model_dump(mode="json")})
        await audit.record(
            conn, EVENT_RESTORE_REQUESTED, actor, store_id=locked.id, tenant=locked.owner_id, detail=detail
        )
    return updated
