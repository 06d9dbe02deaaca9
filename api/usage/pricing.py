"""What a store reserves and what that costs (pure): its plan's requests and limits (the same sizes
the renderer gives the chart, `renderer.values.PLAN_SIZES`), priced by the platform's table.

The estimate prices what a store *reserves* — its containers' CPU and memory requests, and its
volumes — for a month of 730 hours, the way a cluster's capacity is planned and the way OpenCost's
allocation charges by default. Limits are shown but not priced: they are a ceiling, not a reservation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from storefleet.renderer.quantity import GIB, parse_quantity
from storefleet.renderer.spec import Plan
from storefleet.renderer.values import PLAN_SIZES, Resources

HOURS_PER_MONTH = 730.0


@dataclass(frozen=True)
class PriceTable:
    cpu_core_hour: float
    memory_gib_hour: float
    storage_gib_month: float
    currency: str = "USD"


@dataclass(frozen=True)
class Footprint:
    """A store's reservation: CPU in cores, memory and storage in GiB."""

    cpu_request: float
    cpu_limit: float
    memory_request_gib: float
    memory_limit_gib: float
    storage_gib: float

    def __add__(self, other: Footprint) -> Footprint:
        return Footprint(
            self.cpu_request + other.cpu_request,
            self.cpu_limit + other.cpu_limit,
            self.memory_request_gib + other.memory_request_gib,
            self.memory_limit_gib + other.memory_limit_gib,
            self.storage_gib + other.storage_gib,
        )

    def times(self, count: int) -> Footprint:
        return Footprint(
            self.cpu_request * count,
            self.cpu_limit * count,
            self.memory_request_gib * count,
            self.memory_limit_gib * count,
            self.storage_gib * count,
        )


NOTHING = Footprint(0.0, 0.0, 0.0, 0.0, 0.0)


@dataclass(frozen=True)
class MonthlyCost:
    cpu: float
    memory: float
    storage: float

    @property
    def total(self) -> float:
        return self.cpu + self.memory + self.storage


def plan_footprint(plan: Plan) -> Footprint:
    size = PLAN_SIZES[plan]
    app, database = _container(size.app), _container(size.database)
    storage = parse_quantity(size.app_storage) + parse_quantity(size.database_storage)
    return (app + database) + Footprint(0.0, 0.0, 0.0, 0.0, storage / GIB)


def monthly_cost(footprint: Footprint, prices: PriceTable) -> MonthlyCost:
    return MonthlyCost(
        cpu=round(footprint.cpu_request * prices.cpu_core_hour * HOURS_PER_MONTH, 2),
        memory=round(footprint.memory_request_gib * prices.memory_gib_hour * HOURS_PER_MONTH, 2),
        storage=round(footprint.storage_gib * prices.storage_gib_month, 2),
    )


def _container(resources: Resources) -> Footprint:
    return Footprint(
        cpu_request=parse_quantity(resources.cpu_request),
        cpu_limit=parse_quantity(resources.cpu_limit),
        memory_request_gib=parse_quantity(resources.memory_request) / GIB,
        memory_limit_gib=parse_quantity(resources.memory_limit) / GIB,
        storage_gib=0.0,
    )


@dataclass(frozen=True)
class LiveFootprint:
    cpu_cores: float
    memory_gib: float
    pods: int


def live_footprint(pod_metrics: Sequence[Mapping[str, Any]]) -> LiveFootprint:
    """The sum of every container's usage over the namespace's PodMetrics."""
    cpu = memory = 0.0
    for pod in pod_metrics:
        for container in pod.get("containers") or []:
            usage = container.get("usage") or {}
            cpu += parse_quantity(str(usage.get("cpu", "0")))
            memory += parse_quantity(str(usage.get("memory", "0")))
    return LiveFootprint(round(cpu, 3), round(memory / GIB, 3), len(pod_metrics))
