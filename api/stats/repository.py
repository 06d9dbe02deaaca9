"""All SQL of the fleet overview. Every read but the current counts is bounded by the window (or by
its start up to now) and starts from an index of migration 0028 or 0002; per store, the first
`ready` transition is found on `audit_events_store_idx`. `owner` scopes a read to one tenant's
stores (None: the whole fleet): `owner_id` on stores, `tenant` (the owner's id) on outbox and audit
rows. Buckets are numbered from the window's origin, as `Window.index`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from psycopg.rows import class_row

from storefleet.api.db.pool import Connection
from storefleet.api.stats.window import Window

# A row's bucket: whole bucket widths since the window's origin.
_BUCKET = "floor(extract(epoch FROM ({at} - %(origin)s)) / %(width)s)::int"
# The first move of a store into `ready` at or after a time, read on the store's audit index.
_FIRST_READY = (
    "SELECT a.created_at AS at FROM audit_events a WHERE a.store_id = {store}"
    " AND a.event = 'store.transition' AND (a.after ->> 'status') = 'ready' AND a.created_at >= {after}"
    " ORDER BY a.id LIMIT 1"
)
# Stores created in [since, until): live ones on stores_live_created_idx (or the owner's), deleted
# ones on stores_deleted_at_idx (a store created in the window was deleted after its start).
_CREATED_IN_WINDOW = (
    "SELECT id, created_at FROM stores WHERE status <> 'deleted' AND created_at >= %(since)s"
    " AND created_at < %(until)s{owner}"
    " UNION ALL SELECT id, created_at FROM stores WHERE status = 'deleted' AND deleted_at >= %(since)s"
    " AND created_at >= %(since)s AND created_at < %(until)s{owner}"
)


def _params(window: Window, owner: str | None) -> dict[str, Any]:
    return {
        "since": window.since,
        "until": window.until,
        "origin": window.origin,
        "width": window.width.total_seconds(),
        "owner": owner,
    }


def _only(owner: str | None, column: str = "owner_id") -> str:
    return f" AND {column} = %(owner)s" if owner is not None else ""


@dataclass(frozen=True, slots=True)
class GroupCount:
    dimension: str  # status | engine | plan
    key: str
    stores: int


async def live_counts(conn: Connection, owner: str | None) -> list[GroupCount]:
    """Stores not `deleted`, counted by status, by engine and by plan in one pass."""
    cur = conn.cursor(row_factory=class_row(GroupCount))
    await cur.execute(
        "SELECT CASE WHEN GROUPING(status) = 0 THEN 'status' WHEN GROUPING(engine) = 0 THEN 'engine'"
        " ELSE 'plan' END AS dimension, coalesce(status, engine, plan) AS key, count(*)::int AS stores"
        f" FROM stores WHERE status <> 'deleted'{_only(owner)}"
        " GROUP BY GROUPING SETS ((status), (engine), (plan)) ORDER BY 1, 2",
        {"owner": owner},
    )
    return await cur.fetchall()


@dataclass(frozen=True, slots=True)
class BucketMoves:
    bucket: int  # past the window's last bucket: a move between `until` and now
    created: int
    deleted: int


async def creations_and_deletions(conn: Connection, window: Window, owner: str | None) -> list[BucketMoves]:
    """Stores created and stores deleted per bucket from the window's start up to now (the moves
    after `until` are what separates the count now from the count at the window's end)."""
    bucket = _BUCKET.format(at="at")
    cur = conn.cursor(row_factory=class_row(BucketMoves))
    await cur.execute(
        f"SELECT least({bucket}, %(last)s) AS bucket,"
        " count(*) FILTER (WHERE kind = 'created')::int AS created,"
        " count(*) FILTER (WHERE kind = 'deleted')::int AS deleted FROM ("
        " SELECT 'created' AS kind, created_at AS at FROM stores"
        f"  WHERE status <> 'deleted' AND created_at >= %(since)s{_only(owner)}"
        " UNION ALL SELECT 'created', created_at FROM stores"
        f"  WHERE status = 'deleted' AND deleted_at >= %(since)s AND created_at >= %(since)s{_only(owner)}"
        " UNION ALL SELECT 'deleted', deleted_at FROM stores"
        f"  WHERE status = 'deleted' AND deleted_at >= %(since)s{_only(owner)}"
        ") moves GROUP BY 1 ORDER BY 1",
        {**_params(window, owner), "last": window.buckets},
    )
    return await cur.fetchall()


@dataclass(frozen=True, slots=True)
class Durations:
    """Seconds, summarised: the whole window (bucket None) or one bucket; or one histogram bin."""

    bucket: int | None
    bin: int | None  # width_bucket's bin over the edges asked for (0: below the first edge)
    count: int
    p50: float | None
    p95: float | None


