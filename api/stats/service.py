"""The fleet overview: the repository's reads shaped into one answer, scoped to the actor (admins see
the fleet, a tenant their own stores), with every bucket of the window present."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from storefleet.api.core.actor import Actor
from storefleet.api.db.pool import Connection
from storefleet.api.stats import repository
from storefleet.api.stats.repository import BucketMoves, Durations, GroupCount
from storefleet.api.stats.schemas import (
    ChangesAt,
    CommitToReadyStats,
    FailureReason,
    FleetStats,
    HistogramBin,
    KeyCount,
    LagAt,
    ProvisioningStats,
    StatsWindow,
    StoreCounts,
    StoresAt,
)
from storefleet.api.stats.window import Window

# The provisioning histogram's bin edges, in seconds: 30 s, 1, 2, 5, 10, 20, 30 min, then open-ended.
HISTOGRAM_EDGES = [0.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1200.0, 1800.0]
# Statuses that need a person's eye come first on the cards.
ATTENTION_FIRST = ("failed", "degraded")
ACTIONS = ("create", "update", "delete", "rollback", "retry")


async def fleet_stats(conn: Connection, actor: Actor, window: Window) -> FleetStats:
    owner = None if actor.is_admin else actor.id
    counts = counts_of(await repository.live_counts(conn, owner))
    moves = await repository.creations_and_deletions(conn, window, owner)
    provisioning = await repository.provisioning_durations(conn, window, owner, HISTOGRAM_EDGES)
    lags = await repository.commit_to_ready_lags(conn, window, owner)
    changes = await repository.changes_by_action(conn, window, owner)
    failures = await repository.failures_by_reason(conn, window, owner)
    return FleetStats(
        scope="fleet" if owner is None else "tenant",
        window=StatsWindow(since=window.since, until=window.until, bucket=window.bucket.value),
        counts=counts,
        stores_over_time=stores_over_time(window, counts.total, moves),
        provisioning=provisioning_of(provisioning),
        commit_to_ready=commit_to_ready_of(window, lags),
        changes=changes_of(window, changes),
        failures=[FailureReason(reason=r.reason, failures=r.failures) for r in failures],
    )


def counts_of(rows: Sequence[GroupCount]) -> StoreCounts:
    def of(dimension: str) -> list[KeyCount]:
        return [KeyCount(key=r.key, stores=r.stores) for r in rows if r.dimension == dimension]

    def attention_rank(count: KeyCount) -> int:
        return ATTENTION_FIRST.index(count.key) if count.key in ATTENTION_FIRST else len(ATTENTION_FIRST)

    by_status = sorted(of("status"), key=attention_rank)  # stable: the rest stay in name order
    return StoreCounts(
        total=sum(c.stores for c in by_status),
        by_status=by_status,
        by_engine=of("engine"),
        by_plan=of("plan"),
    )


def stores_over_time(window: Window, live_now: int, moves: Sequence[BucketMoves]) -> list[StoresAt]:
    """Stores not deleted at each bucket's end, counted back from now: the count at a bucket's end is
    today's, less what was created after it, plus what was deleted after it."""
    created = [0] * (window.buckets + 1)  # the last slot: moves after `until`
    deleted = [0] * (window.buckets + 1)
    for move in moves:
        created[move.bucket] += move.created
        deleted[move.bucket] += move.deleted
    starts = window.starts()
    series: list[StoresAt] = []
    live = live_now - created[-1] + deleted[-1]
    for index in reversed(range(window.buckets)):
        series.append(StoresAt(at=starts[index], stores=live, created=created[index], deleted=deleted[index]))
        live = live - created[index] + deleted[index]
    return series[::-1]


_NONE = Durations(bucket=None, bin=None, count=0, p50=None, p95=None)


def _rounded(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds, 1)


def _summary(row: Durations) -> dict[str, Any]:
    return {"count": row.count, "p50_seconds": _rounded(row.p50), "p95_seconds": _rounded(row.p95)}


def provisioning_of(rows: Sequence[Durations]) -> ProvisioningStats:
    whole = next(r for r in rows if r.bin is None)
    per_bin = {r.bin: r.count for r in rows if r.bin is not None}
    edges = [*HISTOGRAM_EDGES, None]
    histogram = [
        HistogramBin(from_seconds=edges[i], to_seconds=edges[i + 1], stores=per_bin.get(i + 1, 0))
        for i in range(len(HISTOGRAM_EDGES))
    ]
    return ProvisioningStats(**_summary(whole), histogram=histogram)


def commit_to_ready_of(window: Window, rows: Sequence[Durations]) -> CommitToReadyStats:
    whole = next(r for r in rows if r.bucket is None)
    by_bucket = {r.bucket: r for r in rows if r.bucket is not None}
    series = [
        LagAt(at=start, **_summary(by_bucket.get(index, _NONE)))
        for index, start in enumerate(window.starts())
    ]
    return CommitToReadyStats(**_summary(whole), series=series)


def changes_of(window: Window, rows: Sequence[repository.ActionCount]) -> list[ChangesAt]:
    series = [ChangesAt(at=start) for start in window.starts()]
    for row in rows:
        if row.action in ACTIONS:
            setattr(series[row.bucket], row.action, row.changes)
    return series
