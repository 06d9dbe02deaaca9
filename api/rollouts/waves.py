"""Queue a wave, or its revert, as one commit group: every store's new spec (its current spec, the
tenant's latest changes included, with only the rollout's field changed), its outbox row and its
lifecycle event, in the caller's transaction. The writer makes the group one commit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from storefleet.api.core import request_context
from storefleet.api.core.actor import Actor
from storefleet.api.db.pool import Connection
from storefleet.api.domain import lifecycle_service as lifecycle
from storefleet.api.domain import outbox_repository as outbox
from storefleet.api.domain import stores_repository
from storefleet.api.domain.lifecycle import Event, StoreStatus, accepts
from storefleet.api.domain.lifecycle_service import Occurrence
from storefleet.api.domain.store_rows import StoreRow, StoreWrites
from storefleet.api.rollouts import repository
from storefleet.api.rollouts.change import FieldValue, brief
from storefleet.api.rollouts.repository import NOW, RolloutRow, StoreState, WaveRow
from storefleet.api.rollouts.states import WaveState
from storefleet.renderer.spec import StoreSpec, document_hash

MSG_WAVE = "rollout {rollout} wave {wave}: {change}; waiting for the fleet writer"
MSG_REVERT = "rollout {rollout} wave {wave} reverted; waiting for the fleet writer"


@dataclass(frozen=True)
class Move:
    store: StoreRow  # as read, locked, by the caller's transaction
    value: FieldValue  # the value the rollout's field moves to (None: unset)


async def enqueue_wave(conn: Connection, rollout: RolloutRow, wave: WaveRow, actor: Actor) -> int:
    """Move the wave's pending stores to the rollout's value; returns how many were queued. Stores
    pinned, deleted or already at the value since the plan are skipped, with the reason."""
    change = rollout.change
    members = await repository.wave_store_ids(conn, rollout.id, wave.number)
    stores = await stores_repository.get_stores(conn, members, for_update=True)
    moves: list[Move] = []
    states: list[StoreState] = []
    for store_id in members:
        store = stores.get(store_id)
        current = change.current(store.spec) if store else None
        skip = _skip_reason(
            store is not None and accepts(store.status, Event.SPEC_CHANGED),
            store is not None and store.pinned_at is not None,
            change.reached(current),
            store is not None and _restoring(store),
        )
        if skip:
            states.append(StoreState(store_id, "skipped", skip))
        else:
            assert store is not None
            moves.append(Move(store, change.value_for(current)))
            states.append(StoreState(store_id, "committed", None, current, moves[-1].value))
    group = f"{rollout.id}.w{wave.number}.a{wave.attempt}"
    params = {
        "rollout_action": "rollout",
        "add_chart": rollout.chart_version if rollout.add_chart else None,
        "change": change.describe_target(),
        "change_trailer": list(change.trailer),
    }
    await _queue(conn, rollout, wave.number, moves, group, params, actor, MSG_WAVE)
    await repository.set_store_states(conn, rollout.id, states)
    if moves:
        await repository.set_wave(
            conn,
            rollout.id,
            wave.number,
            state=WaveState.COMMITTING.value,
            commit_group=group,
            commit_sha=None,
            committing_at=NOW,
            committed_at=None,
            ready_at=None,
            finished_at=None,
            store_count=len(moves),
            gate={},
        )
    else:
        await repository.set_wave(
            conn,
            rollout.id,
            wave.number,
            state=WaveState.PASSED.value,
            store_count=0,
            finished_at=NOW,
            gate={"message": "no store left to move"},
        )
    return len(moves)


def _restoring(store: StoreRow) -> bool:
    """Restoring from a backup, or failed in a restore (its spec still declares one): a wave's commit
    would race the restore's own commits, or keep a release out that a retry puts back."""
    return store.status == StoreStatus.RESTORING or store.spec.get("restore") is not None


def _skip_reason(live: bool, pinned: bool, at_target: bool, restoring: bool = False) -> str | None:
    if restoring:
        return RESTORING
    if not live:
        return "deleted or being deleted"
    if pinned:
        return "pinned"
    if at_target:
        return ALREADY_AT_TARGET
    return None


ALREADY_AT_TARGET = "already at the rollout's value"
RESTORING = "restoring from a backup"


async def enqueue_revert(
    conn: Connection, rollout: RolloutRow, wave: WaveRow, actor: Actor, reason: str, state: WaveState
) -> int:
    """Put the wave's stores back on the value each had before it, as one commit, keeping any change
    made to them since (only the rollout's field moves). Stores someone already took back are left."""
    change = rollout.change
    members = [
        m for m in await repository.wave_stores(conn, rollout.id, wave.number) if m.state == "committed"
    ]
    stores = await stores_repository.get_stores(conn, [m.store_id for m in members], for_update=True)
    moves = [
        Move(store, m.from_value)
        for m in members
        if (store := stores.get(m.store_id)) is not None
        and accepts(store.status, Event.SPEC_CHANGED)
        and not _restoring(store)
        and change.current(store.spec) == m.to_value
    ]
    group = f"{rollout.id}.w{wave.number}.r{wave.attempt}"
    params = {"rollout_action": "rollout-revert", "reason": reason, "change": "the values before"}
    await _queue(conn, rollout, wave.number, moves, group, params, actor, MSG_REVERT)
    await repository.set_store_states(
        conn, rollout.id, [StoreState(m.store_id, "reverted", reason) for m in members]
    )
    done = not moves
    await repository.set_wave(
        conn,
        rollout.id,
        wave.number,
        state=(WaveState.REVERTED if done else state).value,
        revert_group=None if done else group,
        finished_at=NOW,
    )
    return len(moves)


async def _queue(
    conn: Connection,
    rollout: RolloutRow,
    wave: int,
    moves: list[Move],
    group: str,
    extra: dict[str, Any],
    actor: Actor,
    message: str,
) -> None:
    if not moves:
        return
    specs: dict[str, tuple[dict[str, Any], str]] = {}
    entries: list[outbox.OutboxEntry] = []
    occurrences: list[Occurrence[StoreRow]] = []
    # Every wave is on behalf of the admin who created the rollout (pull-request mode's auto-merge
    # rules read the role), whether that admin's request or the controller queued it.
    params = {
        "actor": rollout.created_by,
        "actor_role": "admin",
        "rollout_id": rollout.id,
        "wave": wave,
        **extra,
    }
    change = rollout.change
    detail = {"action": extra["rollout_action"], "rollout_id": rollout.id, "wave": wave}
    text = message.format(rollout=rollout.id, wave=wave, change=change.describe_target())
    for move in moves:
        store = move.store
        spec = StoreSpec.model_validate(change.applied(store.spec, move.value))
        document = spec.to_document()
        spec_hash = document_hash(document)
        specs[store.id] = (document, spec_hash)
        entries.append(
            outbox.OutboxEntry(
                store_id=store.id,
                tenant=store.owner_id,
                action="update",
                spec=document,
                spec_hash=spec_hash,
                request_id=request_context.current_request_id(),
                actor_id=actor.id,
                params={
                    **params,
                    "changes": {change.field: [brief(change.current(store.spec)), brief(move.value)]},
                },
                commit_group=group,
            )
        )
        occurrences.append(Occurrence(store, Event.SPEC_CHANGED, text, None, detail))
    await lifecycle.offer_with_writes(conn, occurrences, actor, StoreWrites(specs=specs))
    await outbox.enqueue_many(conn, entries)