async def provisioning_durations(
    conn: Connection, window: Window, owner: str | None, edges: list[float]
) -> list[Durations]:
    """Creation → first `ready` of each store created in the window that was ready before its end:
    the window's count and percentiles, then one row per histogram bin."""
    first_ready = _FIRST_READY.format(store="s.id", after="s.created_at")
    cur = conn.cursor(row_factory=class_row(Durations))
    await cur.execute(
        f"WITH s AS ({_CREATED_IN_WINDOW.format(owner=_only(owner))}),"
        " d AS (SELECT extract(epoch FROM r.at - s.created_at)::float8 AS seconds"
        f"  FROM s CROSS JOIN LATERAL ({first_ready}) r WHERE r.at < %(until)s)"
        f" {_SUMMARY_AND_BINS}",
        {**_params(window, owner), "edges": edges},
    )
    return await cur.fetchall()


_PERCENTILES = (
    "percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds) AS p50,"
    " percentile_cont(0.95) WITHIN GROUP (ORDER BY seconds) AS p95"
)
_SUMMARY_AND_BINS = (
    f"SELECT NULL::int AS bucket, NULL::int AS bin, count(*)::int AS count, {_PERCENTILES} FROM d"
    " UNION ALL SELECT NULL, width_bucket(seconds, %(edges)s::float8[]), count(*)::int, NULL, NULL"
    " FROM d GROUP BY 2"
)


async def commit_to_ready_lags(conn: Connection, window: Window, owner: str | None) -> list[Durations]:
    """For each commit of a store change in the window (not a deletion), the time to the store's next
    move into `ready` before the window's end, when no later commit of the store came between:
    the window's count and percentiles, then per bucket of the commit."""
    first_ready = _FIRST_READY.format(store="c.store_id", after="c.at")
    cur = conn.cursor(row_factory=class_row(Durations))
    await cur.execute(
        "WITH c AS (SELECT o.store_id, o.processed_at AS at FROM outbox o"
        " WHERE o.commit_sha IS NOT NULL AND o.processed_at >= %(since)s"
        f"  AND o.processed_at < %(until)s AND o.action <> 'delete'{_only(owner, 'o.tenant')}),"
        f" d AS (SELECT {_BUCKET.format(at='c.at')} AS bucket,"
        "  extract(epoch FROM r.at - c.at)::float8 AS seconds"
        f"  FROM c CROSS JOIN LATERAL ({first_ready}) r WHERE r.at < %(until)s"
        "  AND NOT EXISTS (SELECT 1 FROM outbox n WHERE n.store_id = c.store_id AND n.commit_sha IS NOT NULL"
        # within the window too (it lies between two times that do): read on the same index
        "   AND n.processed_at >= %(since)s AND n.processed_at < %(until)s"
        "   AND n.processed_at > c.at AND n.processed_at < r.at))"
        f" SELECT NULL::int AS bucket, NULL::int AS bin, count(*)::int AS count, {_PERCENTILES} FROM d"
        f" UNION ALL SELECT bucket, NULL, count(*)::int, {_PERCENTILES} FROM d GROUP BY bucket",
        _params(window, owner),
    )
    return await cur.fetchall()


@dataclass(frozen=True, slots=True)
class ActionCount:
    bucket: int
    action: str
    changes: int


async def changes_by_action(conn: Connection, window: Window, owner: str | None) -> list[ActionCount]:
    """Outbox rows (the changes people and the platform asked for) enqueued per bucket and action."""
    cur = conn.cursor(row_factory=class_row(ActionCount))
    await cur.execute(
        f"SELECT {_BUCKET.format(at='created_at')} AS bucket, action, count(*)::int AS changes"
        " FROM outbox WHERE created_at >= %(since)s AND created_at < %(until)s"
        f"{_only(owner, 'tenant')} GROUP BY 1, 2 ORDER BY 1, 2",
        _params(window, owner),
    )
    return await cur.fetchall()


@dataclass(frozen=True, slots=True)
class ReasonCount:
    reason: str
    failures: int


async def failures_by_reason(conn: Connection, window: Window, owner: str | None) -> list[ReasonCount]:
    """Moves into `failed` in the window, by the lifecycle event that caused them."""
    cur = conn.cursor(row_factory=class_row(ReasonCount))
    await cur.execute(
        "SELECT coalesce(after ->> 'event', 'unknown') AS reason, count(*)::int AS failures"
        " FROM audit_events WHERE event = 'store.transition' AND (after ->> 'status') = 'failed'"
        f" AND created_at >= %(since)s AND created_at < %(until)s{_only(owner, 'tenant')}"
        " GROUP BY 1 ORDER BY 2 DESC, 1",
        _params(window, owner),
    )
    return await cur.fetchall()
