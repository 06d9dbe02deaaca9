"""The API limits' counters (`api_rate_limit_counters`, an UNLOGGED table): one statement per request."""

from __future__ import annotations

from dataclasses import dataclass

from psycopg.rows import class_row

from storefleet.api.db.pool import Connection

# Each key's window starts at its first request; a key whose window has ended starts a new one.
# One row per key, whatever the request rate; the keys of one request are always given sorted, so two
# concurrent requests lock their rows in the same order.
_COUNT_HITS = """
INSERT INTO api_rate_limit_counters AS c (key, hits, expires_at)
SELECT key, 1, now() + make_interval(secs => window_s)
FROM unnest(%(keys)s::text[], %(windows)s::int[]) AS t(key, window_s)
ON CONFLICT (key) DO UPDATE SET
    hits = CASE WHEN c.expires_at <= now() THEN 1 ELSE c.hits + 1 END,
    expires_at = CASE WHEN c.expires_at <= now() THEN excluded.expires_at ELSE c.expires_at END
RETURNING key, hits, greatest(1, ceil(extract(epoch FROM c.expires_at - now())))::int AS reset_s
"""

_DELETE_EXPIRED = """
DELETE FROM api_rate_limit_counters WHERE key IN (
    SELECT key FROM api_rate_limit_counters WHERE expires_at <= now() LIMIT %s FOR UPDATE SKIP LOCKED
)
"""


@dataclass(frozen=True, slots=True)
class CounterHit:
    key: str
    hits: int
    reset_s: int


async def count_hits(conn: Connection, keys: list[str], windows_s: list[int]) -> dict[str, CounterHit]:
    """Count one request under each key (its window in `windows_s`); the counts after it, by key."""
    async with conn.cursor(row_factory=class_row(CounterHit)) as cur:
        await cur.execute(_COUNT_HITS, {"keys": keys, "windows": windows_s})
        return {row.key: row for row in await cur.fetchall()}


async def delete_expired(conn: Connection, batch: int = 1000) -> int:
    """Drop a bounded batch of ended windows; SKIP LOCKED so it never waits on a live counter."""
    cur = await conn.execute(_DELETE_EXPIRED, (batch,))
    return cur.rowcount
