"""Which limits a request counts against, and what its answer says about them. Pure: no I/O.

Route classes: `reads` (GET, HEAD, OPTIONS under /api/v1), `writes` (every other method) and
`store_creation` (`POST /api/v1/stores`, counted in addition to `writes`). Health, metrics and the
signed webhooks are never limited here; neither is anything outside /api/v1 (the dashboard's files,
the git HTTP endpoint).

The answer's headers follow the IETF draft "RateLimit header fields for HTTP"
(draft-ietf-httpapi-ratelimit-headers-06): `RateLimit-Limit`, `RateLimit-Remaining` and
`RateLimit-Reset` (seconds) describe the request's limit closest to exhaustion; `RateLimit-Policy`
lists every limit the request counted against as `<limit>;w=<window seconds>`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

API_PREFIX = "/api/v1/"
# Probes and scrapes must answer however busy a client is; webhooks are signed by their sender
# (GitHub or the git server), which cannot slow down on a 429 and would lose the event.
EXEMPT_PREFIXES = ("/api/v1/health", "/api/v1/metrics", "/api/v1/webhooks/")
STORE_CREATION_ROUTE = "/api/v1/stores"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class RouteClass(StrEnum):
    READS = "reads"
    WRITES = "writes"
    STORE_CREATION = "store_creation"


@dataclass(frozen=True, slots=True)
class Quota:
    limit: int  # requests per window; 0: the class is not limited
    window_s: int


@dataclass(frozen=True, slots=True)
class ApiLimits:
    reads: Quota
    writes: Quota
    store_creation: Quota

    @property
    def any_on(self) -> bool:
        return bool(self.reads.limit or self.writes.limit or self.store_creation.limit)

    def quota(self, route_class: RouteClass) -> Quota:
        quota: Quota = getattr(self, route_class.value)
        return quota

    def applying(self, method: str, route_path: str) -> tuple[tuple[RouteClass, Quota], ...]:
        """The limits a request to this route template counts against (those turned on)."""
        return tuple(
            (route_class, self.quota(route_class))
            for route_class in route_classes(method, route_path)
            if self.quota(route_class).limit
        )


def route_classes(method: str, route_path: str) -> tuple[RouteClass, ...]:
    if not route_path.startswith(API_PREFIX) or route_path.startswith(EXEMPT_PREFIXES):
        return ()
    if method.upper() in SAFE_METHODS:
        return (RouteClass.READS,)
    if method.upper() == "POST" and route_path == STORE_CREATION_ROUTE:
        return (RouteClass.WRITES, RouteClass.STORE_CREATION)
    return (RouteClass.WRITES,)


def client_key(user_id: str | None, client_ip: str | None) -> str:
    """Whom a request counts for: the signed-in user wherever they connect from, else the address."""
    return f"user:{user_id}" if user_id else f"ip:{client_ip or 'unknown'}"


@dataclass(frozen=True, slots=True)
class Usage:
    """One limit after counting this request."""

    route_class: RouteClass
    quota: Quota
    hits: int  # this request included
    reset_s: int  # seconds until the window ends

    @property
    def remaining(self) -> int:
        return max(0, self.quota.limit - self.hits)

    @property
    def exceeded(self) -> bool:
        return self.hits > self.quota.limit


@dataclass(frozen=True, slots=True)
class Verdict:
    usages: tuple[Usage, ...]

    @property
    def refused_by(self) -> tuple[Usage, ...]:
        return tuple(usage for usage in self.usages if usage.exceeded)

    @property
    def retry_after_s(self) -> int:
        """Seconds until every exceeded window has ended (at least 1)."""
        return max((usage.reset_s for usage in self.refused_by), default=0) or 1

    def nearest(self) -> Usage:
        """The limit closest to exhaustion (the later reset on a tie): the one the headers describe."""
        return min(self.usages, key=lambda usage: (usage.remaining, -usage.reset_s))

    def headers(self) -> list[tuple[bytes, bytes]]:
        if not self.usages:
            return []
        usage = self.nearest()
        policy = ", ".join(f"{u.quota.limit};w={u.quota.window_s}" for u in self.usages)
        return [
            (b"ratelimit-limit", str(usage.quota.limit).encode()),
            (b"ratelimit-remaining", str(usage.remaining).encode()),
            (b"ratelimit-reset", str(usage.reset_s).encode()),
            (b"ratelimit-policy", policy.encode()),
        ]
