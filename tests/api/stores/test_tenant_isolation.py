"""A tenant never sees or touches another tenant's store; an admin sees all."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

STORE_SCOPED = [
    ("GET", "/api/v1/stores/{id}"),
    ("DELETE", "/api/v1/stores/{id}"),
    ("POST", "/api/v1/stores/{id}/retry"),
    ("GET", "/api/v1/stores/{id}/logs"),
]


@pytest.mark.parametrize(("method", "path"), STORE_SCOPED)
def test_other_tenants_store_is_not_found(
    client: TestClient,
    tenant: Any,
    other_tenant: Any,
    db: Any,
    new_store: Any,
    set_status: Any,
    method: str,
    path: str,
) -> None:
    store = new_store(tenant)
    set_status(store["id"], "failed")  # so that retry would be allowed for the owner
    before = db.execute("SELECT status, updated_at FROM stores WHERE id = %s", (store["id"],)).fetchone()
    response = client.request(method, path.format(id=store["id"]), headers=other_tenant.headers)
    assert response.status_code == 404 and response.json()["error"]["code"] == "STORE_NOT_FOUND"
    after = db.execute("SELECT status, updated_at FROM stores WHERE id = %s", (store["id"],)).fetchone()
    assert after == before
    assert (
        db.execute("SELECT count(*) AS n FROM outbox WHERE store_id = %s", (store["id"],)).fetchone()["n"]
        == 1
    )


@pytest.mark.parametrize(("method", "path"), STORE_SCOPED)
def test_admin_reaches_every_store(
    client: TestClient, tenant: Any, admin: Any, new_store: Any, set_status: Any, method: str, path: str
) -> None:
    store = new_store(tenant)
    set_status(store["id"], "failed")
    response = client.request(method, path.format(id=store["id"]), headers=admin.headers)
    assert response.status_code in (200, 202)


def test_list_shows_tenants_only_their_own(
    client: TestClient, tenant: Any, other_tenant: Any, admin: Any, new_store: Any
) -> None:
    mine = new_store(tenant, "shop-a")
    theirs = new_store(other_tenant, "shop-b")
    for account, expected in ((tenant, {mine["id"]}), (other_tenant, {theirs["id"]})):
        listed = client.get("/api/v1/stores", headers=account.headers).json()
        assert {s["id"] for s in listed["stores"]} == expected and listed["total"] == 1
    everything = client.get("/api/v1/stores", headers=admin.headers).json()
    assert {s["id"] for s in everything["stores"]} == {mine["id"], theirs["id"]}


@pytest.mark.parametrize(
    ("method", "path"),
    [
        *STORE_SCOPED,
        ("GET", "/api/v1/stores"),
        ("POST", "/api/v1/stores"),
        ("GET", "/api/v1/audit"),
        ("GET", "/api/v1/auth/me"),
    ],
)
def test_every_store_endpoint_needs_a_token(client: TestClient, method: str, path: str) -> None:
    response = client.request(method, path.format(id="st-abcdefgh23"))
    assert response.status_code == 401 and response.json()["error"]["code"] == "UNAUTHORIZED"
