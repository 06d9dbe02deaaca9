"""Automatic retries of failed stores: a failure that a second try may cure (a registry hiccup, a node
lost mid-install, a setup Job evicted) should not wait for a person.

Every `AUTO_RETRY_TICK_S` the loop takes the failed stores whose next retry is due — `AUTO_RETRY_BASE_S
* 2^n` after they failed, capped at `AUTO_RETRY_CAP_S`, where n is the retries the platform made since
the store was last ready or a person retried it — and retries each exactly as a person's retry does (a
lifecycle event, a new outbox row), up to `AUTO_RETRY_MAX` times. Each attempt is audited as the
`system:auto-retry` actor and says which attempt it is in the store's status message. Several replicas
may run the loop: each pass locks the rows it retries and skips those another replica holds.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

from psycopg_pool import AsyncConnectionPool

from storefleet.api.core.actor import Actor
from storefleet.api.core.ticks import every
from storefleet.api.db.pool import Connection
from storefleet.api.domain import store_counts
from storefleet.api.domain.store_rows import StoreRow
from storefleet.api.metrics import registry as metrics
from storefleet.api.stores import service

log = logging.getLogger(__name__)

AUTO_RETRY = Actor.system("auto-retry")
MSG_AUTO_RETRY = "automatic retry {attempt} of {most} (failed: {why}); waiting for the fleet writer"


@dataclass(frozen=True)
class RetryPolicy:
    max_retries: int
    base_s: float
    cap_s: float

    def delay_s(self, retries_so_far: int) -> float:
        """How long after its failure a store with `retries_so_far` automatic retries is tried again."""
        return float(min(self.cap_s, self.base_s * 2**retries_so_far))


class AutoRetry:
    def __init__(self, pool: AsyncConnectionPool[Any], policy: RetryPolicy, tick_s: float) -> None:
        self._pool = pool
        self._policy = policy
        self._tick_s = tick_s

    async def run(self, stop: asyncio.Event) -> None:
        await every(self._tick_s, stop, self.retry_due, "auto retry")

    async def retry_due(self) -> list[str]:
        """One pass: retry every failed store that is due; returns their ids."""
        if self._policy.max_retries <= 0:
            return []
        async with self._pool.connection() as conn, conn.transaction():
            due = await store_counts.failed_due_for_retry(
                conn, self._policy.max_retries, self._policy.base_s, self._policy.cap_s
            )
            for store, retries in due:
                await _retry(conn, store, retries + 1, self._policy.max_retries)
        for _ in due:
            metrics.STORE_AUTO_RETRIES.inc()
        if due:
            log.info("auto retry: retried %d failed stores", len(due))
        return [store.id for store, _ in due]


async def _retry(conn: Connection, store: StoreRow, attempt: int, most: int) -> None:
    why = (store.error or store.status_message or "unknown")[:200]
    message = MSG_AUTO_RETRY.format(attempt=attempt, most=most, why=why)
    await service.retry(conn, store, AUTO_RETRY, message, detail={"auto_retry": attempt}, automatic=True)
