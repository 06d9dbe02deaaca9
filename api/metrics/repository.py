"""The SQL behind the metrics computed from the database."""

from __future__ import annotations

from dataclasses import dataclass

from storefleet.api.db.pool import Connection


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
