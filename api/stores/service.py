"""Store use cases. Every status change is a lifecycle event applied by the lifecycle service; every
change of desired state also enqueues an outbox row in the same transaction, so the fleet writer can
never miss or invent a change."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from psycopg import errors as pg_errors

from storefleet.api.clusters.placement import PlacementPolicy, Wanted
from storefleet.api.clusters.placing import PLACEMENT_REFUSALS, Placed, place, take_room
from storefleet.api.core import request_context
from storefleet.api.core.actor import Actor
from storefleet.api.core.errors import AppError, Conflict, NotFound, ValidationFailed
from storefleet.api.core.ids import id_pattern, new_id
from storefleet.api.db.pool import Connection
from storefleet.api.db.statement import Statement
from storefleet.api.domain import audit, store_rows
from storefleet.api.domain import lifecycle_service as lifecycle
from storefleet.api.domain import outbox_repository as outbox
from storefleet.api.domain import stores_repository as repository
from storefleet.api.domain.audit_repository import AuditEventRecord, AuditEventRow, AuditFilter
from storefleet.api.domain.lifecycle import INITIAL, Event, StoreStatus
from storefleet.api.domain.lifecycle_service import InvalidStateTransition, Occurrence
from storefleet.api.domain.lifecycle_service import StateConflict as StateConflict  # raised by `transition`
from storefleet.api.domain.store_rows import ListPosition, NewStore, StorePage, StoreQuery, StoreRow
from storefleet.api.fleet.reader import FleetReader, HistoryEntry
from storefleet.api.stores.guardrails import (
    CREATION_REFUSALS,
    NO_LIMITS,
    CreationLimits,
    check_creation_allowed,
    creation_guarded,
)
from storefleet.api.stores.names import StoreNameError, validate_store_name
from storefleet.api.stores.page_cursor import MalformedCursor, decode_cursor
from storefleet.api.stores.schemas import CreateStoreRequest
from storefleet.renderer.manifests import store_dir
from storefleet.renderer.spec import StoreSpec

STORE_ID_PREFIX = "st"
_STORE_ID = id_pattern(STORE_ID_PREFIX)

MSG_AWAITING_COMMIT = "accepted; waiting for the fleet writer to commit it"
MSG_DELETE_REQUESTED = "deletion requested; waiting for the fleet writer to commit it"
MSG_FINAL_BACKUP = "deletion requested; taking the final backup {backup} before removal"
MSG_RETRY_REQUESTED = "retry requested; waiting for the fleet writer"


class StoreNotFound(NotFound):
    code = "STORE_NOT_FOUND"


class StoreNameTaken(Conflict):
    code = "STORE_NAME_TAKEN"


async def transition(
    conn: Connection,
    store: StoreRow,
    event: Event,
    actor: Actor,
    *,
    message: str | None = None,
    detail: dict[str, Any] | None = None,
) -> StoreRow:
    """A tenant's or admin's request as a lifecycle event: it must take effect (409 otherwise)."""
    return await lifecycle.apply(conn, Occurrence(store, event, message, None, detail), actor)


def checked_name(name: str, extra_reserved: frozenset[str]) -> str:
    try:
        return validate_store_name(name, extra_reserved)
    except StoreNameError as exc:
        raise ValidationFailed(
            f"name: {exc}", details=[{"field": "name", "message": str(exc), "type": exc.code}]
        ) from exc


async def create_store(
    conn: Connection,
    actor: Actor,
    req: CreateStoreRequest,
    extra_reserved: frozenset[str] = frozenset(),
    limits: CreationLimits = NO_LIMITS,
    policy: PlacementPolicy = PlacementPolicy.LEAST_LOADED,
) -> StoreRow:
    """Place the store on a cluster, then insert it with its outbox row and its audit row in one
    statement; when guardrails or a limited cluster's room apply, in a transaction after they allow
    it (checked under locks in that same transaction)."""
    assert actor.id is not None
    name = checked_name(req.name, extra_reserved)
    wanted = Wanted(
        plan=req.plan,
        cluster=req.cluster,
        region=req.placement.region if req.placement else None,
        labels=req.placement.labels if req.placement else {},
    )
    placed = await place_or_refuse(conn, actor, wanted, name, req.engine.value, policy)
    spec = StoreSpec(
        store_id=new_id(STORE_ID_PREFIX),
        tenant=actor.id,
        name=name,
        engine=req.engine,
        theme=req.theme,
        plan=req.plan,
        template=req.template,
        branding=req.branding,
        cluster=placed.spec_cluster,
    )
    new_store = store_rows.new_store(spec, MSG_AWAITING_COMMIT, placed.cluster_id)
    return await insert_new_store(conn, actor, new_store, limits, placement=(placed, wanted))


async def place_or_refuse(
    conn: Connection, actor: Actor, wanted: Wanted, name: str, engine: str, policy: PlacementPolicy
) -> Placed:
    """The cluster for a new store; a refusal is audited (nothing was written) and raised."""
    assert actor.id is not None
    try:
        return await place(conn, wanted, actor.id, policy)
    except PLACEMENT_REFUSALS as exc:
        await _refused(conn, actor, name, engine, exc)
        raise


async def insert_new_store(
    conn: Connection,
    actor: Actor,
    new_store: NewStore,
    limits: CreationLimits,
    *,
    event: Event = Event.REQUESTED,
    params: dict[str, Any] | None = None,
    also: Sequence[AuditEventRow] = (),
    placement: tuple[Placed, Wanted] | None = None,
) -> StoreRow:
    """Insert the store (in the status `event` starts it in) with its outbox row (`params` for the
    commit) and its audit rows (`store.requested`, then `also`) in one statement; when guardrails or
    a limited cluster's room (`placement`) apply, in a transaction after they allow it (checked under
    locks in that same transaction). A refusal is audited after the rollback: it is on the record
    though the store is not."""
    writes = _creation_writes(new_store, actor, INITIAL[event], params, also)
    try:
        store = await _insert(conn, actor, new_store, limits, event, writes, placement)
    except (StoreNameTaken, *CREATION_REFUSALS, *PLACEMENT_REFUSALS) as exc:  # type: ignore[misc]
        await _refused(conn, actor, new_store.name, new_store.engine, exc)
        raise
    outbox.note_enqueued(conn)
    return store


async def _refused(conn: Connection, actor: Actor, name: str, engine: str, exc: AppError) -> None:
    detail = {"code": exc.code, "name": name, "engine": engine, "message": exc.message}
    await audit.record(conn, "store.create_refused", actor, tenant=actor.id, detail=detail)


async def _insert(
    conn: Connection, actor: Actor, new_store: NewStore, limits: CreationLimits, event: Event,
    writes: list[Statement], placement: tuple[Placed, Wanted] | None,
) -> StoreRow:  # fmt: skip
    limited = placement is not None and placement[0].limited
    try:
        if creation_guarded(actor, limits) or limited:
            async with conn.transaction():
                if creation_guarded(actor, limits):
                    await check_creation_allowed(conn, actor, limits)
                if placement is not None:
                    await take_room(conn, *placement)
                return await lifecycle.create(conn, new_store, event, with_writes=writes)
        return await lifecycle.create(conn, new_store, event, with_writes=writes)
    except pg_errors.UniqueViolation as exc:
        if exc.diag.constraint_name != repository.LIVE_NAME_CONSTRAINT:
            raise
        raise StoreNameTaken(f"You already have a store named '{new_store.name}'.") from exc


def _creation_writes(
    store: NewStore,
    actor: Actor,
    status: StoreStatus,
    params: dict[str, Any] | None,
    also: Sequence[AuditEventRow],
) -> list[Statement]:
    """The outbox and audit rows of a create: they ride in the store's insert (one round trip)."""
    after = {"status": status.value, "spec": store.spec}
    event = audit.event_row("store.requested", actor, store_id=store.id, tenant=store.owner_id, after=after)
    return [
        outbox.enqueue_statement(_outbox_entry(store, "create", actor, params)),
        *(audit.record_statement(row) for row in (event, *also)),
    ]


