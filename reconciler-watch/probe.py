"""The optional HTTP probe of running stores (pure): what one probe found, and the book of each
store's consecutive failures that says when the probe makes a store degraded (issue 19, §2).

A probe fails on a 5xx answer or no answer at all (refused, reset, timed out, TLS); any other status
means the shop's web server answers (a 404 or a login redirect is a shop, not an outage). One failure
is noise — a pod rolling, a slow page — so a store is unhealthy for the probe only after `threshold`
failures in a row, and healthy again at its first success.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_DETAIL = 200


@dataclass(frozen=True)
class ProbeResult:
    url: str
    ok: bool
    detail: str  # "HTTP 503", "timed out after 5 s", "connection refused", …


@dataclass(frozen=True)
class ProbeStreak:
    failures: int = 0  # consecutive, since the last success
    last: ProbeResult | None = None


def failed_message(last: ProbeResult, threshold: int) -> str:
    """Stable while the store keeps failing the same way (no new message on every round)."""
    return f"HTTP probe of {last.url} failed {threshold} times in a row: {last.detail[:MAX_DETAIL]}"


@dataclass
class ProbeBook:
    """Each running store's streak. `record` says whether the store's verdict changed, so that only
    those stores are judged again."""

    threshold: int
    streaks: dict[str, ProbeStreak] = field(default_factory=dict)

    def failure(self, store_id: str) -> str | None:
        """Why the probe says the store is down, or None (never probed, or not failing enough)."""
        streak = self.streaks.get(store_id)
        if streak is None or streak.last is None or self.threshold <= 0 or streak.failures < self.threshold:
            return None
        return failed_message(streak.last, self.threshold)

    def record(self, store_id: str, result: ProbeResult) -> bool:
        before = self.failure(store_id)
        streak = self.streaks.get(store_id, ProbeStreak())
        failures = 0 if result.ok else streak.failures + 1
        self.streaks[store_id] = ProbeStreak(failures, result)
        after = self.failure(store_id)
        return before != after

    def keep_only(self, store_ids: set[str]) -> None:
        """Forget the stores that no longer run (deleted, updating): a new streak starts at zero."""
        for gone in set(self.streaks) - store_ids:
            del self.streaks[gone]
