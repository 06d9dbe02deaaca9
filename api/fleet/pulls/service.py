"""What a pull request's life means for its store: opened (waiting for review), merged (the cluster
applies it, the watcher takes over), closed without merge (the store fails). Each call is one
transaction and idempotent, so the webhook and the poll may both report the same event."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from storefleet.api.core import request_context
from storefleet.api.core.actor import Actor
from storefleet.api.db.pool import Connection
from storefleet.api.domain import audit, stores_repository
from storefleet.api.domain import lifecycle_service as lifecycle
from storefleet.api.domain import outbox_repository as outbox
from storefleet.api.domain.lifecycle import Event, StoreStatus
from storefleet.api.domain.lifecycle_service import Occurrence
from storefleet.api.domain.outbox_repository import PendingChange
from storefleet.api.domain.store_rows import StoreRow
from storefleet.api.fleet import service as fleet_service
from storefleet.api.fleet.pulls import repository
from storefleet.api.fleet.pulls.pull_info import PullInfo
from storefleet.api.fleet.pulls.repository import PullRequestRow
from storefleet.api.metrics import registry as metrics

PULLS = Actor.system("pull-requests")
CLOSED_WITHOUT_MERGE = "pull request closed without merge"
MSG_DELETED_UNAPPROVED = "deleted before it was approved"


async def record_opened(
    conn: Connection, change: PendingChange, action: str, pull: PullInfo, commit_sha: str
) -> list[PullRequestRow]:
    """The change is proposed: its outbox row is done (with the proposed commit), the store waits for
    review. Returns the store's older open pull requests, which this one supersedes."""
    async with conn.transaction():
        recorded = await repository.insert(
            conn, change, action, pull.number, pull.url, pull.head_ref, pull.head_sha
        )
        # Done either way: a pull request already recorded (for this change, or for an earlier one
        # whose branch it found open) proposes this change too.
        await outbox.mark_processed_many(conn, [(change.id, commit_sha)])
        if not recorded:
            return []
        store = await stores_repository.get_store(conn, change.store_id, for_update=True)
        assert store is not None
        older = [p for p in await repository.open_for_store(conn, store.id) if p.number != pull.number]
        await stores_repository.set_store_pull_request_url(conn, store.id, pull.url)
        message = f"pull request #{pull.number} waits for review: {pull.url}"
        with request_context.acting_for(change.request_id):
            await _audit(conn, "opened", store, number=pull.number, url=pull.url, branch=pull.head_ref)
            await lifecycle.offer(conn, Occurrence(store, Event.PROPOSED, message), PULLS)
    metrics.PULL_REQUESTS.labels(event="opened").inc()
    return older


async def record_opened_group(
    conn: Connection, changes: Sequence[PendingChange], pull: PullInfo, commit_sha: str
) -> None:
    """A rollout wave proposed as one pull request: every store's change recorded under its number,
    every outbox row done, every store waiting for the review (its status unchanged: `updating`)."""
    async with conn.transaction():
        for change in changes:
            await repository.insert(
                conn, change, "update", pull.number, pull.url, pull.head_ref, pull.head_sha
            )
        await outbox.mark_processed_many(conn, [(change.id, commit_sha) for change in changes])
        stores = await stores_repository.get_stores(conn, [c.store_id for c in changes], for_update=True)
        await stores_repository.set_store_fields(conn, "pull_request_url", {s: pull.url for s in stores})
        message = f"pull request #{pull.number} waits for review: {pull.url}"
        occurrences = [Occurrence(store, Event.PROPOSED, message) for store in stores.values()]
        await lifecycle.offer_many(conn, occurrences, PULLS)
        first = changes[0]
        await audit.record(conn, "fleet.pull_request_opened", PULLS, detail={
            "number": pull.number, "url": pull.url, "branch": pull.head_ref, "stores": len(changes),
            "rollout_id": first.params.get("rollout_id"), "wave": first.params.get("wave"),
        })  # fmt: skip
    metrics.PULL_REQUESTS.labels(event="opened").inc()


