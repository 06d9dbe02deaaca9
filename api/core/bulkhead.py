"""A bulkhead per outbound dependency: at most `limit` calls at once and at most `queue` waiting.

A slow dependency (a cluster API under load, a big `git fetch`) otherwise makes every request that
needs it wait on worker threads until the whole API is stuck behind it. With the bulkhead full,
the API answers at once: 503 `OVERLOADED` with `Retry-After`, which a client can act on.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio

from storefleet.api.core.errors import ServiceUnavailable
from storefleet.api.metrics import registry as metrics

RETRY_AFTER_S = 1


class Overloaded(ServiceUnavailable):
    code = "OVERLOADED"


class Bulkhead:
    def __init__(self, dependency: str, limit: int, queue: int) -> None:
        self.dependency, self.limit, self.queue = dependency, limit, queue
        self._slots = anyio.CapacityLimiter(limit)
        self._waiting = 0
        metrics.OUTBOUND_IN_FLIGHT.labels(dependency=dependency).set(0)

    @property
    def waiting(self) -> int:
        return self._waiting

    async def _wait_for_slot(self) -> None:
        if self._waiting >= self.queue:
            metrics.OUTBOUND_REJECTED.labels(dependency=self.dependency).inc()
            what = self.dependency.replace("_", " ")
            raise Overloaded(
                f"Too many requests are waiting for the {what}; try again shortly.",
                headers={"Retry-After": str(RETRY_AFTER_S)},
            )
        self._waiting += 1
        try:
            await self._slots.acquire()
        finally:
            self._waiting -= 1

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold one of the slots for the block; refuse at once when the queue is full too."""
        try:
            self._slots.acquire_nowait()
        except anyio.WouldBlock:
            await self._wait_for_slot()
        gauge = metrics.OUTBOUND_IN_FLIGHT.labels(dependency=self.dependency)
        gauge.inc()
        try:
            yield
        finally:
            gauge.dec()
            self._slots.release()
