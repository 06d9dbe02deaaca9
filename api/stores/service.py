"""Store use cases. Every status change goes through `transition`, which checks the state table,
locks optimistically and audits; every change of desired state also enqueues an outbox row in the
same transaction, so the fleet writer can never miss or invent a change."""

from __future__ import annotations

from typing import Any

from psycopg import errors as pg_errors

from storefleet.api.audit import service as audit
from storefleet.api.audit.repository import AuditFilter
from storefleet.api.core import request_context
from storefleet.api.core.actor import Actor
from storefleet.api.core.errors import Conflict, NotFound, ValidationFailed
from storefleet.api.core.ids import id_pattern, new_id
from storefleet.api.db.pool import Connection
from storefleet.api.metrics import registry as metrics
from storefleet.api.outbox import repository as outbox
from storefleet.api.stores import repository
from storefleet.api.stores.names import StoreNameError, validate_store_name
from storefleet.api.stores.repository import NewStore, StoreQuery
from storefleet.api.stores.schemas import CreateStoreRequest
from storefleet.api.stores.state_machine import InvalidTransition, StoreStatus, check_transition
from storefleet.renderer.spec import StoreSpec

STORE_ID_PREFIX = "st"
_STORE_ID = id_pattern(STORE_ID_PREFIX)

MSG_AWAITING_COMMIT = "accepted; waiting for the fleet writer to commit it"
MSG_DELETE_REQUESTED = "deletion requested; waiting for the fleet writer to commit it"
MSG_RETRY_REQUESTED = "retry requested; waiting for the fleet writer"


class StoreNotFound(NotFound):
    code = "STORE_NOT_FOUND"


class StoreNameTaken(Conflict):
    code = "STORE_NAME_TAKEN"


class InvalidStateTransition(Conflict):
    code = "INVALID_STATE_TRANSITION"


class StateConflict(Conflict):
    code = "STATE_CONFLICT"


async def transition(
    conn: Connection,
    store: dict[str, Any],
    target: StoreStatus,
    actor: Actor,
    *,
    message: str | None = None,
    error: str | None = None,
    detail: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Move `store` to `target` inside the caller's transaction; raise if the table or a race forbids it."""
    current = StoreStatus(store["status"])
    try:
        check_transition(current, target)
    except InvalidTransition as exc:
        raise InvalidStateTransition(str(exc).capitalize() + ".") from exc
    updated = await repository.update_status(
        conn, store["id"], expected=current, target=target, message=message, error=error
    )
    if updated is None:
        raise StateConflict(
            "The store changed while this request was being handled; reload it and try again."
        )
    await audit.record(
        conn,
        "store.transition",
        actor,
        store_id=store["id"],
        tenant=store["owner_id"],
        before={"status": current.value},
        after={"status": target.value, "message": message, "error": error},
        detail=detail,
    )
    metrics.STORE_TRANSITIONS.labels(from_status=current.value, to_status=target.value).inc()
    return updated


def _checked_name(name: str, extra_reserved: frozenset[str]) -> str:
    try:
        return validate_store_name(name, extra_reserved)
    except StoreNameError as exc:
        raise ValidationFailed(
            f"name: {exc}", details=[{"field": "name", "message": str(exc), "type": exc.code}]
        ) from exc


async def create_store(
    conn: Connection, actor: Actor, req: CreateStoreRequest, extra_reserved: frozenset[str] = frozenset()
) -> dict[str, Any]:
    assert actor.id is not None
    name = _checked_name(req.name, extra_reserved)
    spec = StoreSpec(
        store_id=new_id(STORE_ID_PREFIX),
        tenant=actor.id,
        name=name,
        engine=req.engine,
        theme=req.theme,
        plan=req.plan,
    )
    try:
        async with conn.transaction():
            store = await repository.insert_store(
                conn,
                NewStore(
                    id=spec.store_id,
                    owner_id=actor.id,
                    name=name,
                    engine=spec.engine,
                    theme=spec.theme,
                    plan=spec.plan,
                    status=StoreStatus.REQUESTED,
                    status_message=MSG_AWAITING_COMMIT,
                    spec=spec.to_document(),
                    spec_hash=spec.spec_hash,
                ),
            )
            await _enqueue(conn, store, "create", actor)
            await audit.record(
                conn,
                "store.requested",
                actor,
                store_id=store["id"],
                tenant=actor.id,
                after={"status": StoreStatus.REQUESTED.value, "spec": spec.to_document()},
            )
    except pg_errors.UniqueViolation as exc:
        if exc.diag.constraint_name != repository.LIVE_NAME_CONSTRAINT:
            raise
        raise StoreNameTaken(f"You already have a store named '{name}'.") from exc
    return store


async def _enqueue(
    conn: Connection, store: dict[str, Any], action: str, actor: Actor, params: dict[str, Any] | None = None
) -> None:
    await outbox.enqueue(
        conn,
        outbox.OutboxEntry(
            store_id=store["id"],
            tenant=store["owner_id"],
            action=action,
            spec=store["spec"] if action != "delete" else None,
            spec_hash=store["spec_hash"] if action != "delete" else None,
            request_id=request_context.current_request_id(),
            actor_id=actor.id,
            params=params or {},
        ),
    )


async def get_visible(conn: Connection, actor: Actor, store_id: str) -> dict[str, Any]:
    """The store if this actor may see it. Someone else's store is 'not found', like a missing one."""
    store = await repository.get_store(conn, store_id) if _STORE_ID.fullmatch(store_id) else None
    if store is None or not (actor.is_admin or store["owner_id"] == actor.id):
        raise StoreNotFound(f"No store '{store_id[:64]}'.")
    return store


async def list_visible(conn: Connection, actor: Actor, query: StoreQuery) -> tuple[list[dict[str, Any]], int]:
    if not actor.is_admin:
        query = StoreQuery(**{**query.__dict__, "owner_id": actor.id})
    return await repository.list_stores(conn, query)


async def delete_store(conn: Connection, actor: Actor, store_id: str) -> dict[str, Any]:
    async with conn.transaction():
        store = await get_visible(conn, actor, store_id)
        if store["status"] == StoreStatus.DELETING:
            return store  # already on its way: deleting twice is not an error
        updated = await transition(conn, store, StoreStatus.DELETING, actor, message=MSG_DELETE_REQUESTED)
        await _enqueue(conn, updated, "delete", actor)
    return updated


async def retry_store(conn: Connection, actor: Actor, store_id: str) -> dict[str, Any]:
    async with conn.transaction():
        store = await get_visible(conn, actor, store_id)
        if store["status"] != StoreStatus.FAILED:
            raise InvalidStateTransition(
                f"Only a failed store can be retried; this one is '{store['status']}'."
            )
        updated = await transition(conn, store, StoreStatus.REQUESTED, actor, message=MSG_RETRY_REQUESTED)
        await _enqueue(conn, updated, "retry", actor)
    return updated


async def store_events(
    conn: Connection, actor: Actor, store_id: str, *, limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    store = await get_visible(conn, actor, store_id)
    return await audit.list_visible(
        conn, actor, AuditFilter(store_id=store["id"]), limit=limit, offset=offset
    )
