"""Counting a request against its limits, refusing it past one, and keeping the counters table small.

Every request counts, a refused one too: with fixed windows that never lengthens a wait (the window
ends when it ends), and a client that keeps sending while refused has used what it was allowed.
Refusals are not audited (a flood would become a flood of rows); each is counted in
`api_rate_limited_total{route_class}`, and one WARNING line is logged per client, class and window
(the request that first goes past the limit).
"""

from __future__ import annotations

import hashlib
import logging
import time

from storefleet.api.auth.guardrails import RateLimited
from storefleet.api.db.pool import Connection
from storefleet.api.metrics.registry import API_RATE_LIMITED
from storefleet.api.ratelimit import repository
from storefleet.api.ratelimit.policy import ApiLimits, Quota, RouteClass, Usage, Verdict
from storefleet.api.settings import Settings

log = logging.getLogger(__name__)

# How often one process deletes ended windows (a bounded batch, on the request that finds it due).
PURGE_INTERVAL_S = 60.0

_NOUNS = {
    RouteClass.READS: "reads",
    RouteClass.WRITES: "changes",
    RouteClass.STORE_CREATION: "store creations",
}


def limits_from_settings(settings: Settings) -> ApiLimits:
    window = settings.api_rate_limit_window_s
    return ApiLimits(
        reads=Quota(settings.api_rate_limit_reads, window),
        writes=Quota(settings.api_rate_limit_writes, window),
        store_creation=Quota(
            settings.api_rate_limit_store_creations, settings.api_rate_limit_store_creations_window_s
        ),
    )


def counter_key(route_class: RouteClass, client: str) -> str:
    # Hashed: fixed-length keys, and the table holds no addresses.
    return f"api:{route_class.value}:{hashlib.sha256(client.encode()).hexdigest()[:32]}"


class ApiLimiter:
    def __init__(self, limits: ApiLimits, *, purge_interval_s: float = PURGE_INTERVAL_S) -> None:
        self.limits = limits
        self._purge_interval_s = purge_interval_s
        self._next_purge = time.monotonic() + purge_interval_s

    async def count(
        self, conn: Connection, applying: tuple[tuple[RouteClass, Quota], ...], client: str
    ) -> Verdict:
        """Count one request of `client` against `applying`: each limit's use after it."""
        keys = [counter_key(route_class, client) for route_class, _ in applying]
        # Sorted: two concurrent requests of one client lock their rows in the same order.
        ordered = sorted(zip(keys, (quota.window_s for _, quota in applying), strict=True))
        counts = await repository.count_hits(conn, [k for k, _ in ordered], [w for _, w in ordered])
        verdict = Verdict(
            tuple(
                Usage(route_class, quota, counts[key].hits, counts[key].reset_s)
                for key, (route_class, quota) in zip(keys, applying, strict=True)
            )
        )
        await self._purge_if_due(conn)
        return verdict

    async def _purge_if_due(self, conn: Connection) -> None:
        now = time.monotonic()
        if now < self._next_purge:
            return
        self._next_purge = now + self._purge_interval_s
        await repository.delete_expired(conn)

    def refusal(self, verdict: Verdict, client: str) -> RateLimited | None:
        """The error to answer with when the request went past a limit (counted and logged here)."""
        if not verdict.refused_by:
            return None
        for usage in verdict.refused_by:
            API_RATE_LIMITED.labels(route_class=usage.route_class.value).inc()
            if usage.hits == usage.quota.limit + 1:
                log.warning(
                    "API request limit reached: %s for %s (%d per %d s)",
                    usage.route_class.value,
                    client,
                    usage.quota.limit,
                    usage.quota.window_s,
                    extra={"route_class": usage.route_class.value, "client": client},
                )
        binding = max(verdict.refused_by, key=lambda usage: usage.reset_s)
        retry_after_s = verdict.retry_after_s
        return RateLimited(
            f"Too many {_NOUNS[binding.route_class]}: at most {binding.quota.limit} every "
            f"{_duration(binding.quota.window_s)}; try again in {retry_after_s} seconds.",
            details={
                "retry_after_s": retry_after_s,
                "route_class": binding.route_class.value,
                "limit": binding.quota.limit,
                "window_s": binding.quota.window_s,
            },
            headers={"Retry-After": str(retry_after_s)},
        )


def _duration(seconds: int) -> str:
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return "hour" if hours == 1 else f"{hours} hours"
    if seconds % 60 == 0:
        minutes = seconds // 60
        return "minute" if minutes == 1 else f"{minutes} minutes"
    return f"{seconds} seconds"
