"""PUT/DELETE /stores/{id}/pin: an owner or an admin keeps a store out of fleet-wide rollouts, saying
why. A pin is visible on the store, filterable, audited, and commits nothing."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient


def _pin(client: TestClient, account: Any, store_id: str, reason: Any = "Black Friday until 2 Dec") -> Any:
    return client.put(f"/api/v1/stores/{store_id}/pin", json={"reason": reason}, headers=account.headers)


def _unpin(client: TestClient, account: Any, store_id: str) -> Any:
    return client.delete(f"/api/v1/stores/{store_id}/pin", headers=account.headers)


def _outbox_count(db: Any, store_id: str) -> int:
    row = db.execute("SELECT count(*) AS n FROM outbox WHERE store_id = %s", (store_id,)).fetchone()
    return int(row["n"])


def test_the_owner_pins_and_unpins_with_no_commit(
    client: TestClient, tenant: Any, db: Any, new_store: Any
) -> None:
    store = new_store(tenant)
    assert store["pin"] is None
    pinned = _pin(client, tenant, store["id"])
    assert pinned.status_code == 200, pinned.text
    pin = pinned.json()["pin"]
    assert pin["reason"] == "Black Friday until 2 Dec" and pin["pinned_by"].endswith(f"({tenant.id})")
    assert client.get(f"/api/v1/stores/{store['id']}", headers=tenant.headers).json()["pin"] == pin
    assert pinned.json()["status"] == store["status"]  # not a status, not a change of what runs
    assert _outbox_count(db, store["id"]) == 1  # the create only
    unpinned = _unpin(client, tenant, store["id"])
    assert unpinned.status_code == 200 and unpinned.json()["pin"] is None
    events = db.execute(
        "SELECT event FROM audit_events WHERE store_id = %s AND event LIKE 'store.%%pinned' ORDER BY id",
        (store["id"],),
    ).fetchall()
    assert [e["event"] for e in events] == ["store.pinned", "store.unpinned"]


def test_pinning_again_rewords_and_keeps_the_time_unpinning_twice_is_harmless(
    client: TestClient, tenant: Any, new_store: Any
) -> None:
    store = new_store(tenant)
    first = _pin(client, tenant, store["id"]).json()["pin"]
    second = _pin(client, tenant, store["id"], "waiting for the theme fix").json()["pin"]
    assert second["reason"] == "waiting for the theme fix" and second["pinned_at"] == first["pinned_at"]
    assert _unpin(client, tenant, store["id"]).status_code == 200
    assert _unpin(client, tenant, store["id"]).status_code == 200


def test_an_admin_may_pin_another_tenants_store_a_tenant_may_not(
    client: TestClient, tenant: Any, other_tenant: Any, admin: Any, new_store: Any
) -> None:
    store = new_store(tenant)
    assert _pin(client, other_tenant, store["id"]).status_code == 404
    by_admin = _pin(client, admin, store["id"], "platform freeze")
    assert by_admin.status_code == 200 and by_admin.json()["pin"]["pinned_by"].endswith(f"({admin.id})")
    assert _unpin(client, other_tenant, store["id"]).status_code == 404


@pytest.mark.parametrize("reason", ["", "  ", "no", "x" * 501, "nul\x00byte", 42, None])
def test_a_pin_needs_a_reason(client: TestClient, tenant: Any, new_store: Any, reason: Any) -> None:
    store = new_store(tenant)
    response = _pin(client, tenant, store["id"], reason)
    assert response.status_code == 422 and response.json()["error"]["code"] == "VALIDATION_ERROR"
    assert client.get(f"/api/v1/stores/{store['id']}", headers=tenant.headers).json()["pin"] is None


def test_a_store_being_deleted_cannot_be_pinned(
    client: TestClient, tenant: Any, new_store: Any, set_status: Any
) -> None:
    store = new_store(tenant)
    set_status(store["id"], "deleting")
    response = _pin(client, tenant, store["id"])
    assert response.status_code == 409 and response.json()["error"]["code"] == "STORE_BUSY"


def test_the_list_filters_pinned_stores(client: TestClient, tenant: Any, new_store: Any) -> None:
    pinned, _ = new_store(tenant, "kept-shop"), new_store(tenant, "free-shop")
    _pin(client, tenant, pinned["id"])
    only = client.get("/api/v1/stores?pinned=true", headers=tenant.headers).json()
    assert [s["name"] for s in only["stores"]] == ["kept-shop"] and only["stores"][0]["pin"]
    rest = client.get("/api/v1/stores?pinned=false", headers=tenant.headers).json()
    assert [s["name"] for s in rest["stores"]] == ["free-shop"]