def _outbox_entry(
    store: StoreRow | NewStore, action: str, actor: Actor, params: dict[str, Any] | None = None
) -> outbox.OutboxEntry:
    return outbox.OutboxEntry(
        store_id=store.id,
        tenant=store.owner_id,
        action=action,
        spec=store.spec if action != "delete" else None,
        spec_hash=store.spec_hash if action != "delete" else None,
        request_id=request_context.current_request_id(),
        actor_id=actor.id,
        # the actor's name rides along for the commit's Requested-By trailer; the role for the
        # pull-request mode's auto-merge rules
        params={"actor": f"{actor.name} ({actor.id})", "actor_role": actor.role, **(params or {})},
    )


async def enqueue(
    conn: Connection, store: StoreRow, action: str, actor: Actor, params: dict[str, Any] | None = None
) -> None:
    await outbox.enqueue(conn, _outbox_entry(store, action, actor, params))


async def get_visible(conn: Connection, actor: Actor, store_id: str, *, for_update: bool = False) -> StoreRow:
    """The store if this actor may see it. Someone else's store is 'not found', like a missing one."""
    found = _STORE_ID.fullmatch(store_id)
    store = await repository.get_store(conn, store_id, for_update=for_update) if found else None
    if store is None or not (actor.is_admin or store.owner_id == actor.id):
        raise StoreNotFound(f"No store '{store_id[:64]}'.")
    return store


