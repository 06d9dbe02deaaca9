"""The one place a store's admin-password rotation changes state (`credentials_rotation.MOVES`): a
person's request through the API, and the cluster watcher's reports as it carries the rotation out.
Each move is optimistically locked on the rotation's number and state, and the requested, done and
failed moves write their audit row (a security event) in the same transaction. The store's status
is never touched: a rotation is not a lifecycle event.
"""

from __future__ import annotations

from typing import Any

from storefleet.api.core import request_context
from storefleet.api.core.actor import Actor
from storefleet.api.core.errors import Conflict
from storefleet.api.db.pool import Connection
from storefleet.api.domain import audit
from storefleet.api.domain import rotation_repository as repository
from storefleet.api.domain.credentials_rotation import (
    EVENTS,
    MSG_REQUESTED,
    ROTATABLE,
    CredentialsRotation,
    DueRotation,
    RotationState,
    can_move,
)
from storefleet.api.domain.store_rows import StoreRow


class StoreNotRotatable(Conflict):
    code = "STORE_NOT_READY"


class RotationInProgress(Conflict):
    code = "ROTATION_IN_PROGRESS"


async def request(conn: Connection, store: StoreRow, actor: Actor, access: str) -> CredentialsRotation:
    """A new rotation of `store` (read under its row lock, in the caller's transaction): 409 while the
    store does not run, or while another rotation is in progress."""
    if store.status not in ROTATABLE:
        raise StoreNotRotatable(
            f"The store is {store.status.value}; its admin password can be rotated only while it is"
            " ready or degraded."
        )
    current = store.credentials_rotation
    if current is not None and current.in_progress:
        raise RotationInProgress(
            f"Rotation {current.generation} of the store's admin password is {current.state.value};"
            " wait for it to finish (the store's `credentials_rotation` shows it)."
        )
    request_id = request_context.current_request_id()
    rotation = await repository.request_rotation(
        conn, store.id, f"{actor.name} ({actor.id})", request_id, MSG_REQUESTED
    )
    if rotation is None:  # unreachable under the row lock; a 409 rather than a 500 if it ever is
        raise RotationInProgress("Another rotation of the store's admin password was just requested.")
    detail = {"generation": rotation.generation, "access": access}
    await _audit(conn, actor, store.id, store.owner_id, rotation, detail)
    return rotation


async def advance(
    conn: Connection,
    due: DueRotation,
    target: RotationState,
    message: str,
    actor: Actor,
    detail: dict[str, Any] | None = None,
) -> CredentialsRotation | None:
    """The watcher's report: `due`'s rotation moves to `target`, unless it moved meanwhile (None).
    Its audit row carries the id of the request that asked for the rotation."""
    current = due.rotation
    if not can_move(current.state, target):
        return None
    async with conn.transaction():
        moved = await repository.move_rotation(
            conn, due.store_id, current.generation, current.state, target, message
        )
        if moved is not None:
            with request_context.acting_for(current.request_id):
                info = {"generation": moved.generation, **(detail or {})}
                await _audit(conn, actor, due.store_id, due.owner_id, moved, info)
    return moved


async def _audit(
    conn: Connection,
    actor: Actor,
    store_id: str,
    tenant: str,
    rotation: CredentialsRotation,
    detail: dict[str, Any],
) -> None:
    event = EVENTS.get(rotation.state)
    if event is None:  # running: shown on the store, not an event of the trail
        return
    if rotation.message and rotation.state is not RotationState.REQUESTED:
        detail = {**detail, "message": rotation.message}
    await audit.record(conn, event, actor, store_id=store_id, tenant=tenant, detail=detail)
