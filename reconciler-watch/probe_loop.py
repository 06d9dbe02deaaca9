"""The HTTP probe's loop: every `STORE_PROBE_INTERVAL_S`, one GET of each running store's page (a
few at a time, each in a thread), recorded in the book; a store whose verdict changed is handed to
the watcher to judge again (`on_change`). Off unless the interval is set."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg_pool import AsyncConnectionPool

from storefleet.api.domain import stores_repository as repository
from storefleet.api.metrics import registry as metrics
from storefleet.reconciler_watch.probe import ProbeBook
from storefleet.reconciler_watch.prober import HttpProber

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ProbeConfig:
    interval_s: float  # 0: no probe
    failures: int = 3  # in a row before a store is degraded
    path: str = "/"
    timeout_s: float = 5.0
    address: str | None = None  # STORE_PROBE_ADDRESS: connect here, the store's host as Host
    verify_tls: bool = True
    concurrency: int = 8
    scope: str | None = None  # the watcher's stores only (WatcherConfig.scope)


class ProbeLoop:
    def __init__(
        self,
        pool: AsyncConnectionPool[Any],
        config: ProbeConfig,
        url_of: Callable[[dict[str, Any]], str],
        prober: HttpProber | None = None,
    ) -> None:
        self._pool, self.config, self.url_of = pool, config, url_of
        self.prober = prober or HttpProber(config.path, config.timeout_s, config.address, config.verify_tls)
        self.book = ProbeBook(config.failures)
        self.rounds = 0

    async def run(self, stop: asyncio.Event, on_change: Callable[[str], None]) -> None:
        while not stop.is_set():
            try:
                for store_id in await self.probe_round():
                    on_change(store_id)
            except (psycopg.Error, OSError) as exc:
                log.warning("store probe: cannot list the running stores (%s); next round as planned", exc)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=self.config.interval_s)

    async def probe_round(self) -> list[str]:
        """Probe every running store once; the ids whose verdict changed."""
        async with self._pool.connection() as conn:
            running = await repository.running_store_specs(conn, self.config.scope)
        self.book.keep_only({store_id for store_id, _ in running})
        limit = asyncio.Semaphore(self.config.concurrency)

        async def one(store_id: str, spec: dict[str, Any]) -> str | None:
            try:
                url = self.url_of(spec)
            except ValueError as exc:  # a spec the renderer refuses names no page to probe
                log.info("store probe: no URL for store %s: %s", store_id, exc)
                return None
            async with limit:
                result = await asyncio.to_thread(self.prober.probe, url)
            metrics.STORE_PROBES.labels(result="ok" if result.ok else "failed").inc()
            return store_id if self.book.record(store_id, result) else None

        changed = await asyncio.gather(*(one(store_id, spec) for store_id, spec in running))
        self.rounds += 1
        return [store_id for store_id in changed if store_id is not None]