class InvalidCursor(ValidationFailed):
    code = "INVALID_CURSOR"


def page_position(cursor: str | None, offset: int) -> ListPosition | None:
    """Where a keyset page starts: after the store the cursor names (None: an offset page)."""
    if cursor is None:
        return None
    if offset:
        raise InvalidCursor("Give either `cursor` or `offset`, not both.")
    try:
        return decode_cursor(cursor)
    except MalformedCursor as error:
        raise InvalidCursor(f"Bad `cursor`: {error}; pass a `next_cursor` of this list.") from None


async def list_visible(conn: Connection, actor: Actor, query: StoreQuery) -> StorePage:
    if not actor.is_admin:
        query = replace(query, owner_id=actor.id)
    return await repository.list_stores(conn, query)


async def delete_store(
    conn: Connection,
    actor: Actor,
    store_id: str,
    params: dict[str, Any] | None = None,
    *,
    final_backup: str | None = None,
) -> StoreRow:
    """The store `deleting`, its removal queued; with `final_backup` (a delete that keeps a backup,
    docs/backups.md) the removal waits for that Backup instead, queued by the watcher once it
    completed."""
    async with conn.transaction():
        store = await get_visible(conn, actor, store_id, for_update=True)
        if store.status == StoreStatus.DELETING:
            return store  # already on its way: deleting twice is not an error
        message = MSG_FINAL_BACKUP.format(backup=final_backup) if final_backup else MSG_DELETE_REQUESTED
        updated = await transition(conn, store, Event.DELETE, actor, message=message, detail=params)
        await repository.set_final_backup(conn, store.id, final_backup)
        if final_backup is None:
            await enqueue(conn, updated, "delete", actor, params)
    return updated


async def retry_store(conn: Connection, actor: Actor, store_id: str) -> StoreRow:
    async with conn.transaction():
        store = await get_visible(conn, actor, store_id, for_update=True)
        if store.status != StoreStatus.FAILED:
            raise InvalidStateTransition(f"Only a failed store can be retried; this one is '{store.status}'.")
        return await retry(conn, store, actor, MSG_RETRY_REQUESTED)


async def retry(
    conn: Connection,
    store: StoreRow,
    actor: Actor,
    message: str,
    *,
    detail: dict[str, Any] | None = None,
    automatic: bool = False,
) -> StoreRow:
    """Try a failed store again, in the caller's transaction: a person's retry, or the platform's own
    (`automatic`: counted against AUTO_RETRY_MAX; a person's gives that budget back)."""
    updated = await transition(conn, store, Event.RETRY, actor, message=message, detail=detail)
    updated = await _without_restore(conn, updated)
    await repository.mark_retry(conn, store.id, automatic=automatic)
    await enqueue(conn, updated, "retry", actor)
    return updated


async def store_events(
    conn: Connection, actor: Actor, store_id: str, *, limit: int, offset: int
) -> tuple[list[AuditEventRecord], int]:
    store = await get_visible(conn, actor, store_id)
    return await audit.list_visible(conn, actor, AuditFilter(store_id=store.id), limit=limit, offset=offset)


def restore_ended(spec: StoreSpec) -> StoreSpec:
    """A restore lives in the spec only while the store is restoring (the platform drops it when the
    restore ends): a change of a store that failed mid-restore puts its release back."""
    if spec.restore is None:
        return spec
    return StoreSpec.model_validate({**spec.to_document(), "restore": None})


async def _without_restore(conn: Connection, store: StoreRow) -> StoreRow:
    spec = StoreSpec.model_validate(store.spec)
    ended = restore_ended(spec)
    if ended is spec:
        return store
    return await repository.update_spec(conn, store.id, ended.to_document(), ended.spec_hash)


async def store_history(
    conn: Connection, reader: FleetReader, actor: Actor, store_id: str, limit: int
) -> list[HistoryEntry]:
    store = await get_visible(conn, actor, store_id)
    directory = store_dir(StoreSpec.model_validate(store.spec))
    return await reader.history(directory, limit=limit, needs=store.last_commit_sha)
