"""What a pushed (or refused) change means for its store: outbox row done, store status, audit."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from storefleet.api.core.actor import Actor
from storefleet.api.db.pool import Connection
from storefleet.api.domain import audit, stores_repository
from storefleet.api.domain import lifecycle_service as lifecycle
from storefleet.api.domain import outbox_repository as outbox
from storefleet.api.domain.lifecycle import Event
from storefleet.api.domain.lifecycle_service import Occurrence
from storefleet.api.domain.outbox_repository import PendingChange
from storefleet.api.domain.store_rows import StoreSummary, StoreWrites

# NOTIFY channel: commits were published (the cluster watcher nudges the applier).
FLEET_PUSHED_CHANNEL = "storefleet_fleet_pushed"

WRITER = Actor.system("fleet-writer")
MSG_WAITING_FOR_CLUSTER = "committed {sha}; waiting for the cluster to apply"
MSG_UNCHANGED = "nothing to change in the fleet repo; waiting for the cluster"
MSG_DELETE_COMMITTED = "deletion committed {sha}; waiting for the cluster to remove the store"


def _occurrence(store: StoreSummary, change: PendingChange, sha: str | None) -> Occurrence[StoreSummary]:
    """What one committed change reports to the store's lifecycle."""
    short = sha[:12] if sha else ""
    if change.action == "delete":
        if sha is None and store.last_commit_sha is None:
            # Never reached git, so nothing can be running: the deletion is complete.
            return Occurrence(store, Event.WITHDRAWN, "deleted before it was committed")
        return Occurrence(store, Event.COMMITTED, MSG_DELETE_COMMITTED.format(sha=short or "earlier"))
    waiting = MSG_WAITING_FOR_CLUSTER.format(sha=short) if sha else MSG_UNCHANGED
    return Occurrence(store, Event.COMMITTED, waiting)


async def complete_changes(conn: Connection, done: list[tuple[PendingChange, str | None]]) -> None:
    """Record that each change is in git as its commit (None: it changed no byte), in the caller's
    transaction and in a fixed number of statements per batch. Idempotent: a change another writer
    already completed is skipped."""
    if not done:
        return
    # Each completed row's `store.committed` audit row is written with it.
    fresh = await outbox.mark_processed_many(
        conn, [(change.id, sha) for change, sha in done], audit.committed_statement(WRITER)
    )
    done = [(change, sha) for change, sha in done if change.id in fresh]
    stores_by_id = await stores_repository.get_store_summaries(
        conn, sorted({c.store_id for c, _ in done}), for_update=True
    )
    commits: dict[str, str] = {}
    request_ids: dict[str, str] = {}
    occurrences: list[Occurrence[StoreSummary]] = []
    counts = Counter(change.store_id for change, _ in done)
    again = {store_id for store_id, count in counts.items() if count > 1}
    for change, sha in done:  # in outbox order
        store = stores_by_id[change.store_id]
        if sha:
            commits[store.id] = sha
            if store.id in again:  # its later changes see this commit (a deletion is no withdrawal)
                store = stores_by_id[store.id] = replace(store, last_commit_sha=sha)
            if change.request_id:
                request_ids[store.id] = change.request_id
        occurrences.append(_occurrence(store, change, sha))
    writes = StoreWrites(commits={i: (sha, request_ids.get(i)) for i, sha in commits.items()})
    await lifecycle.offer_with_writes(conn, occurrences, WRITER, writes)
    if commits:
        # Tells the cluster watcher (wherever it runs) to nudge the applier; once per batch.
        await conn.execute("SELECT pg_notify(%s, '')", (FLEET_PUSHED_CHANNEL,))


async def reject_change(conn: Connection, change: PendingChange, error: str) -> None:
    """A change that can never be committed (e.g. its spec no longer renders): fail its store.
    Runs in the caller's transaction."""
    if not await outbox.mark_processed(conn, change.id, None, error):
        return
    store = await stores_repository.get_store(conn, change.store_id, for_update=True)
    assert store is not None
    await audit.record(
        conn,
        "store.commit_failed",
        WRITER,
        store_id=store.id,
        tenant=store.owner_id,
        detail={"action": change.action, "change_id": change.id, "error": error},
        request_id=change.request_id,
    )
    refused = Occurrence(
        store, Event.COMMIT_REFUSED, "the change could not be written to the fleet repo", error=error
    )
    await lifecycle.offer(conn, refused, WRITER)
