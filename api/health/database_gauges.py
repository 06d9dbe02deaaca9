"""Gauges whose truth is in PostgreSQL, recomputed when Prometheus scrapes.

Why at scrape time (in the endpoint) rather than a refresher task or a custom Collector: the values
are only ever read by a scrape, so computing them then is both the freshest and the cheapest option
(one grouped query per scrape interval instead of one every few seconds, whether anyone looks or
not); no background task has to be started, stopped or supervised; and a Collector would need a
synchronous database call inside prometheus-client's rendering. The scrape already needs the
database (the admin check reads the user), so this adds no new way for it to fail. Every API replica
reports the same values: aggregate them with `max`, not `sum`.
"""

from __future__ import annotations

from typing import Any

from psycopg_pool import AsyncConnectionPool

from storefleet.api.db.pool import Connection
from storefleet.api.domain import outbox_repository as outbox
from storefleet.api.domain import store_counts
from storefleet.api.domain.lifecycle import StoreStatus
from storefleet.api.metrics import registry as metrics

# Stores an operation is under way for. `pending_approval` waits for a person, not for the platform,
# so it is left out (it would otherwise trip the "stuck provisioning" alert).
TRANSITIONAL = frozenset(
    {StoreStatus.REQUESTED, StoreStatus.PROVISIONING, StoreStatus.UPDATING, StoreStatus.DELETING}
)


async def refresh_database_gauges(conn: Connection) -> None:
    await _refresh_store_gauges(conn)
    # The fleet writer sets these too, but only in its own process (a child process under
    # `storefleet up`, its own Deployment in production): read them here so the API reports them.
    depth, age = await outbox.pending_count(conn)
    metrics.OUTBOX_DEPTH.set(depth)
    metrics.OUTBOX_OLDEST_AGE.set(age or 0)


async def _refresh_store_gauges(conn: Connection) -> None:
    counts = {row.status: row for row in await store_counts.stores_by_status(conn)}
    for status in StoreStatus:
        row = counts.get(status.value)
        metrics.STORES.labels(status=status.value).set(row.count if row else 0)
    transitional = [counts[s.value] for s in TRANSITIONAL if s.value in counts]
    metrics.ACTIVE_PROVISIONING.set(sum(row.count for row in transitional))
    metrics.OLDEST_TRANSITIONAL_AGE.set(max((row.oldest_age_s for row in transitional), default=0.0))


def refresh_pool_gauges(pool: AsyncConnectionPool[Any]) -> None:
    """This process's connection pool (psycopg_pool's own counters): a pool that stays in use to its
    maximum, with requests waiting, is the database side of a slow API (alert StorefleetDbPoolSaturated).
    These are per process: aggregate with `sum`."""
    stats = pool.pop_stats()  # its counters restart at each pop: added to ours, never counted twice
    size, idle = stats.get("pool_size", 0), stats.get("pool_available", 0)
    metrics.DB_POOL_CONNECTIONS.labels(state="in_use").set(size - idle)
    metrics.DB_POOL_CONNECTIONS.labels(state="idle").set(idle)
    metrics.DB_POOL_MAX.set(stats.get("pool_max", 0))
    metrics.DB_POOL_WAITING.set(stats.get("requests_waiting", 0))
    metrics.DB_POOL_WAIT_SECONDS.inc(stats.get("requests_wait_ms", 0) / 1000)
    metrics.DB_POOL_TIMEOUTS.inc(stats.get("requests_errors", 0))
