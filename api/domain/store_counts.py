"""Reads over the stores table beyond one store: the counts the creation guardrails weigh (and the
advisory locks around creation), what health and metrics report, every store's status (the drift
view), and the failed stores due for an automatic retry. Reads only (the lifecycle service and
`stores_repository` are the only writers of a store row)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from psycopg.rows import kwargs_row

from storefleet.api.db.pool import Connection
from storefleet.api.domain.lifecycle import AUTO_RETRYABLE
from storefleet.api.domain.store_rows import STORE_COLUMNS, StoreRow, store_row

# ---- creation guardrails (see stores/guardrails.py) ----------------------------------------------
# Two-int advisory keys (a key space apart from the bigint keys of the writer and registrations):
# the first int names the lock, the second the owner (hashtext collisions only serialise more).
_CREATE_LOCK_PER_OWNER = 0x5F0C0001
_CREATE_LOCK_GLOBAL = 0x5F0C0002


async def lock_creations_of_owner(conn: Connection, owner_id: str) -> None:
    """Serialise store creation per owner until the transaction ends, on every replica."""
    await conn.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", (_CREATE_LOCK_PER_OWNER, owner_id))


async def lock_creations_globally(conn: Connection) -> None:
    """Serialise every store creation until the transaction ends (taken only near the global cap)."""
    await conn.execute("SELECT pg_advisory_xact_lock(%s, 0)", (_CREATE_LOCK_GLOBAL,))


@dataclass(frozen=True)
class CreationCounts:
    """What the creation guardrails weigh; None for what was not asked."""

    owner_live: int | None  # the owner's stores not `deleted`
    since_last_s: float | None  # seconds since the owner's latest creation (None: never created one)
    total_live: int | None  # everyone's stores not `deleted`


_OWNER_LIVE = "(SELECT count(*) FROM stores WHERE owner_id = %(owner)s AND status <> 'deleted')"
_SINCE_LAST = (
    "(SELECT extract(epoch FROM clock_timestamp() - max(created_at))::float8"
    " FROM stores WHERE owner_id = %(owner)s)"
)
_TOTAL_LIVE = "(SELECT count(*) FROM stores WHERE status <> 'deleted')"


async def creation_counts(
    conn: Connection, owner_id: str, *, owner_live: bool, since_last: bool, total_live: bool
) -> CreationCounts:
    """The asked-for counts in one statement (one round trip, one snapshot). Run it after the locks
    of `lock_creations_of_owner`: a statement's snapshot is taken when it starts, so a count in the
    statement that waited for the lock would miss the creation it waited for."""
    parts = {"owner_live": owner_live, "since_last": since_last, "total_live": total_live}
    fragments = {"owner_live": _OWNER_LIVE, "since_last": _SINCE_LAST, "total_live": _TOTAL_LIVE}
    columns = ", ".join(f"{fragments[n] if wanted else 'NULL'} AS {n}" for n, wanted in parts.items())
    cur = await conn.execute(f"SELECT {columns}", {"owner": owner_id})
    row = await cur.fetchone()
    assert row is not None
    return CreationCounts(
        owner_live=None if row["owner_live"] is None else int(row["owner_live"]),
        since_last_s=None if row["since_last"] is None else float(row["since_last"]),
        total_live=None if row["total_live"] is None else int(row["total_live"]),
    )


async def count_live_stores(conn: Connection) -> int:
    """Everyone's stores not `deleted`; walks the partial live-store index."""
    cur = await conn.execute(f"SELECT {_TOTAL_LIVE} AS n")
    row = await cur.fetchone()
    return int(row["n"]) if row else 0


# ---- metrics and health -------------------------------------------------------------------------
@dataclass(frozen=True)
class StatusCount:
    status: str
    count: int
    oldest_age_s: float  # how long the store longest in this status has been in it


