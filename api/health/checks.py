"""Health checks: each component registers an async check; /health runs them all."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from psycopg_pool import AsyncConnectionPool

from storefleet.api.domain.store_counts import oldest_unreconciled_commit_age

CHECK_TIMEOUT_S = 2.0


@dataclass
class CheckResult:
    status: str  # ok | degraded | down | not_configured
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def healthy(self) -> bool:
        return self.status in ("ok", "not_configured")


HealthCheck = Callable[[], Awaitable[CheckResult]]


def database_check(pool: AsyncConnectionPool[Any]) -> HealthCheck:
    async def check() -> CheckResult:
        started = time.perf_counter()
        try:
            async with asyncio.timeout(CHECK_TIMEOUT_S), pool.connection(timeout=CHECK_TIMEOUT_S) as conn:
                await conn.execute("SELECT 1")
        except Exception as exc:  # any failure means "down"; the reason is reported, not raised
            return CheckResult("down", {"error": type(exc).__name__})
        return CheckResult("ok", {"latency_ms": round((time.perf_counter() - started) * 1000, 2)})

    return check


def watcher_lag_check(pool: AsyncConnectionPool[Any], stuck_after_s: float) -> HealthCheck:
    """How far the cluster is behind the fleet repo, read from the stores (so it holds wherever the
    watcher runs): the oldest commit not yet seen applied. Degraded once that passes the
    provisioning timeout, when stores should have failed rather than still be waiting."""

    async def check() -> CheckResult:
        try:
            async with asyncio.timeout(CHECK_TIMEOUT_S), pool.connection(timeout=CHECK_TIMEOUT_S) as conn:
                waiting, oldest = await oldest_unreconciled_commit_age(conn)
        except Exception as exc:  # the database check reports the cause; this one only cannot tell
            return CheckResult("down", {"error": type(exc).__name__})
        lag = round(oldest or 0.0, 1)
        details = {"lag_seconds": lag, "stores_waiting": waiting}
        return CheckResult("degraded" if lag > stuck_after_s else "ok", details)

    return check


def simulated(check: HealthCheck) -> HealthCheck:
    """The cluster check of a simulated cluster (`storefleet up --demo-cluster`): its report says
    `simulated: true`, which the dashboard's status bar shows."""

    async def labelled() -> CheckResult:
        result = await check()
        return CheckResult(result.status, {**result.details, "simulated": True})

    return labelled


async def run_checks(checks: dict[str, HealthCheck]) -> dict[str, CheckResult]:
    results = await asyncio.gather(*(check() for check in checks.values()))
    return dict(zip(checks, results, strict=True))
