"""Usage and estimated cost: a store's reservation from its plan, priced by the platform's table, and
the rollup per tenant or per plan (admins everything, a tenant their own)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from storefleet.api.settings import Settings
from storefleet.api.usage.pricing import (
    LiveFootprint,
    PriceTable,
    live_footprint,
    monthly_cost,
    parse_quantity,
    plan_footprint,
)
from storefleet.renderer.spec import Plan

PRICES = PriceTable(cpu_core_hour=0.04, memory_gib_hour=0.005, storage_gib_month=0.1)


@pytest.mark.parametrize(
    ("text", "value"),
    [("500m", 0.5), ("2", 2.0), ("256Mi", 256 * 1024**2), ("2Gi", 2 * 1024**3), ("1k", 1e3)],
)
def test_kubernetes_quantities(text: str, value: float) -> None:
    assert parse_quantity(text) == value


def test_a_plan_reserves_its_containers_requests_and_volumes() -> None:
    small = plan_footprint(Plan.SMALL)  # app and database: 100m / 500m CPU, 256Mi / 512Mi, 2Gi + 2Gi
    assert (small.cpu_request, small.cpu_limit) == (0.2, 1.0)
    assert (small.memory_request_gib, small.memory_limit_gib, small.storage_gib) == (0.5, 1.0, 4.0)
    cost = monthly_cost(small, PRICES)  # requests for 730 h, storage for a month
    assert (cost.cpu, cost.memory, cost.storage) == (5.84, 1.82, 0.4)
    large = plan_footprint(Plan.LARGE)
    assert large.cpu_request == 1.0 and large.storage_gib == 60.0


def test_prices_must_not_be_negative(settings: Settings) -> None:
    with pytest.raises(ValidationError, match="PRICE_CPU_CORE_HOUR"):
        Settings.model_validate({**settings.model_dump(by_alias=True), "PRICE_CPU_CORE_HOUR": -1})


def _figures(group: dict[str, Any]) -> tuple[int, float, float, float]:
    return (group["stores"], group["requests"]["cpu_cores"], group["storage_gib"],
            group["estimated_monthly_cost"]["total"])  # fmt: skip


def test_the_rollup_per_tenant_and_per_plan(
    client: TestClient, admin: Any, tenant: Any, other_tenant: Any, new_store: Any, db: Any
) -> None:
    new_store(tenant, "shop-a")
    new_store(tenant, "shop-b", plan="large")
    new_store(other_tenant, "shop-c", plan="medium")
    gone = new_store(tenant, "shop-gone")["id"]
    db.execute("UPDATE stores SET status = 'deleted' WHERE id = %s", (gone,))  # holds nothing now

    by_tenant = client.get("/api/v1/usage?group_by=tenant", headers=admin.headers).json()
    groups = {g["key"]: g for g in by_tenant["groups"]}
    assert set(groups) == {tenant.id, other_tenant.id}
    small, large = plan_footprint(Plan.SMALL), plan_footprint(Plan.LARGE)
    assert groups[tenant.id]["stores"] == 2
    assert groups[tenant.id]["requests"]["cpu_cores"] == round(small.cpu_request + large.cpu_request, 3)
    assert by_tenant["total"]["stores"] == 3 and by_tenant["total"]["key"] == "all"
    everything = sum(g["estimated_monthly_cost"]["total"] for g in by_tenant["groups"])
    assert abs(by_tenant["total"]["estimated_monthly_cost"]["total"] - everything) < 0.02

    by_plan = client.get("/api/v1/usage?group_by=plan", headers=admin.headers).json()
    assert {g["key"]: g["stores"] for g in by_plan["groups"]} == {"small": 1, "medium": 1, "large": 1}
    assert _figures(by_plan["total"]) == _figures(by_tenant["total"])

    own = client.get("/api/v1/usage", headers=tenant.headers).json()  # a tenant: their own only
    assert [g["key"] for g in own["groups"]] == [tenant.id] and own["total"]["stores"] == 2
    bad = client.get("/api/v1/usage?group_by=region", headers=admin.headers)
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "VALIDATION_ERROR"
    assert client.get("/api/v1/usage").status_code == 401


def test_one_stores_usage_for_its_owner_and_admins_only(
    client: TestClient, admin: Any, tenant: Any, other_tenant: Any, new_store: Any
) -> None:
    store_id = new_store(tenant, "shop-a", plan="medium")["id"]
    answer = client.get(f"/api/v1/stores/{store_id}/usage", headers=tenant.headers)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    medium = plan_footprint(Plan.MEDIUM)
    assert body["plan"] == "medium" and body["source"] == "plan"
    assert body["limits"]["memory_gib"] == medium.memory_limit_gib
    assert body["estimated_monthly_cost"]["currency"] == "USD" and body["estimated_monthly_cost"]["total"] > 0
    assert client.get(f"/api/v1/stores/{store_id}/usage", headers=admin.headers).status_code == 200
    other = client.get(f"/api/v1/stores/{store_id}/usage", headers=other_tenant.headers)
    assert other.status_code == 404 and other.json()["error"]["code"] == "STORE_NOT_FOUND"
    assert client.get("/api/v1/stores/st-zzzzzzzzzz/usage", headers=admin.headers).status_code == 404


def test_live_usage_sums_every_container_of_every_pod() -> None:
    pods = [
        {"containers": [{"usage": {"cpu": "250m", "memory": "512Mi"}}, {"usage": {"cpu": "500000u"}}]},
        {"containers": [{"usage": {"cpu": "1", "memory": "1Gi"}}]},
    ]
    assert live_footprint(pods) == LiveFootprint(cpu_cores=1.75, memory_gib=1.5, pods=2)
    assert live_footprint([]) == LiveFootprint(0.0, 0.0, 0)


def test_a_store_not_installed_has_no_live_usage(client: TestClient, tenant: Any, new_store: Any) -> None:
    store_id = new_store(tenant, "new-shop")["id"]  # requested: nothing runs yet (and no cluster here)
    assert client.get(f"/api/v1/stores/{store_id}/usage", headers=tenant.headers).json()["live"] is None