async def stores_by_status(conn: Connection) -> list[StatusCount]:
    cur = await conn.execute(
        "SELECT status, count(*) AS n,"
        " extract(epoch FROM now() - min(status_changed_at))::float8 AS oldest"
        " FROM stores GROUP BY status"
    )
    return [StatusCount(row["status"], int(row["n"]), row["oldest"] or 0.0) for row in await cur.fetchall()]


async def oldest_unreconciled_commit_age(conn: Connection) -> tuple[int, float | None]:
    """(stores whose latest commit the cluster has not caught up with, age of the oldest such commit).

    A committed store in a transitional status waits for the watcher to see the cluster apply it."""
    cur = await conn.execute(
        "SELECT count(*) AS n, extract(epoch FROM now() - min(committed_at))::float8 AS oldest"
        " FROM stores WHERE committed_at IS NOT NULL AND status IN ('provisioning', 'updating', 'deleting')"
    )
    row = await cur.fetchone()
    assert row is not None
    return int(row["n"]), row["oldest"]


# ---- fleet-wide reads: the drift view, automatic retries --------------------------------------------
@dataclass(frozen=True)
class Placement:
    status: str
    cluster_id: str | None  # None: on no cluster the platform knows
    # a move under way whose target directory is committed: the cluster its copy is arriving on
    arriving_on: str | None = None


async def store_placements(conn: Connection) -> dict[str, Placement]:
    """Every store's status and the cluster it runs on, deleted ones included (what git has or had);
    a store made before placement runs on the settings cluster. A store being moved also names the
    cluster its copy is arriving on (git holds its directory under both roots until the move ends)."""
    cur = await conn.execute(
        "SELECT s.id, s.status, coalesce(s.cluster_id, (SELECT id FROM clusters WHERE origin = 'settings'))"
        " AS cluster_id, m.target_cluster_id AS arriving_on FROM stores s"
        " LEFT JOIN store_moves m ON m.store_id = s.id AND m.target_created"
        " AND m.stage IN ('backing_up', 'restoring', 'starting')"
    )
    return {
        row["id"]: Placement(row["status"], row["cluster_id"], row["arriving_on"])
        for row in await cur.fetchall()
    }


def _with_retries(*, auto_retries: int, **columns: Any) -> tuple[StoreRow, int]:
    return store_row(**columns), auto_retries


async def failed_due_for_retry(
    conn: Connection, max_retries: int, base_s: float, cap_s: float, limit: int = 50
) -> list[tuple[StoreRow, int]]:
    """Failed stores whose next automatic retry is due (failed by the cluster, base * 2^retries so
    far after they failed, capped), with their retries so far, oldest failure first, locked; rows
    another replica holds are skipped."""
    cur = conn.cursor(row_factory=kwargs_row(_with_retries))
    await cur.execute(
        f"SELECT {STORE_COLUMNS}, auto_retries FROM stores s"
        " WHERE status = 'failed' AND auto_retries < %(max)s"
        # a store that failed in a restore is not retried by the platform: a retry drops the restore
        # and reinstalls the store over the volumes the restore left (possibly empty); a person decides
        " AND jsonb_typeof(s.spec->'restore') IS DISTINCT FROM 'object'"
        " AND status_changed_at <= now() - make_interval(secs =>"
        " least(%(cap)s, %(base)s * power(2, auto_retries)))"
        # what failed it: the event of its latest transition (the audit trail keeps it), and not
        # while it was being deleted: a retry re-creates the store, which its owner asked to remove
        " AND (SELECT a.after->>'event' = ANY(%(events)s) AND a.before->>'status' IS DISTINCT FROM 'deleting'"
        " FROM audit_events a WHERE a.store_id = s.id"
        " AND a.event = 'store.transition' ORDER BY a.id DESC LIMIT 1)"
        " ORDER BY status_changed_at LIMIT %(limit)s FOR UPDATE OF s SKIP LOCKED",
        {
            "max": max_retries,
            "base": base_s,
            "cap": cap_s,
            "limit": limit,
            "events": sorted(event.value for event in AUTO_RETRYABLE),
        },
    )
    return await cur.fetchall()
