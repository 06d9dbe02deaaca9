"""What a cluster's stores reserve and what room it has left (pure): each live store reserves its
plan's CPU and memory requests (`renderer.values.PLAN_SIZES`, the sizes the chart gets), weighed
against the cluster's limits. Placement will ask the same question before it picks a cluster."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from storefleet.renderer.quantity import GIB, parse_quantity
from storefleet.renderer.spec import Plan
from storefleet.renderer.values import PLAN_SIZES


@dataclass(frozen=True)
class Use:
    stores: int
    cpu_cores: float
    memory_gib: float


@dataclass(frozen=True)
class Limits:
    max_stores: int | None
    max_cpu_cores: float | None
    max_memory_gib: float | None


@dataclass(frozen=True)
class Headroom:
    stores: int | None
    cpu_cores: float | None
    memory_gib: float | None


def plan_requests(plan: Plan) -> tuple[float, float]:
    """A store's CPU (cores) and memory (GiB) requests: its application's and its database's."""
    size = PLAN_SIZES[plan]
    cpu = parse_quantity(size.app.cpu_request) + parse_quantity(size.database.cpu_request)
    memory = parse_quantity(size.app.memory_request) + parse_quantity(size.database.memory_request)
    return cpu, memory / GIB


def use_of(stores_per_plan: Mapping[str, int]) -> Use:
    cpu = memory = 0.0
    for plan, count in stores_per_plan.items():
        plan_cpu, plan_memory = plan_requests(Plan(plan))
        cpu += plan_cpu * count
        memory += plan_memory * count
    return Use(sum(stores_per_plan.values()), round(cpu, 3), round(memory, 3))


def headroom(limits: Limits, use: Use) -> Headroom:
    def left(limit: float | None, used: float) -> float | None:
        return None if limit is None else round(limit - used, 3)

    return Headroom(
        stores=None if limits.max_stores is None else limits.max_stores - use.stores,
        cpu_cores=left(limits.max_cpu_cores, use.cpu_cores),
        memory_gib=left(limits.max_memory_gib, use.memory_gib),
    )
