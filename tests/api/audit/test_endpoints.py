from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient


@pytest.fixture
def two_stores(tenant: Any, other_tenant: Any, new_store: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    return new_store(tenant, "shop-a"), new_store(other_tenant, "shop-b")


def test_admin_sees_every_event(client: TestClient, admin: Any, two_stores: Any) -> None:
    body = client.get("/api/v1/audit", headers=admin.headers).json()
    events = {e["event"] for e in body["events"]}
    assert {"auth.registered", "store.requested"} <= events
    assert {e["store_id"] for e in body["events"] if e["store_id"]} == {
        two_stores[0]["id"],
        two_stores[1]["id"],
    }
    assert body["total"] == len(body["events"])


def test_tenant_sees_only_its_own_stores_events(client: TestClient, tenant: Any, two_stores: Any) -> None:
    body = client.get("/api/v1/audit", headers=tenant.headers).json()
    assert body["events"], "the tenant's own store events are visible"
    assert {e["store_id"] for e in body["events"]} == {two_stores[0]["id"]}
    # filters cannot widen the view
    for query in (f"store_id={two_stores[1]['id']}", "event=auth.registered", "event=auth.login_failed"):
        assert client.get(f"/api/v1/audit?{query}", headers=tenant.headers).json()["events"] == []


def test_admin_filters(client: TestClient, admin: Any, tenant: Any, two_stores: Any) -> None:
    by_store = client.get(f"/api/v1/audit?store_id={two_stores[0]['id']}", headers=admin.headers).json()
    assert {e["store_id"] for e in by_store["events"]} == {two_stores[0]["id"]}
    by_event = client.get("/api/v1/audit?event=auth.registered", headers=admin.headers).json()
    assert by_event["total"] == 3 and {e["event"] for e in by_event["events"]} == {"auth.registered"}
    by_actor = client.get(f"/api/v1/audit?actor_id={tenant.id}", headers=admin.headers).json()
    assert by_actor["events"] and {e["actor_id"] for e in by_actor["events"]} == {tenant.id}
    page = client.get("/api/v1/audit?limit=2&offset=1", headers=admin.headers).json()
    assert len(page["events"]) == 2 and page["offset"] == 1
    future = client.get("/api/v1/audit?since=2999-01-01T00:00:00Z", headers=admin.headers).json()
    assert future["events"] == [] and future["total"] == 0


@pytest.mark.parametrize("query", ["limit=0", "limit=501", "since=yesterday", "offset=-3"])
def test_audit_parameter_validation(client: TestClient, admin: Any, query: str) -> None:
    response = client.get(f"/api/v1/audit?{query}", headers=admin.headers)
    assert response.status_code == 422 and response.json()["error"]["code"] == "VALIDATION_ERROR"
