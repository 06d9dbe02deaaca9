"""POST /api/v1/stores/{id}/credentials/rotate: the owner (or an admin) asks for a new admin password
of a running store; the API records the request (the watcher carries it out) without changing the
store's status or committing anything, audits it, and refuses what cannot be done now."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY

URL = "/api/v1/stores/{id}/credentials/rotate"
REQUESTED = "store.credentials_rotation_requested"


@pytest.fixture
def running(new_store: Any, set_status: Any) -> Callable[..., dict[str, Any]]:
    """`running(account, status="ready")`: a store of `account` in a running status."""

    def _running(account: Any, status: str = "ready") -> dict[str, Any]:
        store: dict[str, Any] = new_store(account)
        set_status(store["id"], status)
        return store

    return _running


def rotate(client: TestClient, account: Any, store_id: str) -> Any:
    return client.post(URL.format(id=store_id), headers=account.headers)


def rotation_events(db: Any) -> list[dict[str, Any]]:
    return list(
        db.execute(
            "SELECT event, actor_id, actor, store_id, tenant, request_id, detail FROM audit_events"
            " WHERE event LIKE 'store.credentials_rotat%%' ORDER BY id"
        ).fetchall()
    )


def set_rotation(db: Any, store_id: str, state: str) -> None:
    """Move the store's rotation on, as the watcher does."""
    db.execute("UPDATE stores SET rotation_state = %s WHERE id = %s", (state, store_id))


def _security_count(event: str) -> float:
    return REGISTRY.get_sample_value("security_events_total", {"event": event}) or 0.0


@pytest.mark.parametrize("status", ["ready", "degraded"])
def test_the_owner_asks_for_a_new_password_and_nothing_else_changes(
    client: TestClient, tenant: Any, running: Any, db: Any, status: str
) -> None:
    store = running(tenant, status)
    outbox = db.execute("SELECT count(*) AS n FROM outbox").fetchone()["n"]
    counted = _security_count(REQUESTED)
    answer = rotate(client, tenant, store["id"])
    assert answer.status_code == 202, answer.text
    rotation = answer.json()
    assert rotation["state"] == "requested" and rotation["generation"] == 1
    assert rotation["requested_by"] == f"{tenant.user['username']} ({tenant.id})"
    assert rotation["message"] == "waiting for the cluster watcher"
    after = client.get(f"/api/v1/stores/{store['id']}", headers=tenant.headers).json()
    assert after["credentials_rotation"] == rotation
    assert after["status"] == status  # not a lifecycle event
    assert db.execute("SELECT count(*) AS n FROM outbox").fetchone()["n"] == outbox  # no commit
    (event,) = rotation_events(db)
    assert event["event"] == REQUESTED and event["actor_id"] == tenant.id
    assert event["store_id"] == store["id"] and event["tenant"] == tenant.id
    assert event["request_id"] == answer.headers["X-Request-ID"]
    assert event["detail"] == {"generation": 1, "access": "owner"}
    assert _security_count(REQUESTED) == counted + 1
    listed = client.get("/api/v1/stores", headers=tenant.headers).json()["stores"]
    assert listed[0]["credentials_rotation"]["state"] == "requested"


def test_one_rotation_at_a_time_then_the_next_gets_its_own_number(
    client: TestClient, tenant: Any, running: Any, db: Any
) -> None:
    store = running(tenant)
    assert rotate(client, tenant, store["id"]).status_code == 202
    for state in ("requested", "running"):
        set_rotation(db, store["id"], state)
        refused = rotate(client, tenant, store["id"])
        assert refused.status_code == 409, refused.text
        assert refused.json()["error"]["code"] == "ROTATION_IN_PROGRESS"
        assert f"Rotation 1 of the store's admin password is {state}" in refused.json()["error"]["message"]
    for generation, state in ((2, "done"), (3, "failed")):
        set_rotation(db, store["id"], state)
        again = rotate(client, tenant, store["id"])
        assert again.status_code == 202 and again.json()["generation"] == generation
    assert [e["detail"]["generation"] for e in rotation_events(db)] == [1, 2, 3]


@pytest.mark.parametrize(
    "status", ["requested", "provisioning", "updating", "restoring", "failed", "deleting"]
)
def test_only_a_running_store_can_be_rotated(
    client: TestClient, tenant: Any, running: Any, db: Any, status: str
) -> None:
    store = running(tenant, status)
    refused = rotate(client, tenant, store["id"])
    assert refused.status_code == 409, refused.text
    assert refused.json()["error"]["code"] == "STORE_NOT_READY"
    assert f"The store is {status}" in refused.json()["error"]["message"]
    after = client.get(f"/api/v1/stores/{store['id']}", headers=tenant.headers).json()
    assert after["credentials_rotation"] is None and after["status"] == status
    assert rotation_events(db) == []


def test_another_tenant_gets_not_found_like_an_unknown_store(
    client: TestClient, tenant: Any, other_tenant: Any, running: Any, db: Any
) -> None:
    store = running(tenant)
    for store_id in (store["id"], "st-zzzzzzzz99"):
        answer = rotate(client, other_tenant, store_id)
        assert answer.status_code == 404
        assert answer.json()["error"] == {"code": "STORE_NOT_FOUND", "message": f"No store '{store_id}'."}
    assert rotate(client, other_tenant, "not-a-store-id").status_code == 404
    assert client.post(URL.format(id=store["id"])).status_code == 401
    assert rotation_events(db) == []
    assert (
        client.get(f"/api/v1/stores/{store['id']}", headers=tenant.headers).json()["credentials_rotation"]
        is None
    )


def test_an_admin_rotates_a_tenants_store_and_is_audited_as_admin_access(
    client: TestClient, admin: Any, tenant: Any, running: Any, db: Any
) -> None:
    store = running(tenant)
    answer = rotate(client, admin, store["id"])
    assert answer.status_code == 202, answer.text
    assert answer.json()["requested_by"] == f"root ({admin.id})"
    (event,) = rotation_events(db)
    assert event["actor_id"] == admin.id and event["tenant"] == tenant.id  # the owner sees it in their trail
    assert event["detail"] == {"generation": 1, "access": "admin"}
    trail = client.get(f"/api/v1/stores/{store['id']}/logs", headers=tenant.headers).json()["events"]
    assert REQUESTED in [e["event"] for e in trail]


def test_without_a_cluster_nothing_could_rotate_it(
    other_app: Any, tenant: Any, other_tenant: Any, running: Any, db: Any
) -> None:
    store = running(tenant)
    with other_app(None) as no_cluster:
        refused = no_cluster.post(URL.format(id=store["id"]), headers=tenant.headers)
        assert refused.status_code == 503 and refused.json()["error"]["code"] == "CLUSTER_NOT_CONFIGURED"
        # authorisation first: another tenant still learns nothing
        assert no_cluster.post(URL.format(id=store["id"]), headers=other_tenant.headers).status_code == 404
    assert rotation_events(db) == []
