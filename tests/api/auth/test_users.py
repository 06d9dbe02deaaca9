"""Admin account management: list, read, change role, deactivate; never lose the last admin."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient


def test_admin_lists_and_reads_accounts(client: TestClient, admin: Any, tenant: Any) -> None:
    listed = client.get("/api/v1/users", headers=admin.headers).json()
    assert [u["username"] for u in listed["users"]] == ["root", "alice"] and listed["total"] == 2
    tenants = client.get("/api/v1/users?role=tenant", headers=admin.headers).json()
    assert [u["id"] for u in tenants["users"]] == [tenant.id]
    one = client.get(f"/api/v1/users/{tenant.id}", headers=admin.headers)
    assert one.status_code == 200 and one.json()["email"] == "alice@example.com"
    assert "password_hash" not in one.text
    missing = client.get("/api/v1/users/u-aaaaaaaaaa", headers=admin.headers)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "USER_NOT_FOUND"


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/api/v1/users"), ("GET", "/api/v1/users/{id}"), ("PATCH", "/api/v1/users/{id}")],
)
def test_tenants_cannot_manage_accounts(
    client: TestClient, tenant: Any, other_tenant: Any, method: str, path: str
) -> None:
    response = client.request(
        method, path.format(id=other_tenant.id), headers=tenant.headers, json={"role": "admin"}
    )
    assert response.status_code == 403 and response.json()["error"]["code"] == "FORBIDDEN"
    me = client.get("/api/v1/auth/me", headers=tenant.headers).json()
    assert me["role"] == "tenant"


def test_deactivation_kills_tokens_and_login(client: TestClient, admin: Any, tenant: Any, db: Any) -> None:
    response = client.patch(f"/api/v1/users/{tenant.id}", headers=admin.headers, json={"is_active": False})
    assert response.status_code == 200 and response.json()["is_active"] is False
    assert client.get("/api/v1/auth/me", headers=tenant.headers).status_code == 401
    login = client.post("/api/v1/auth/login", json={"username": "alice", "password": tenant.password})
    assert login.status_code == 401
    client.patch(f"/api/v1/users/{tenant.id}", headers=admin.headers, json={"is_active": True})
    assert (
        client.post("/api/v1/auth/login", json={"username": "alice", "password": tenant.password}).status_code
        == 200
    )
    events = db.execute(
        "SELECT before, after FROM audit_events WHERE event = 'auth.account_changed' ORDER BY id"
    )
    assert [(e["before"]["is_active"], e["after"]["is_active"]) for e in events] == [
        (True, False),
        (False, True),
    ]


def test_promotion_and_the_last_admin_guard(client: TestClient, admin: Any, tenant: Any) -> None:
    alone = client.patch(f"/api/v1/users/{admin.id}", headers=admin.headers, json={"role": "tenant"})
    assert alone.status_code == 409 and alone.json()["error"]["code"] == "LAST_ADMIN"
    assert (
        client.patch(
            f"/api/v1/users/{admin.id}", headers=admin.headers, json={"is_active": False}
        ).status_code
        == 409
    )
    promoted = client.patch(f"/api/v1/users/{tenant.id}", headers=admin.headers, json={"role": "admin"})
    assert promoted.status_code == 200 and promoted.json()["role"] == "admin"
    assert client.get("/api/v1/users", headers=tenant.headers).status_code == 200
    demoted = client.patch(f"/api/v1/users/{admin.id}", headers=tenant.headers, json={"role": "tenant"})
    assert demoted.status_code == 200 and demoted.json()["role"] == "tenant"


@pytest.mark.parametrize("body", [{"role": "owner"}, {"is_active": "maybe"}])
def test_update_validation(client: TestClient, admin: Any, tenant: Any, body: Any) -> None:
    response = client.patch(f"/api/v1/users/{tenant.id}", headers=admin.headers, json=body)
    assert response.status_code == 422


def test_role_in_the_registration_body_is_ignored(client: TestClient, admin: Any) -> None:
    body = {"email": "eve@example.com", "username": "eve", "password": "password1", "role": "admin"}
    response = client.post("/api/v1/auth/register", json=body)
    assert response.status_code == 201 and response.json()["user"]["role"] == "tenant"