async def record_outcome(conn: Connection, pull: PullInfo) -> str:
    """Apply what GitHub says of a pull request we opened (to every change it proposes: a rollout
    wave's proposes one per store); returns what happened (for logs)."""
    async with conn.transaction():
        rows = await repository.all_by_number(conn, pull.number, for_update=True)
        if not rows:
            return f"#{pull.number}: not ours"
        rows = [row for row in rows if row.state == "open"]
        if not rows:
            return f"#{pull.number}: already ended"
        if pull.state == "open":
            for row in rows:
                if pull.head_sha != row.head_sha:  # a reviewer pushed to the branch
                    await repository.set_head(conn, row.id, pull.head_sha)
            return f"#{pull.number}: open"
        for row in rows:
            store = await stores_repository.get_store(conn, row.store_id, for_update=True)
            assert store is not None
            with request_context.acting_for(await outbox.change_request_id(conn, row.change_id)):
                if pull.merged and pull.merge_commit_sha:
                    await _merged(conn, row, store, pull.merge_commit_sha)
                else:
                    await _closed(conn, row, store)
        if pull.merged and pull.merge_commit_sha:
            return f"#{pull.number}: merged as {pull.merge_commit_sha[:12]}"
        return f"#{pull.number}: closed without merge"


async def _merged(conn: Connection, row: PullRequestRow, store: StoreRow, sha: str) -> None:
    await repository.set_outcome(conn, row.id, "merged", sha)
    await stores_repository.set_store_pull_request_url(conn, store.id, None)
    await stores_repository.set_store_fields(conn, "last_commit_sha", {store.id: sha})
    request_id = request_context.current_request_id()
    if request_id:
        await stores_repository.set_store_fields(conn, "last_request_id", {store.id: request_id})
    await _audit(conn, "merged", store, number=row.number, merge_commit=sha)
    message = fleet_service.MSG_WAITING_FOR_CLUSTER.format(sha=sha[:12])
    merged = Occurrence(store, Event.COMMITTED, message, detail={"merge_commit": sha})
    await lifecycle.offer(conn, merged, PULLS)
    # Tells the cluster watcher (wherever it runs) to nudge the applier, as a push does.
    await conn.execute("SELECT pg_notify(%s, '')", (fleet_service.FLEET_PUSHED_CHANNEL,))
    metrics.PULL_REQUESTS.labels(event="merged").inc()


async def _closed(conn: Connection, row: PullRequestRow, store: StoreRow) -> None:
    await repository.set_outcome(conn, row.id, "closed", None)
    metrics.PULL_REQUESTS.labels(event="closed").inc()
    await _audit(conn, "closed", store, number=row.number)
    if await repository.open_for_store(conn, store.id):
        return  # superseded by a newer pull request: that one decides
    await stores_repository.set_store_pull_request_url(conn, store.id, None)
    if store.status == StoreStatus.DELETING and store.last_commit_sha is None:
        # Deleted before its creation was ever merged: nothing of it is in git or the cluster.
        outcome = Occurrence(store, Event.WITHDRAWN, MSG_DELETED_UNAPPROVED)
    else:
        outcome = Occurrence(store, Event.PROPOSAL_CLOSED, CLOSED_WITHOUT_MERGE, CLOSED_WITHOUT_MERGE,
                             {"number": row.number})  # fmt: skip
    await lifecycle.offer(conn, outcome, PULLS)


async def withdraw_unmerged(conn: Connection, change: PendingChange) -> list[PullRequestRow]:
    """A deletion of a store whose creation was never merged: nothing to propose. The change is done
    without a commit (the store becomes deleted) and its open pull requests are returned, to close."""
    async with conn.transaction():
        pulls = await repository.open_for_store(conn, change.store_id)
        for pull in pulls:
            await repository.set_outcome(conn, pull.id, "closed", None)
        await stores_repository.set_store_pull_request_url(conn, change.store_id, None)
        await fleet_service.complete_changes(conn, [(change, None)])
    return pulls


async def _audit(conn: Connection, event: str, store: StoreRow, **detail: Any) -> None:
    await audit.record(
        conn,
        f"store.pull_request_{event}",
        PULLS,
        store_id=store.id,
        tenant=store.owner_id,
        detail=detail,
    )


async def branches_to_delete(conn: Connection, limit: int) -> list[PullRequestRow]:
    return await repository.ended_with_branch(conn, limit)


async def branch_deleted(conn: Connection, pull_id: int) -> None:
    await repository.mark_branch_deleted(conn, pull_id)


async def open_pulls(conn: Connection, limit: int) -> list[PullRequestRow]:
    pulls = await repository.open_pulls(conn, limit)
    await repository.touch(conn, [p.id for p in pulls])
    return pulls
