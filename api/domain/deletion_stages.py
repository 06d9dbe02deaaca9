"""The removal of a store deleted with `keep_backup`, queued once its final backup completed
(docs/backups.md), asked for by the cluster watcher.

A delete that keeps a backup takes a final Velero Backup of the store first and queues no removal:
the store is `deleting` with `final_backup` naming that Backup, and nothing of it has left git or
the cluster. When the watcher sees that Backup `Completed` it asks for the removal, committed here in
one transaction: the store row locked, its status and awaited Backup checked again, the lifecycle's
`backed_up` (the store stays `deleting`, its message says the removal is next), the `delete` outbox
row, an audit row. A second request (the same state seen twice, a restarted or a second watcher)
finds no Backup awaited and does nothing: the removal is queued once.
"""

from __future__ import annotations

from storefleet.api.core import request_context
from storefleet.api.core.actor import Actor
from storefleet.api.db.pool import Connection
from storefleet.api.domain import audit
from storefleet.api.domain import lifecycle_service as lifecycle
from storefleet.api.domain import outbox_repository as outbox
from storefleet.api.domain import stores_repository as repository
from storefleet.api.domain.lifecycle import Event, StoreStatus
from storefleet.api.domain.lifecycle_service import Occurrence
from storefleet.api.domain.store_rows import StoreRow

EVENT_FINAL_BACKUP_COMPLETED = "store.final_backup_completed"
MSG_REMOVING = "final backup {backup} completed; waiting for the fleet writer to commit the removal"


async def queue_removal(conn: Connection, store_id: str, backup: str, actor: Actor) -> StoreRow | None:
    """Queue the removal of a store whose final backup `backup` completed; None (nothing written) when
    the store is no longer deleting, or no longer waits for that Backup."""
    async with conn.transaction():
        store = await repository.get_store(conn, store_id, for_update=True)
        if store is None or store.status != StoreStatus.DELETING:
            return None
        if await repository.final_backup(conn, store_id) != backup:
            return None
        detail = {"final_backup": backup}
        message = MSG_REMOVING.format(backup=backup)
        await lifecycle.apply(conn, Occurrence(store, Event.BACKED_UP, message, detail=detail), actor)
        await repository.set_final_backup(conn, store_id, None)
        await outbox.enqueue(conn, _removal(store, actor, backup))
        await audit.record(
            conn, EVENT_FINAL_BACKUP_COMPLETED, actor, store_id=store.id, tenant=store.owner_id, detail=detail
        )
        return await repository.get_store(conn, store_id)


def _removal(store: StoreRow, actor: Actor, backup: str) -> outbox.OutboxEntry:
    """A `delete` like a person's (the usual trailers), naming the Backup that keeps the data."""
    return outbox.OutboxEntry(
        store_id=store.id,
        tenant=store.owner_id,
        action="delete",
        spec=None,
        spec_hash=None,
        request_id=request_context.current_request_id(),
        actor_id=actor.id,
        params={"actor": f"{actor.name} ({actor.id})", "actor_role": actor.role, "final_backup": backup},
    )
