"""A store's delete, and what it keeps (docs/backups.md "Deleting a store, and what is kept").

`keep_backup`: before anything is removed, a final Velero Backup of the store is created in the
cluster (the Schedule's template, kept for `DELETED_STORE_BACKUP_TTL` and labelled
`storefleet.io/kept`); the store goes `deleting` with its removal left unqueued, and the watcher
queues it once that Backup is `Completed` (`domain/deletion_stages.py`), or fails the store with
nothing removed when it fails or does not end in time. Unset, a backup is kept when the platform
backs stores up and the store runs (ready or degraded: something to back up); asked for, a failed
store is backed up too.

`retain_volumes` (admins): the store's bound PersistentVolumes get the reclaim policy `Retain` and
its labels before the delete is recorded, so the namespace's deletion leaves them `Released`.

Authorisation first (someone else's store is 404), then what the flags ask of the platform (409),
then the cluster (503): a refused delete changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from storefleet.api.backups.service import StoreNotBackupable, create_backup
from storefleet.api.core.actor import Actor
from storefleet.api.core.errors import Forbidden
from storefleet.api.db.pool import Connection
from storefleet.api.domain import audit
from storefleet.api.domain.lifecycle import StoreStatus
from storefleet.api.domain.store_rows import StoreRow
from storefleet.api.stores.backup_checks import require_backups
from storefleet.api.stores.cluster_service import ClusterAccess, require_cluster
from storefleet.api.stores.service import delete_store as record_delete
from storefleet.api.stores.service import get_visible
from storefleet.renderer import velero
from storefleet.renderer.manifests import store_labels
from storefleet.renderer.profile import RenderProfile
from storefleet.renderer.spec import StoreSpec

EVENT_FINAL_BACKUP_REQUESTED = "store.final_backup_requested"
EVENT_VOLUMES_RETAINED = "store.volumes_retained"
RUNNING = frozenset({StoreStatus.READY, StoreStatus.DEGRADED})
# Asked for explicitly, a failed store too: a failed update, or a failed final backup, left it installed.
BACKUPABLE = RUNNING | {StoreStatus.FAILED}


class RetainVolumesAdminOnly(Forbidden):
    code = "RETAIN_VOLUMES_ADMIN_ONLY"


@dataclass(frozen=True)
class DeleteOptions:
    keep_backup: bool | None = None  # None: keep when backups are on and the store runs
    retain_volumes: bool = False


@dataclass(frozen=True)
class Keeping:
    """What a delete keeps: the final Backup it waits for, the volumes it retained."""

    final_backup: str | None
    retained_volumes: tuple[str, ...]


def _wants_backup(store: StoreRow, options: DeleteOptions, profile: RenderProfile) -> bool:
    """Whether to take a final backup; an explicit `keep_backup=true` that cannot be honoured is
    refused (409), never dropped."""
    status = StoreStatus(store.status)
    if options.keep_backup is None:
        return profile.backups_enabled and status in RUNNING
    if not options.keep_backup:
        return False
    require_backups(profile)
    if status not in BACKUPABLE:
        raise StoreNotBackupable(
            f"The store is {store.status}: only a ready, degraded or failed store is backed up; "
            "delete it with keep_backup=false (its scheduled backups stay until they expire)."
        )
    return True


async def delete_store(
    conn: Connection,
    cluster: ClusterAccess | None,
    actor: Actor,
    store_id: str,
    options: DeleteOptions,
    profile: RenderProfile,
    backup_ttl: str,
) -> tuple[StoreRow, Keeping]:
    store = await get_visible(conn, actor, store_id)
    if store.status in (StoreStatus.DELETING, StoreStatus.DELETED):
        return await record_delete(conn, actor, store_id), Keeping(None, ())  # as before: 202 or 409
    if options.retain_volumes and not actor.is_admin:
        raise RetainVolumesAdminOnly(
            "Only an admin retains a store's volumes: a retained volume outlives every store and quota, "
            "and only an operator reuses or frees it."
        )
    keep = _wants_backup(store, options, profile)
    spec = StoreSpec.model_validate(store.spec)
    retained: tuple[str, ...] = ()
    if options.retain_volumes:
        guarded = require_cluster(cluster)
        retained = tuple(await guarded.call(guarded.cluster.retain_volumes, store.id, store_labels(spec)))
        await audit.record(
            conn, EVENT_VOLUMES_RETAINED, actor, store_id=store.id, tenant=store.owner_id,
            detail={"volumes": list(retained)},
        )  # fmt: skip
    final = None
    if keep:
        backup = await create_backup(
            require_cluster(cluster),
            profile.velero_namespace,
            lambda stamp: velero.final_backup(spec, profile, store_labels(spec), stamp, backup_ttl),
        )
        final = str(backup["metadata"]["name"])
        await audit.record(
            conn, EVENT_FINAL_BACKUP_REQUESTED, actor, store_id=store.id, tenant=store.owner_id,
            detail={"backup": final, "ttl": backup_ttl, "namespace": profile.velero_namespace},
        )  # fmt: skip
    detail = {"keep_backup": keep, **({"final_backup": final} if final else {})}
    if options.retain_volumes:
        detail["retained_volumes"] = list(retained)
    updated = await record_delete(conn, actor, store_id, detail, final_backup=final)
    return updated, Keeping(final, retained)
