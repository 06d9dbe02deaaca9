"""Answers of the usage API."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class Resources(BaseModel):
    cpu_cores: float
    memory_gib: float


class Cost(BaseModel):
    cpu: float
    memory: float
    storage: float
    total: float
    currency: str


class Usage(BaseModel):
    requests: Resources = Field(description="What the stores reserve (priced)")
    limits: Resources = Field(description="Their ceiling (not priced)")
    storage_gib: float
    estimated_monthly_cost: Cost = Field(description="Requests and storage at the platform's prices, 730 h")


class LiveUsage(BaseModel):
    """What the store's pods use now, as the cluster's metrics API (metrics-server) last sampled it."""

    cpu_cores: float
    memory_gib: float
    pods: int


CostSource = Literal["plan", "opencost"]


class StoreUsage(Usage):
    store_id: str
    plan: str
    source: CostSource = Field(
        default="plan",
        description="Where the cost comes from: the plan's sizes at the price table, or OpenCost's "
        "allocation of the last 30 days (the reservation always comes from the plan)",
    )
    live: LiveUsage | None = Field(
        default=None,
        description="Current use from the cluster's metrics API; null without a cluster, without a "
        "metrics API, before the store is installed, or when the cluster cannot be read now",
    )


class UsageGroup(Usage):
    key: str = Field(description="The tenant's id, or the plan")
    stores: int


class UsageReport(BaseModel):
    group_by: Literal["tenant", "plan"]
    source: CostSource = Field(default="plan", description="As a store's `source`")
    groups: list[UsageGroup]
    total: UsageGroup = Field(description="Every group together (key: `all`)")
