"""The platform's own commits of a store's move to another cluster (docs/clusters.md "Moving a
store"), asked for by the target cluster's watcher when a stage's condition holds:

- after `backing_up` (the Backup completed and reached the target): the **create** of the store's
  directory under the target's root, declaring a Restore of that backup and `moved_from`;
- after `restoring` (the Restore completed): the restore done in the target directory (`restore`
  leaves its spec, the release comes);
- after `starting` (the target's release ready): the **delete** of the source directory; the store's
  spec and cluster are the target's from then on.

Each is one transaction: the store row and the move row locked, the move's stage and the store's
spec checked again, the outbox row, the move's new stage, an audit row. A second request for the same
stage finds it moved on and writes nothing. `fail` ends a move: the target directory, if it was
committed, is removed by one more commit; the store is left as it is on the source.
"""

from __future__ import annotations

from typing import Any

from storefleet.api.core import request_context
from storefleet.api.core.actor import Actor
from storefleet.api.db.pool import Connection
from storefleet.api.domain import audit
from storefleet.api.domain import move_repository as moves
from storefleet.api.domain import outbox_repository as outbox
from storefleet.api.domain import stores_repository as repository
from storefleet.api.domain.lifecycle import StoreStatus
from storefleet.api.domain.store_move import NEXT_STAGE, MoveStage, StoreMove
from storefleet.api.domain.store_rows import StoreRow
from storefleet.renderer.spec import MovedFrom, RestoreRequest, RestoreStage, StoreSpec

EVENT_MOVE_ADVANCED = "store.move_advanced"
EVENT_MOVE_FAILED = "store.move_failed"
RUNNING = frozenset({StoreStatus.READY, StoreStatus.DEGRADED})
MSG_RESTORING = "restoring backup {backup} on {target} (Velero restore {restore})"
MSG_STARTING = "restored on {target}; starting the store's release there"
MSG_DONE = "moved to {target}; removing it from its former cluster"


def target_spec(source: StoreSpec, move: StoreMove, target_root: str | None) -> StoreSpec:
    """The spec of the store's directory under the target's root: the source's, on the target
    cluster, with the Restore of the move's backup (same namespace: nothing mapped) and where it came
    from."""
    request = RestoreRequest(
        name=move.restore, backup=move.backup, source_namespace=source.store_id, stage=RestoreStage.RESTORING
    )
    document = {
        **source.to_document(),
        "cluster": target_root,
        "restore": request.model_dump(mode="json"),
        "moved_from": MovedFrom(cluster=source.cluster, backup=move.backup).model_dump(mode="json"),
    }
    return StoreSpec.model_validate(document)


async def advance(
    conn: Connection, move_id: int, store_id: str, stage: MoveStage, actor: Actor
) -> StoreMove | None:
    """Commit the stage after `stage`; None (nothing written) when the move is no longer there, or the
    store changed since the move was asked for (the move is then failed instead)."""
    async with conn.transaction():
        store = await repository.get_store(conn, store_id, for_update=True)
        move = await moves.move_in_flight(conn, store_id, for_update=True)
        if store is None or move is None or move.id != move_id or move.stage is not stage:
            return None
        if store.status not in RUNNING or store.spec_hash != move.source_spec_hash:
            return await _fail_locked(conn, store, move, "the store changed during the move", actor)
        after = NEXT_STAGE[stage]
        spec, action, message = _stage_commit(store, move, after, await moves.target_root(conn, move))
        directory_spec = spec if action != "delete" else StoreSpec.model_validate(store.spec)
        await outbox.enqueue(conn, _entry(store, directory_spec, action, actor, move, after))
        if after is MoveStage.DONE:  # the store is the target's from now on
            await repository.update_spec(conn, store.id, spec.to_document(), spec.spec_hash)
            await repository.place_by_spec(conn, store.id)
        moved = await moves.set_stage(
            conn,
            move.id,
            stage,
            after,
            message,
            target_spec=spec.to_document() if action != "delete" else None,
        )
        await audit.record(
            conn,
            EVENT_MOVE_ADVANCED,
            actor,
            store_id=store.id,
            tenant=store.owner_id,
            detail=_detail(move, after.value),
        )
        return moved


