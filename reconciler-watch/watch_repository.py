"""All SQL of the cluster watcher: which stores it follows, and what it records besides transitions."""

from __future__ import annotations

from typing import Any

from storefleet.api.db.pool import Connection

CONVERGING = ("provisioning", "updating", "deleting")

_COLUMNS = (
    "s.id, s.owner_id, s.engine, s.status, s.status_message, s.spec, s.spec_hash, s.last_commit_sha,"
    " s.status_changed_at, s.committed_at, s.setup_done_key, s.setup_generation, s.retry_token,"
    " s.retry_requested_at, s.updated_at, s.last_request_id,"
    # A change is pending while it waits in the outbox or in an open pull request (pull-request mode).
    " (EXISTS (SELECT 1 FROM outbox o WHERE o.store_id = s.id AND o.processed_at IS NULL)"
    "  OR EXISTS (SELECT 1 FROM pull_requests p WHERE p.store_id = s.id AND p.state = 'open'))"
    " AS change_pending"
)


async def converging_stores(conn: Connection, store_ids: list[str] | None = None) -> list[dict[str, Any]]:
    """Stores the cluster still has to converge (all of them, or those of `store_ids`)."""
    if store_ids is None:
        cur = await conn.execute(
            f"SELECT {_COLUMNS} FROM stores s WHERE s.status = ANY(%s) ORDER BY s.id",  # noqa: S608 - constant columns
            (list(CONVERGING),),
        )
    else:
        cur = await conn.execute(
            f"SELECT {_COLUMNS} FROM stores s WHERE s.id = ANY(%s) AND s.status = ANY(%s)"  # noqa: S608
            " ORDER BY s.id",
            (store_ids, list(CONVERGING)),
        )
    return [dict(row) for row in await cur.fetchall()]


async def set_messages(conn: Connection, messages: dict[str, tuple[str, str]]) -> None:
    """store id -> (expected status, message): only where the store is still in that status."""
    if messages:
        ids = list(messages)
        await conn.execute(
            "UPDATE stores s SET status_message = d.message, updated_at = now()"
            " FROM unnest(%s::text[], %s::text[], %s::text[]) AS d(id, expected, message)"
            " WHERE s.id = d.id AND s.status = d.expected",
            (ids, [messages[i][0] for i in ids], [messages[i][1] for i in ids]),
        )


async def record_ready(conn: Connection, store_id: str, setup_key: str, revision: str | None) -> None:
    """A completed setup moves the setup generation on: the next setup change gets a Job of its own."""
    await conn.execute(
        "UPDATE stores SET setup_generation = setup_generation + (setup_done_key IS DISTINCT FROM %s)::int,"
        " setup_done_key = %s, observed_revision = coalesce(%s, observed_revision) WHERE id = %s",
        (setup_key, setup_key, revision, store_id),
    )
