"""Usage and estimated cost, per store and rolled up per tenant or per plan."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

from storefleet.api.core.actor import Actor
from storefleet.api.db.pool import Connection
from storefleet.api.usage import repository
from storefleet.api.usage.opencost import MeasuredCost
from storefleet.api.usage.pricing import NOTHING, Footprint, PriceTable, monthly_cost, plan_footprint
from storefleet.api.usage.schemas import Cost, Resources, StoreUsage, Usage, UsageGroup, UsageReport
from storefleet.renderer.spec import Plan


def usage(footprint: Footprint, prices: PriceTable) -> Usage:
    cost = monthly_cost(footprint, prices)
    return Usage(
        requests=Resources(
            cpu_cores=round(footprint.cpu_request, 3), memory_gib=round(footprint.memory_request_gib, 3)
        ),
        limits=Resources(
            cpu_cores=round(footprint.cpu_limit, 3), memory_gib=round(footprint.memory_limit_gib, 3)
        ),
        storage_gib=round(footprint.storage_gib, 3),
        estimated_monthly_cost=Cost(
            cpu=cost.cpu,
            memory=cost.memory,
            storage=cost.storage,
            total=round(cost.total, 2),
            currency=prices.currency,
        ),
    )


def store_usage(store_id: str, plan: str, prices: PriceTable) -> StoreUsage:
    return StoreUsage(store_id=store_id, plan=plan, **usage(plan_footprint(Plan(plan)), prices).model_dump())


async def report(
    conn: Connection,
    actor: Actor,
    group_by: Literal["tenant", "plan"],
    prices: PriceTable,
    measured: Mapping[str, MeasuredCost] | None = None,
) -> UsageReport:
    """Admins: every tenant's stores; a tenant: their own (one group when grouped by tenant)."""
    counts = await repository.live_stores_by_plan(
        conn, by_tenant=group_by == "tenant", tenant=None if actor.is_admin else actor.id
    )
    footprints: dict[str, Footprint] = {}
    stores: dict[str, int] = {}
    for row in counts:
        footprints[row.key] = footprints.get(row.key, NOTHING) + plan_footprint(Plan(row.plan)).times(
            row.stores
        )
        stores[row.key] = stores.get(row.key, 0) + row.stores
    groups = [_group(key, stores[key], footprints[key], prices) for key in footprints]
    everything = sum(footprints.values(), NOTHING)
    total = _group("all", sum(stores.values()), everything, prices)
    report = UsageReport(group_by=group_by, groups=groups, total=total)
    if measured is not None:
        tenant = None if actor.is_admin else actor.id
        await _with_measured_costs(conn, report, tenant, measured, prices.currency)
    return report


async def _with_measured_costs(
    conn: Connection,
    report: UsageReport,
    tenant: str | None,
    measured: Mapping[str, MeasuredCost],
    currency: str,
) -> None:
    """OpenCost's costs in place of the estimates: each group's the sum of its stores' (a store
    OpenCost has not allocated yet counts nothing)."""
    sums: dict[str, list[float]] = {}
    for store in await repository.live_stores(conn, tenant):
        key = store.owner_id if report.group_by == "tenant" else store.plan
        cost = measured.get(store.id)
        if cost is not None:
            parts = sums.setdefault(key, [0.0, 0.0, 0.0, 0.0])
            for i, value in enumerate((cost.cpu, cost.memory, cost.storage, cost.total)):
                parts[i] += value
    for group in report.groups:
        group.estimated_monthly_cost = _cost(sums.get(group.key, [0.0] * 4), currency)
    columns = list(zip(*sums.values(), strict=True)) or [(0.0,)] * 4
    report.total.estimated_monthly_cost = _cost([sum(c) for c in columns], currency)
    report.source = "opencost"


def measured_store_cost(cost: MeasuredCost, currency: str) -> Cost:
    return _cost([cost.cpu, cost.memory, cost.storage, cost.total], currency)


def _cost(parts: Sequence[float], currency: str) -> Cost:
    cpu, memory, storage, total = (round(p, 2) for p in parts)
    return Cost(cpu=cpu, memory=memory, storage=storage, total=total, currency=currency)


def _group(key: str, count: int, footprint: Footprint, prices: PriceTable) -> UsageGroup:
    return UsageGroup(key=key, stores=count, **usage(footprint, prices).model_dump())