def _stage_commit(
    store: StoreRow, move: StoreMove, after: MoveStage, target_root: str | None
) -> tuple[StoreSpec, str, str]:
    """(the target directory's spec after the stage, the commit's action, the move's message)."""
    if after is MoveStage.RESTORING:
        spec = target_spec(StoreSpec.model_validate(store.spec), move, target_root)
        message = MSG_RESTORING.format(backup=move.backup, target=move.target_cluster, restore=move.restore)
        return spec, "create", message
    assert move.target_spec is not None
    restored = StoreSpec.model_validate({**move.target_spec, "restore": None})
    if after is MoveStage.STARTING:
        return restored, "update", MSG_STARTING.format(target=move.target_cluster)
    return restored, "delete", MSG_DONE.format(target=move.target_cluster)


async def fail(conn: Connection, move_id: int, store_id: str, reason: str, actor: Actor) -> StoreMove | None:
    """End move `move_id` failed with `reason`: its target directory removed when it was committed."""
    async with conn.transaction():
        store = await repository.get_store(conn, store_id, for_update=True)
        move = await moves.move_in_flight(conn, store_id, for_update=True)
        if store is None or move is None or move.id != move_id:
            return None
        return await _fail_locked(conn, store, move, reason, actor)


async def end_reverted(
    conn: Connection, store_id: str, cluster: str | None, reason: str, actor: Actor
) -> bool:
    """A person removed the move's target directory from git (a `git revert` of its create commit):
    the move ends there, nothing more is committed. False when no move onto that root is in flight."""
    move = await moves.move_in_flight(conn, store_id, for_update=True)
    if move is None or not move.target_created or _root_of(move) != cluster:
        return False
    await moves.set_stage(conn, move.id, move.stage, MoveStage.FAILED, reason, reason=reason)
    await audit.record(
        conn, EVENT_MOVE_FAILED, actor, store_id=store_id, detail=_detail(move, move.stage.value, reason)
    )
    return True


def _root_of(move: StoreMove) -> str | None:
    return (move.target_spec or {}).get("cluster")


async def _fail_locked(
    conn: Connection, store: StoreRow, move: StoreMove, reason: str, actor: Actor
) -> StoreMove | None:
    if move.target_created and move.target_spec is not None:
        spec = StoreSpec.model_validate(move.target_spec)
        await outbox.enqueue(conn, _entry(store, spec, "delete", actor, move, MoveStage.FAILED))
    message = f"move to {move.target_cluster} failed: {reason}"
    failed = await moves.set_stage(conn, move.id, move.stage, MoveStage.FAILED, message, reason=reason)
    await audit.record(
        conn,
        EVENT_MOVE_FAILED,
        actor,
        store_id=store.id,
        tenant=store.owner_id,
        detail=_detail(move, move.stage.value, reason),
    )
    return failed


def _detail(move: StoreMove, stage: str, reason: str | None = None) -> dict[str, Any]:
    detail = {
        "move": move.id,
        "stage": stage,
        "from": move.source_cluster,
        "to": move.target_cluster,
        "backup": move.backup,
    }
    return {**detail, "reason": reason} if reason else detail


def _entry(
    store: StoreRow, spec: StoreSpec, action: str, actor: Actor, move: StoreMove, stage: MoveStage
) -> outbox.OutboxEntry:
    """A commit of the move's with the usual trailers; `spec` names the directory (a delete's too)."""
    params = {
        "actor": f"{actor.name} ({actor.id})",
        "actor_role": actor.role,
        "move": {"id": move.id, "to": move.target_cluster, "from": move.source_cluster, "stage": stage.value},
    }
    return outbox.OutboxEntry(
        store_id=store.id,
        tenant=store.owner_id,
        action=action,
        spec=spec.to_document(),
        spec_hash=spec.spec_hash,
        request_id=request_context.current_request_id(),
        actor_id=actor.id,
        params=params,
    )
