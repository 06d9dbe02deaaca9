"""Moving a store to another cluster: `POST /stores/{id}/move {cluster}` (docs/clusters.md "Moving a
store"). Admins only: clusters are an admin's resource.

The request takes a fresh backup of the store in its source cluster (an on-demand Velero Backup,
created through the cluster, as `POST /stores/{id}/backups` does) and records the move at stage
`backing_up`; the target cluster's watcher carries it on (`domain/move_stages.py`). Nothing is
committed by the request. Refusals, each audited as `store.move_refused` with nothing written: an
unknown target, the store's own cluster, a target not active or full, a store that is not ready, a
move or a rollout already in flight for it, and no way to carry the data (backups off, or a cluster
the platform cannot reach).
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from psycopg import errors as pg_errors

from storefleet.api.clusters import repository as clusters
from storefleet.api.clusters.placement import PlacementPolicy, Wanted
from storefleet.api.clusters.placing import UnknownCluster, place
from storefleet.api.core.actor import Actor
from storefleet.api.core.errors import AppError, Conflict
from storefleet.api.db.pool import Connection
from storefleet.api.domain import audit
from storefleet.api.domain import move_repository as moves
from storefleet.api.domain.lifecycle import StoreStatus
from storefleet.api.domain.store_move import StoreMove
from storefleet.api.domain.store_rows import StoreRow
from storefleet.api.stores.cluster_service import ClusterAccess, require_cluster
from storefleet.api.stores.service import get_visible
from storefleet.renderer import velero
from storefleet.renderer.backup_policy import restore_name
from storefleet.renderer.manifests import store_labels
from storefleet.renderer.profile import RenderProfile
from storefleet.renderer.spec import StoreSpec

EVENT_MOVE_REQUESTED = "store.move_requested"
EVENT_MOVE_REFUSED = "store.move_refused"
NAME_ATTEMPTS = 10
MSG_BACKING_UP = "backing up the store on {source} (backup {backup}) to move it to {target}"
_HOW_TO_CARRY = (
    " Moving a store carries its data through a Velero backup and restore: set BACKUPS_ENABLED=true and"
    " install Velero on both clusters with one BackupStorageLocation they share (docs/clusters.md)."
)


class MoveSameCluster(Conflict):
    code = "MOVE_SAME_CLUSTER"


class StoreNotReadyToMove(Conflict):
    code = "STORE_NOT_READY"


class MoveInProgress(Conflict):
    code = "MOVE_IN_PROGRESS"


class StoreInRollout(Conflict):
    code = "STORE_IN_ROLLOUT"


class MoveNeedsBackup(Conflict):
    code = "MOVE_NEEDS_BACKUP"


async def request_move(
    conn: Connection,
    source: ClusterAccess | None,
    actor: Actor,
    store_id: str,
    target_name: str,
    profile: RenderProfile,
) -> StoreMove:
    """Check the move, take the backup in the source cluster, record the move; audited."""
    store = await get_visible(conn, actor, store_id)
    return await move_store(conn, source, actor, store, target_name, profile)


async def move_store(
    conn: Connection,
    source: ClusterAccess | None,
    actor: Actor,
    store: StoreRow,
    target_name: str,
    profile: RenderProfile,
) -> StoreMove:
    """`request_move` for a store already read (the platform's own moves: a cluster's drain)."""
    try:
        source_row, target = await _check(conn, store, target_name, profile)
    except AppError as exc:
        await record_refusal(conn, actor, store, target_name, exc)
        raise
    spec = StoreSpec.model_validate(store.spec)
    try:
        backup = await _take_backup(require_cluster(source), spec, profile)
    except (MoveNeedsBackup, MoveInProgress) as exc:
        await record_refusal(conn, actor, store, target_name, exc)
        raise
    message = MSG_BACKING_UP.format(
        source=source_row or "the home cluster", backup=backup, target=target.name
    )
    try:
        async with conn.transaction():
            move = await moves.insert_move(
                conn, store.id, (store.cluster_id, source_row), (target.id, target.name), backup,
                restore_name(store.id, backup, secrets.token_hex(8)), store.spec_hash, actor.id or actor.name,
                message,
            )  # fmt: skip
            await audit.record(
                conn, EVENT_MOVE_REQUESTED, actor, store_id=store.id, tenant=store.owner_id,
                detail={"move": move.id, "from": source_row, "to": target.name, "backup": backup},
            )  # fmt: skip
    except pg_errors.UniqueViolation:
        raise MoveInProgress("Another move of this store is in flight.") from None
    return move


async def _check(
    conn: Connection, store: StoreRow, target_name: str, profile: RenderProfile
) -> tuple[str | None, clusters.ClusterRow]:
    """(the source cluster's name, the target's row), or the refusal."""
    target = await clusters.get_by_name(conn, target_name)
    if target is None:
        raise UnknownCluster(f"There is no cluster '{target_name}'.")
    rows = await clusters.list_all(conn)
    # a store made before placement (no cluster) runs on the home cluster
    source = next(
        (row for row in rows if (row.id == store.cluster_id if store.cluster_id else row.home)), None
    )
    if source is not None and source.id == target.id:
        raise MoveSameCluster(f"The store already runs on cluster '{target.name}'.")
    if store.status is not StoreStatus.READY:
        raise StoreNotReadyToMove(
            f"The store is {store.status}: only a ready store is moved.",
            details={"status": store.status.value},
        )
    if await moves.move_in_flight(conn, store.id) is not None:
        raise MoveInProgress("Another move of this store is in flight.")
    rollout = await moves.rollout_in_flight(conn, store.id)
    if rollout is not None:
        raise StoreInRollout(
            f"Rollout {rollout} is under way and includes this store: move it once that ends."
        )
    if not profile.backups_enabled:
        raise MoveNeedsBackup("Backups are not turned on for this platform." + _HOW_TO_CARRY)
    if source is not None and source.access_kind == "none":
        raise MoveNeedsBackup(f"The platform cannot reach cluster '{source.name}' to back the store up.")
    if target.access_kind == "none":
        raise MoveNeedsBackup(f"The platform cannot reach cluster '{target.name}' to restore the store.")
    plan = StoreSpec.model_validate(store.spec).plan
    await place(conn, Wanted(plan=plan, cluster=target.name), store.owner_id, PlacementPolicy.LEAST_LOADED)
    return (source.name if source else None), target


async def _take_backup(guarded: ClusterAccess, spec: StoreSpec, profile: RenderProfile) -> str:
    stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
    for attempt in range(1, NAME_ATTEMPTS + 1):
        backup = velero.on_demand_backup(
            spec, profile, store_labels(spec), stamp if attempt == 1 else f"{stamp}-{attempt}"
        )
        created = await guarded.call(guarded.cluster.create_velero_backup, profile.velero_namespace, backup)
        if created is None:
            raise MoveNeedsBackup(
                f"The store's cluster serves no Velero API in namespace '{profile.velero_namespace}'."
                + _HOW_TO_CARRY
            )
        if created:
            return str(backup["metadata"]["name"])
    raise MoveInProgress(f"{NAME_ATTEMPTS} backups of this store were asked for this second; try again.")


async def record_refusal(
    conn: Connection, actor: Actor, store: StoreRow, target: str | None, exc: AppError
) -> None:
    detail = {"to": target, "code": exc.code, "message": exc.message}
    await audit.record(
        conn, EVENT_MOVE_REFUSED, actor, store_id=store.id, tenant=store.owner_id, detail=detail
    )


async def latest_move(conn: Connection, actor: Actor, store_id: str) -> StoreMove | None:
    store = await get_visible(conn, actor, store_id)
    return await moves.latest_move(conn, store.id)
