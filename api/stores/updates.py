"""Changes of a store's desired state through the API: an update (and the parts a rollback shares,
`rollback.py`), in any live status; each moves the store by a lifecycle event and enqueues its commit
in the same transaction."""

from __future__ import annotations

from typing import Any

from storefleet.api.core.actor import Actor
from storefleet.api.core.errors import Conflict, ValidationFailed
from storefleet.api.db.pool import Connection
from storefleet.api.domain import audit
from storefleet.api.domain import stores_repository as repository
from storefleet.api.domain.audit_repository import AuditEventRow
from storefleet.api.domain.lifecycle import Event, StoreStatus, accepts, next_status
from storefleet.api.domain.store_rows import StoreRow
from storefleet.api.stores.schemas import UpdateStoreRequest
from storefleet.api.stores.service import MSG_AWAITING_COMMIT, enqueue, get_visible, restore_ended, transition
from storefleet.renderer.spec import Engine, StoreSpec


class StoreBusy(Conflict):
    code = "STORE_BUSY"


class TemplateLocked(Conflict):
    code = "TEMPLATE_LOCKED"


# Spec fields a change may carry; identity fields never change, nor does the template (see below).
_EDITABLE = ("theme", "plan", "engine", "branding", "template")


def spec_changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {key: [before.get(key), after.get(key)] for key in _EDITABLE if before.get(key) != after.get(key)}


async def apply_spec(
    conn: Connection,
    actor: Actor,
    store: StoreRow,
    spec: StoreSpec,
    action: str,
    params: dict[str, Any],
) -> StoreRow:
    """Take a new desired spec in any live status and enqueue its commit: a ready or failed store
    moves to `updating`, a converging one keeps converging towards it (it is ready only at the newest
    commit); a deleted or deleting store refuses (409)."""
    status = store.status
    # A restoring store takes a change only from git (a person's commit ends the restore), never
    # through the API while the platform commits the restore's stages.
    if status is StoreStatus.RESTORING or not accepts(status, Event.SPEC_CHANGED):
        raise StoreBusy(f"The store is {status.value}; its desired state cannot change now.")
    spec = restore_ended(spec)
    detail = {"action": action, **params}
    if next_status(status, Event.SPEC_CHANGED) is not status:
        await transition(conn, store, Event.SPEC_CHANGED, actor, message=MSG_AWAITING_COMMIT, detail=detail)
    else:
        await audit.record_many(conn, [_change_event(store, actor, detail)])
    updated = await repository.update_spec(conn, store.id, spec.to_document(), spec.spec_hash)
    await enqueue(conn, updated, action, actor, params)
    return updated


async def commit_spec(
    conn: Connection, store: StoreRow, spec: StoreSpec, actor: Actor, params: dict[str, Any]
) -> StoreRow:
    """The store's new desired spec and its commit (an `update` in the outbox), in the caller's
    transaction, after the caller's lifecycle event."""
    updated = await repository.update_spec(conn, store.id, spec.to_document(), spec.spec_hash)
    await enqueue(conn, updated, "update", actor, params)
    return updated


def _change_event(store: StoreRow, actor: Actor, detail: dict[str, Any]) -> AuditEventRow:
    return audit.event_row(
        "store.changed",
        actor,
        store_id=store.id,
        tenant=store.owner_id,
        before={"status": store.status, "spec": store.spec},
        detail=detail,
    )


async def update_store(
    conn: Connection, actor: Actor, store_id: str, req: UpdateStoreRequest
) -> tuple[StoreRow, bool]:
    """(store, changed). A request that changes nothing changes no state and makes no commit."""
    async with conn.transaction():
        store = await get_visible(conn, actor, store_id, for_update=True)
        current = StoreSpec.model_validate(store.spec)
        wanted = _wanted_changes(current, req)
        spec = StoreSpec.model_validate({**current.to_document(), **wanted})
        changes = spec_changes(current.to_document(), spec.to_document())
        if not changes:
            return store, False
        return await apply_spec(conn, actor, store, spec, "update", {"changes": changes}), True


def _engine_only(field: str, engine_name: str) -> ValidationFailed:
    message = f"applies to {engine_name} stores only"
    return ValidationFailed(
        f"{field}: {message}", details=[{"field": field, "message": message, "type": "value_error"}]
    )


def _wanted_changes(current: StoreSpec, req: UpdateStoreRequest) -> dict[str, Any]:
    """The spec fields the request sets, checked against the store: a theme is WooCommerce's, a
    branding Medusa's, and the template seeded the catalogue the owner has since made their own."""
    wanted = req.model_dump(exclude_none=True, mode="json")
    if current.engine is Engine.MEDUSA and "theme" in wanted:
        raise _engine_only("theme", "WooCommerce")
    if current.engine is Engine.WOOCOMMERCE and "branding" in wanted:
        raise _engine_only("branding", "Medusa")
    if req.template is not None and req.template is not current.catalogue:
        raise TemplateLocked(
            f"The store was seeded from the '{current.catalogue.value}' template; changing it to "
            f"'{req.template.value}' would overwrite the owner's catalogue. Create a new store instead."
        )
    wanted.pop("template", None)
    return wanted
