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
