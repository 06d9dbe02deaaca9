"""What a pushed (or refused) change means for its store: outbox row done, store status, audit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from storefleet.api.audit import service as audit
from storefleet.api.audit.repository import AuditEventRow
from storefleet.api.core.actor import Actor
from storefleet.api.db.pool import Connection
from storefleet.api.domain import outbox_repository as outbox
from storefleet.api.domain import stores_repository
from storefleet.api.domain.lifecycle import StoreStatus, can_transition
from storefleet.api.stores import service as stores

# NOTIFY channel: commits were published (the cluster watcher nudges the applier).
FLEET_PUSHED_CHANNEL = "storefleet_fleet_pushed"

WRITER = Actor.system("fleet-writer")
MSG_WAITING_FOR_CLUSTER = "committed {sha}; waiting for the cluster to apply"
MSG_UNCHANGED = "nothing to change in the fleet repo; waiting for the cluster"
MSG_DELETE_COMMITTED = "deletion committed {sha}; waiting for the cluster to remove the store"


@dataclass(frozen=True)
class _Step:
    """What one committed change does to its store besides recording the commit."""

    transition: StoreStatus | None = None
    message: str | None = None


def _decide(store: dict[str, Any], action: str, sha: str | None) -> _Step:
    status = StoreStatus(store["status"])
    short = sha[:12] if sha else ""
    waiting = MSG_WAITING_FOR_CLUSTER.format(sha=short) if sha else MSG_UNCHANGED
    if action in ("create", "retry") and status is StoreStatus.REQUESTED:
        return _Step(StoreStatus.PROVISIONING, waiting)
    if action == "delete" and status is StoreStatus.DELETING:
        if sha is None and store["last_commit_sha"] is None:
            # Never reached git, so nothing can be running: the deletion is complete.
            return _Step(StoreStatus.DELETED, "deleted before it was committed")
        return _Step(message=MSG_DELETE_COMMITTED.format(sha=short or "earlier"))
    if action in ("update", "rollback") and status in (StoreStatus.UPDATING, StoreStatus.PROVISIONING):
        # a change made while the store converges: it now waits for this, its newest commit
        return _Step(message=waiting)
    return _Step()


async def complete_changes(conn: Connection, done: list[tuple[dict[str, Any], str | None]]) -> None:
    """Record that each change is in git as its commit (None: it changed no byte), in the caller's
    transaction and in a fixed number of statements per batch. Idempotent: a change another writer
    already completed is skipped."""
    if not done:
        return
    fresh = await outbox.mark_processed_many(conn, [(change["id"], sha) for change, sha in done])
    done = [(change, sha) for change, sha in done if change["id"] in fresh]
    stores_by_id = await stores_repository.get_stores(
        conn, sorted({c["store_id"] for c, _ in done}), for_update=True
    )
    commits: dict[str, str] = {}
    request_ids: dict[str, str] = {}
    messages: dict[str, str] = {}
    moves: list[tuple[dict[str, Any], StoreStatus, str | None]] = []
    events = []
    for change, sha in done:  # in outbox order, on in-memory copies that follow each step
        store = stores_by_id[change["store_id"]]
        if sha:
            commits[store["id"]] = store["last_commit_sha"] = sha
            if change.get("request_id"):
                request_ids[store["id"]] = change["request_id"]
        events.append(_committed_event(store, change, sha))
        step = _decide(store, change["action"], sha)
        if step.transition is not None:
            moves.append((dict(store), step.transition, step.message))
            store["status"] = step.transition
        elif step.message is not None:
            messages[store["id"]] = step.message
    await stores_repository.set_store_fields(conn, "last_commit_sha", commits)
    await stores_repository.set_store_fields(conn, "last_request_id", request_ids)
    await audit.record_many(conn, events)
    await stores.transition_many(conn, moves, WRITER)
    await stores_repository.set_store_fields(conn, "status_message", messages)
    if commits:
        # Tells the cluster watcher (wherever it runs) to nudge the applier; once per batch.
        await conn.execute("SELECT pg_notify(%s, '')", (FLEET_PUSHED_CHANNEL,))


def _committed_event(store: dict[str, Any], change: dict[str, Any], sha: str | None) -> AuditEventRow:
    return audit.event_row(
        "store.committed",
        WRITER,
        store_id=store["id"],
        tenant=store["owner_id"],
        detail={"commit": sha, "action": change["action"], "change_id": change["id"]},
        request_id=change["request_id"],
    )


async def reject_change(conn: Connection, change: dict[str, Any], error: str) -> None:
    """A change that can never be committed (e.g. its spec no longer renders): fail its store.
    Runs in the caller's transaction."""
    if not await outbox.mark_processed(conn, change["id"], None, error):
        return
    store = await stores_repository.get_store(conn, change["store_id"], for_update=True)
    assert store is not None
    await audit.record(
        conn,
        "store.commit_failed",
        WRITER,
        store_id=store["id"],
        tenant=store["owner_id"],
        detail={"action": change["action"], "change_id": change["id"], "error": error},
        request_id=change["request_id"],
    )
    if can_transition(StoreStatus(store["status"]), StoreStatus.FAILED):
        await stores.transition(
            conn,
            store,
            StoreStatus.FAILED,
            WRITER,
            error=error,
            message="the change could not be written to the fleet repo",
        )
