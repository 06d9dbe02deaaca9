"""What a pushed (or refused) change means for its store: outbox row done, store status, audit."""

from __future__ import annotations

from typing import Any

from storefleet.api.audit import service as audit
from storefleet.api.core.actor import Actor
from storefleet.api.db.pool import Connection
from storefleet.api.fleet import repository
from storefleet.api.stores import repository as stores_repository
from storefleet.api.stores import service as stores
from storefleet.api.stores.state_machine import StoreStatus, can_transition

WRITER = Actor.system("fleet-writer")
MSG_WAITING_FOR_CLUSTER = "committed {sha}; waiting for the cluster to apply"
MSG_UNCHANGED = "nothing to change in the fleet repo; waiting for the cluster"
MSG_DELETE_COMMITTED = "deletion committed {sha}; waiting for the cluster to remove the store"


async def complete_change(conn: Connection, change: dict[str, Any], commit_sha: str | None) -> None:
    """Record that `change` is in git as `commit_sha` (None: it changed no byte). Idempotent.
    Runs in the caller's transaction (the writer completes a whole batch in one)."""
    if not await repository.mark_processed(conn, change["id"], commit_sha, None):
        return  # another writer finished it first
    store = await stores_repository.get_store(conn, change["store_id"], for_update=True)
    assert store is not None
    if commit_sha:
        await repository.set_store_commit(conn, store["id"], commit_sha)
    await audit.record(
        conn,
        "store.committed",
        WRITER,
        store_id=store["id"],
        tenant=store["owner_id"],
        detail={"commit": commit_sha, "action": change["action"], "change_id": change["id"]},
        request_id=change["request_id"],
    )
    await _advance(conn, store, change["action"], commit_sha)


async def _advance(conn: Connection, store: dict[str, Any], action: str, sha: str | None) -> None:
    status = StoreStatus(store["status"])
    short = sha[:12] if sha else ""
    waiting = MSG_WAITING_FOR_CLUSTER.format(sha=short) if sha else MSG_UNCHANGED
    if action in ("create", "retry") and status is StoreStatus.REQUESTED:
        await stores.transition(conn, store, StoreStatus.PROVISIONING, WRITER, message=waiting)
    elif action == "delete" and status is StoreStatus.DELETING:
        if sha is None and store["last_commit_sha"] is None:
            # Never reached git, so nothing can be running: the deletion is complete.
            await stores.transition(
                conn, store, StoreStatus.DELETED, WRITER, message="deleted before it was committed"
            )
        else:
            await repository.set_store_message(
                conn, store["id"], MSG_DELETE_COMMITTED.format(sha=short or "earlier")
            )
    elif action in ("update", "rollback") and status is StoreStatus.UPDATING:
        await repository.set_store_message(conn, store["id"], waiting)


async def reject_change(conn: Connection, change: dict[str, Any], error: str) -> None:
    """A change that can never be committed (e.g. its spec no longer renders): fail its store.
    Runs in the caller's transaction."""
    if not await repository.mark_processed(conn, change["id"], None, error):
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
