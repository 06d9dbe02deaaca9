"""Pins: an owner or an admin keeps a store out of fleet-wide rollouts, saying why. A pin is not a
status: it changes nothing the store runs and makes no commit; it is recorded and audited."""

from __future__ import annotations

from storefleet.api.core.actor import Actor
from storefleet.api.db.pool import Connection
from storefleet.api.domain import audit
from storefleet.api.domain import stores_repository as repository
from storefleet.api.domain.lifecycle import StoreStatus
from storefleet.api.domain.store_rows import StoreRow
from storefleet.api.stores.service import get_visible
from storefleet.api.stores.updates import StoreBusy

_GONE = frozenset({StoreStatus.DELETING, StoreStatus.DELETED})


async def pin_store(conn: Connection, actor: Actor, store_id: str, reason: str) -> StoreRow:
    """Pin (or re-word the pin of) a live store; pinning a store being deleted is a 409."""
    async with conn.transaction():
        store = await get_visible(conn, actor, store_id, for_update=True)
        if store.status in _GONE:
            raise StoreBusy(f"The store is {store.status.value}; there is nothing left to pin.")
        if store.pin_reason == reason:
            return store
        pinned = await repository.set_pin(conn, store.id, reason, f"{actor.name} ({actor.id})")
        await audit.record(
            conn,
            "store.pinned",
            actor,
            store_id=store.id,
            tenant=store.owner_id,
            before={"pin_reason": store.pin_reason},
            after={"pin_reason": reason},
        )
    return pinned


async def unpin_store(conn: Connection, actor: Actor, store_id: str) -> StoreRow:
    """Lift the store's pin; a store without one answers as it is."""
    async with conn.transaction():
        store = await get_visible(conn, actor, store_id, for_update=True)
        if store.pinned_at is None:
            return store
        unpinned = await repository.set_pin(conn, store.id, None, None)
        await audit.record(
            conn,
            "store.unpinned",
            actor,
            store_id=store.id,
            tenant=store.owner_id,
            before={"pin_reason": store.pin_reason, "pinned_by": store.pinned_by},
        )
    return unpinned
