"""A new store created from a backup of another store: `POST /stores {restore_from}` (docs/backups.md).

An accidentally deleted store is recoverable this way: its Velero backups outlive it (its Schedule
keeps no owner reference on them). The new store starts `restoring`, and its first commit declares
its namespace and the Velero Restore of the backup (the source store's namespace mapped onto the new
one), without a release; the watcher asks for the restore's last commit, which brings the release
(`restore_stages`), as for a restore in place. The store keeps the source's chart instance
(`StoreSpec.restored_from`): its release takes the restored objects over under their names.

Checks, each a 4xx with nothing written: the source store is the caller's (an admin: anyone's; 404
like a missing store otherwise), backups are on, the name is free to use, the engine is the
source's and the request leaves the source's settings alone, then (the cluster read last) the backup
is one of the source's and Completed.
"""

from __future__ import annotations

import secrets

from storefleet.api.clusters.placement import PlacementPolicy, Wanted
from storefleet.api.clusters.placing import home_cluster_name
from storefleet.api.core.actor import Actor
from storefleet.api.core.errors import ValidationFailed
from storefleet.api.core.ids import new_id
from storefleet.api.db.pool import Connection
from storefleet.api.domain import audit, store_rows
from storefleet.api.domain.lifecycle import Event
from storefleet.api.domain.store_rows import StoreRow
from storefleet.api.stores.backup_checks import check_backup, require_backups
from storefleet.api.stores.cluster_service import ClusterAccess, require_cluster
from storefleet.api.stores.guardrails import NO_LIMITS, CreationLimits
from storefleet.api.stores.schemas import CreateStoreRequest
from storefleet.api.stores.service import (
    STORE_ID_PREFIX,
    checked_name,
    get_visible,
    insert_new_store,
    place_or_refuse,
)
from storefleet.renderer.backup_policy import restore_name
from storefleet.renderer.profile import RenderProfile
from storefleet.renderer.spec import RestoredFrom, RestoreRequest, RestoreStage, StoreSpec

EVENT_RESTORE_REQUESTED = "store.restore_requested"
MSG_RESTORING = "restoring from backup {backup} of store {source}; waiting for the fleet writer to commit it"
# What the new store takes from the source's spec, never from the request: the data was made with
# them (its theme is the active one, its catalogue the one seeded, its volumes the plan's sizes).
FROM_SOURCE = ("theme", "plan", "template", "branding")


class BackupEngineMismatch(ValidationFailed):
    code = "BACKUP_ENGINE_MISMATCH"


async def create_from_backup(
    conn: Connection,
    cluster: ClusterAccess | None,
    actor: Actor,
    req: CreateStoreRequest,
    profile: RenderProfile,
    extra_reserved: frozenset[str] = frozenset(),
    limits: CreationLimits = NO_LIMITS,
) -> StoreRow:
    """Insert the store `restoring`, its outbox row (the create: namespace and Restore) and its audit
    rows in one statement, after every check; the guardrails of any creation apply."""
    assert req.restore_from is not None and actor.id is not None
    source_ref = req.restore_from
    source = await get_visible(conn, actor, source_ref.store_id)
    require_backups(profile)
    name = checked_name(req.name, extra_reserved)
    source_spec = StoreSpec.model_validate(source.spec)
    _check_request(req, source_spec)
    guarded = require_cluster(cluster)
    backup = await guarded.call(guarded.cluster.velero_backup, profile.velero_namespace, source_ref.backup)
    check_backup(backup, source.id, source_ref.backup)

    # the backup is in the source's cluster (its Velero): the new store goes there
    wanted = Wanted(plan=source_spec.plan, cluster=source_spec.cluster or await home_cluster_name(conn))
    placed = await place_or_refuse(
        conn, actor, wanted, name, source_spec.engine.value, PlacementPolicy.LEAST_LOADED
    )
    spec = restored_spec(
        new_id(STORE_ID_PREFIX), actor.id, name, source_spec, source_ref.backup, placed.spec_cluster
    )
    assert spec.restore is not None
    message = MSG_RESTORING.format(backup=source_ref.backup, source=source.id)
    new_store = store_rows.new_store(spec, message, placed.cluster_id)
    detail = {"backup": source_ref.backup, "restore": spec.restore.name, "source_store": source.id}
    requested = audit.event_row(
        EVENT_RESTORE_REQUESTED, actor, store_id=spec.store_id, tenant=spec.tenant, detail=detail
    )
    params = {"restore_from": source_ref.model_dump(mode="json")}
    return await insert_new_store(
        conn, actor, new_store, limits, event=Event.RESTORE, params=params, also=[requested],
        placement=(placed, wanted),
    )  # fmt: skip


def _check_request(req: CreateStoreRequest, source: StoreSpec) -> None:
    if req.engine is not source.engine:
        message = f"the backup is of a {source.engine.value} store, not a {req.engine.value} one"
        raise BackupEngineMismatch(
            f"engine: {message}.", details=[{"field": "engine", "message": message, "type": "value_error"}]
        )
    given = sorted(field for field in FROM_SOURCE if field in req.model_fields_set)
    if given:
        message = "a store created from a backup takes it from the backup's store; change it once ready"
        raise ValidationFailed(
            f"{given[0]}: {message}.",
            details=[{"field": field, "message": message, "type": "value_error"} for field in given],
        )


def restored_spec(
    store_id: str, tenant: str, name: str, source: StoreSpec, backup: str, cluster: str | None = None
) -> StoreSpec:
    """The new store's spec: the source's settings and application image (the data's version), its
    chart instance kept, and the restore declared at stage `restoring` (there is nothing to clear)."""
    request = RestoreRequest(
        name=restore_name(store_id, backup, secrets.token_hex(8)),
        backup=backup,
        source_namespace=source.store_id,  # the backup is of the source store's namespace
        stage=RestoreStage.RESTORING,
    )
    origin = RestoredFrom(store_id=source.store_id, backup=backup, instance=source.instance)
    return StoreSpec(
        store_id=store_id,
        tenant=tenant,
        name=name,
        engine=source.engine,
        theme=source.theme,
        plan=source.plan,
        template=source.template,
        branding=source.branding,
        image_tag=source.image_tag,
        backups=source.backups,
        restore=request,
        restored_from=origin,
        cluster=cluster,
    )
