"""The fleet overview's answer: current counts and the window's series (docs/operations.md defines
each series)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field


class StatsWindow(BaseModel):
    since: datetime
    until: datetime
    bucket: Literal["hour", "day"] = Field(description="the width of each series' buckets")


class KeyCount(BaseModel):
    key: str
    stores: int


class StoreCounts(BaseModel):
    """Stores not deleted, now. `by_status` lists `failed` and `degraded` first."""

    total: int
    by_status: list[KeyCount]
    by_engine: list[KeyCount]
    by_plan: list[KeyCount]


class StoresAt(BaseModel):
    at: datetime = Field(description="the bucket's start")
    stores: int = Field(description="stores not deleted at the bucket's end (or at `until`)")
    created: int
    deleted: int


class HistogramBin(BaseModel):
    from_seconds: float
    to_seconds: float | None = Field(description="None: no upper bound")
    stores: int


class DurationSummary(BaseModel):
    count: int
    p50_seconds: float | None
    p95_seconds: float | None


class ProvisioningStats(DurationSummary):
    histogram: list[HistogramBin]


class LagAt(DurationSummary):
    at: datetime = Field(description="the bucket's start (of the commits)")


class CommitToReadyStats(DurationSummary):
    series: list[LagAt]


class ChangesAt(BaseModel):
    at: datetime
    create: int = 0
    update: int = 0
    delete: int = 0
    rollback: int = 0
    retry: int = 0


class FailureReason(BaseModel):
    reason: str = Field(description="the lifecycle event that failed the store (failed, timed_out, ...)")
    failures: int


class FleetStats(BaseModel):
    scope: Literal["fleet", "tenant"] = Field(description="fleet: every store (admins); tenant: your own")
    window: StatsWindow
    counts: StoreCounts
    stores_over_time: list[StoresAt]
    provisioning: ProvisioningStats
    commit_to_ready: CommitToReadyStats
    changes: list[ChangesAt]
    failures: list[FailureReason]
