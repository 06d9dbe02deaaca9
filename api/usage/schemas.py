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


class StoreUsage(Usage):
    store_id: str
    plan: str
    source: Literal["plan"] = Field(
        default="plan", description="Where the figures come from: the store's plan sizes"
    )


class UsageGroup(Usage):
    key: str = Field(description="The tenant's id, or the plan")
    stores: int


class UsageReport(BaseModel):
    group_by: Literal["tenant", "plan"]
    groups: list[UsageGroup]
    total: UsageGroup = Field(description="Every group together (key: `all`)")
