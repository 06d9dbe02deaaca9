"""Usage and estimated cost, per store and rolled up per tenant or per plan."""

from __future__ import annotations

from typing import Literal

from storefleet.api.core.actor import Actor
from storefleet.api.db.pool import Connection
from storefleet.api.usage import repository
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
    conn: Connection, actor: Actor, group_by: Literal["tenant", "plan"], prices: PriceTable
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
    return UsageReport(group_by=group_by, groups=groups, total=total)


def _group(key: str, count: int, footprint: Footprint, prices: PriceTable) -> UsageGroup:
    return UsageGroup(key=key, stores=count, **usage(footprint, prices).model_dump())
