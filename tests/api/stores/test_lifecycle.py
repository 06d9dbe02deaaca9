"""List, get, delete, retry and logs: each with its state rules and its outbox row."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient


def _outbox(db: Any, store_id: str) -> list[dict[str, Any]]:
    return db.execute("SELECT * FROM outbox WHERE store_id = %s ORDER BY id", (store_id,)).fetchall()


def test_create_writes_one_outbox_row_with_the_full_spec(
    client: TestClient, tenant: Any, db: Any, new_store: Any
) -> None:
    store = new_store(tenant, "acme-shop", plan="medium")
    [row] = _outbox(db, store["id"])
    assert row["action"] == "create" and row["processed_at"] is None and row["commit_sha"] is None
    assert row["tenant"] == tenant.id and row["actor_id"] == tenant.id
    assert row["spec"]["plan"] == "medium" and row["spec_hash"] == store["spec_hash"]
    assert row["request_id"]


def test_request_id_flows_into_the_outbox_and_the_audit(client: TestClient, tenant: Any, db: Any) -> None:
    response = client.post(
        "/api/v1/stores",
        json={"name": "acme-shop", "engine": "medusa"},
        headers={**tenant.headers, "X-Request-ID": "trace-123"},
    )
    assert response.headers["x-request-id"] == "trace-123"
    store_id = response.json()["id"]
    assert _outbox(db, store_id)[0]["request_id"] == "trace-123"
    audit = db.execute("SELECT request_id FROM audit_events WHERE store_id = %s", (store_id,)).fetchall()
    assert audit and {a["request_id"] for a in audit} == {"trace-123"}


def test_get_returns_the_store(client: TestClient, tenant: Any, new_store: Any) -> None:
    store = new_store(tenant)
    response = client.get(f"/api/v1/stores/{store['id']}", headers=tenant.headers)
    assert response.status_code == 200 and response.json() == store


@pytest.mark.parametrize(
    "bad_id", ["nope", "st-", "st-AAAAAAAAAA", "st-abcdefgh23", "x" * 64, "%00", "st-abcdefgh2'"]
)
def test_unknown_or_malformed_ids_are_404(client: TestClient, tenant: Any, bad_id: str) -> None:
    response = client.get(f"/api/v1/stores/{bad_id}", headers=tenant.headers)
    assert response.status_code == 404 and response.json()["error"]["code"] == "STORE_NOT_FOUND"


def test_very_long_id_is_refused_cleanly(client: TestClient, tenant: Any) -> None:
    response = client.get(f"/api/v1/stores/{'x' * 500}", headers=tenant.headers)
    assert response.status_code == 422


def test_delete_moves_to_deleting_once(client: TestClient, tenant: Any, db: Any, new_store: Any) -> None:
    store = new_store(tenant)
    first = client.delete(f"/api/v1/stores/{store['id']}", headers=tenant.headers)
    assert first.status_code == 202 and first.json()["status"] == "deleting"
    again = client.delete(f"/api/v1/stores/{store['id']}", headers=tenant.headers)
    assert again.status_code == 202 and again.json()["status"] == "deleting"
    assert [r["action"] for r in _outbox(db, store["id"])] == ["create", "delete"]


def test_delete_of_a_deleted_store_is_409(
    client: TestClient, tenant: Any, new_store: Any, set_status: Any
) -> None:
    store = new_store(tenant)
    set_status(store["id"], "deleted")
    response = client.delete(f"/api/v1/stores/{store['id']}", headers=tenant.headers)
    assert response.status_code == 409 and response.json()["error"]["code"] == "INVALID_STATE_TRANSITION"


@pytest.mark.parametrize(
    "status", ["requested", "pending_approval", "provisioning", "ready", "updating", "failed"]
)
def test_delete_is_allowed_from_every_live_status(
    client: TestClient, tenant: Any, new_store: Any, set_status: Any, status: str
) -> None:
    store = new_store(tenant)
    set_status(store["id"], status)
    assert (
        client.delete(f"/api/v1/stores/{store['id']}", headers=tenant.headers).json()["status"] == "deleting"
    )


def test_retry_only_from_failed(
    client: TestClient, tenant: Any, db: Any, new_store: Any, set_status: Any
) -> None:
    store = new_store(tenant)
    refused = client.post(f"/api/v1/stores/{store['id']}/retry", headers=tenant.headers)
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "INVALID_STATE_TRANSITION"
    set_status(store["id"], "failed")
    retried = client.post(f"/api/v1/stores/{store['id']}/retry", headers=tenant.headers)
    assert retried.status_code == 202 and retried.json()["status"] == "requested"
    assert [r["action"] for r in _outbox(db, store["id"])] == ["create", "retry"]


def test_logs_show_the_store_trail_newest_first(
    client: TestClient, tenant: Any, new_store: Any, set_status: Any
) -> None:
    store = new_store(tenant)
    set_status(store["id"], "failed")
    client.post(f"/api/v1/stores/{store['id']}/retry", headers=tenant.headers)
    client.delete(f"/api/v1/stores/{store['id']}", headers=tenant.headers)
    logs = client.get(f"/api/v1/stores/{store['id']}/logs", headers=tenant.headers).json()
    assert logs["total"] == 3
    events = logs["events"]
    assert [e["event"] for e in events] == ["store.transition", "store.transition", "store.requested"]
    assert (events[0]["before"]["status"], events[0]["after"]["status"]) == ("requested", "deleting")
    assert (events[1]["before"]["status"], events[1]["after"]["status"]) == ("failed", "requested")
    assert all(e["actor"] == "alice" and e["actor_id"] == tenant.id and e["request_id"] for e in events)


def test_list_pagination_filters_and_deleted_hidden(
    client: TestClient, tenant: Any, new_store: Any, set_status: Any
) -> None:
    ids = [
        new_store(tenant, f"shop-{i}", engine="medusa" if i % 2 else "woocommerce")["id"] for i in range(7)
    ]
    set_status(ids[0], "deleted")
    page = client.get("/api/v1/stores?limit=2&offset=1", headers=tenant.headers).json()
    assert (page["total"], page["limit"], page["offset"]) == (6, 2, 1)
    assert [s["id"] for s in page["stores"]] == [ids[5], ids[4]]  # newest first
    medusa = client.get("/api/v1/stores?engine=medusa", headers=tenant.headers).json()
    assert medusa["total"] == 3 and {s["engine"] for s in medusa["stores"]} == {"medusa"}
    deleted = client.get("/api/v1/stores?status=deleted", headers=tenant.headers).json()
    assert [s["id"] for s in deleted["stores"]] == [ids[0]]
    default = client.get("/api/v1/stores", headers=tenant.headers).json()
    assert default["limit"] == 50 and ids[0] not in {s["id"] for s in default["stores"]}


@pytest.mark.parametrize(
    "query", ["limit=0", "limit=101", "limit=x", "offset=-1", "status=bogus", "engine=magento"]
)
def test_list_parameter_validation(client: TestClient, tenant: Any, query: str) -> None:
    response = client.get(f"/api/v1/stores?{query}", headers=tenant.headers)
    assert response.status_code == 422 and response.json()["error"]["code"] == "VALIDATION_ERROR"


def test_list_search_by_name_and_admin_owner_filter(
    client: TestClient, tenant: Any, other_tenant: Any, admin: Any, new_store: Any
) -> None:
    new_store(tenant, "blue-shoes")
    new_store(tenant, "red-hats")
    theirs = new_store(other_tenant, "blue-hats")
    found = client.get("/api/v1/stores?q=blue", headers=tenant.headers).json()
    assert [s["name"] for s in found["stores"]] == ["blue-shoes"]
    everyone = client.get("/api/v1/stores?q=hats", headers=admin.headers).json()
    assert {s["name"] for s in everyone["stores"]} == {"red-hats", "blue-hats"}
    narrowed = client.get(f"/api/v1/stores?owner_id={other_tenant.id}", headers=admin.headers).json()
    assert [s["id"] for s in narrowed["stores"]] == [theirs["id"]]
    # a tenant cannot widen its view with owner_id
    sneaky = client.get(f"/api/v1/stores?owner_id={other_tenant.id}", headers=tenant.headers).json()
    assert {s["owner_id"] for s in sneaky["stores"]} == {tenant.id}
    assert client.get("/api/v1/stores?q=50%25", headers=tenant.headers).status_code == 422
