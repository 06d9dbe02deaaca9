"""HTTP for usage and estimated cost: one store's (its owner or an admin), and the rollup."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request

from storefleet.api.auth.dependencies import CurrentActor
from storefleet.api.core.errors import NotFound, ServiceUnavailable
from storefleet.api.core.openapi import error_responses
from storefleet.api.core.services import services
from storefleet.api.db.dependencies import DbConnection
from storefleet.api.db.pool import Connection
from storefleet.api.domain import stores_repository
from storefleet.api.domain.lifecycle import StoreStatus
from storefleet.api.stores.cluster_endpoints import store_cluster_access
from storefleet.api.usage import service
from storefleet.api.usage.opencost import MeasuredCost, namespace_costs
from storefleet.api.usage.pricing import PriceTable, live_footprint
from storefleet.api.usage.schemas import LiveUsage, StoreUsage, UsageReport

router = APIRouter(prefix="/api/v1", tags=["usage"], responses=error_responses(401, 422))


class StoreNotFound(NotFound):
    code = "STORE_NOT_FOUND"


def _prices(request: Request) -> PriceTable:
    settings = services(request).settings
    return PriceTable(
        cpu_core_hour=settings.price_cpu_core_hour,
        memory_gib_hour=settings.price_memory_gib_hour,
        storage_gib_month=settings.price_storage_gib_month,
        currency=settings.price_currency,
    )


@router.get(
    "/stores/{store_id}/usage",
    operation_id="getStoreUsage",
    responses=error_responses(404, _404="`STORE_NOT_FOUND`: no such store, or another tenant's"),
)
async def store_usage(
    store_id: Annotated[str, Path(max_length=64)], request: Request, conn: DbConnection, actor: CurrentActor
) -> StoreUsage:
    """What the store reserves (its plan's requests and limits, its volumes) and what that costs a
    month at the platform's prices."""
    store = await stores_repository.get_store(conn, store_id) if store_id.startswith("st-") else None
    if store is None or store.status == "deleted" or not (actor.is_admin or store.owner_id == actor.id):
        raise StoreNotFound(f"No store '{store_id[:64]}'.")
    prices = _prices(request)
    usage = service.store_usage(store.id, store.plan, prices)
    if store.status in _INSTALLED:
        usage.live = await _live(request, conn, store.id)
    measured = await _measured(request)
    if measured is not None and store.id in measured:
        usage.estimated_monthly_cost = service.measured_store_cost(measured[store.id], prices.currency)
        usage.source = "opencost"
    return usage


async def _measured(request: Request) -> dict[str, MeasuredCost] | None:
    url = services(request).settings.opencost_url
    return await namespace_costs(url) if url else None


# a store with pods to measure: installed, being changed, or failed after its install began
_INSTALLED = frozenset({StoreStatus.READY, StoreStatus.DEGRADED, StoreStatus.UPDATING, StoreStatus.FAILED})


async def _live(request: Request, conn: Connection, store_id: str) -> LiveUsage | None:
    """The store's current use from the metrics API of the cluster it runs on, when that cluster has
    one and answers now: the reservation and cost stand on their own, so a cluster that cannot be read
    leaves this out."""
    access = await store_cluster_access(request, conn, store_id)
    if access is None:
        return None
    try:
        metrics = await access.call(access.cluster.pod_metrics, store_id)  # its namespace
    except ServiceUnavailable:
        return None
    if metrics is None:
        return None
    live = live_footprint(metrics)
    return LiveUsage(cpu_cores=live.cpu_cores, memory_gib=live.memory_gib, pods=live.pods)


@router.get("/usage", operation_id="getUsage")
async def usage_report(
    request: Request,
    conn: DbConnection,
    actor: CurrentActor,
    group_by: Annotated[Literal["tenant", "plan"], Query()] = "tenant",
) -> UsageReport:
    """Live stores' reservations and estimated monthly cost, per tenant or per plan, and in all.
    Admins see every tenant; a tenant sees their own stores."""
    return await service.report(conn, actor, group_by, _prices(request), await _measured(request))
