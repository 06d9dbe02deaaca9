"""GET /api/v1/stores/{id}/credentials: the admin login read from the store's Secret in the cluster,
for the owner (or an admin who says so), audited, never cached, never logged."""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY

from storefleet.reconciler_watch.credentials import CREDENTIAL_KEYS, credentials_secret_name
from storefleet_demo.kube.cluster import KubeCluster
from tests.api.stores.cluster import kube_objects as k

PASSWORD = "Zq7vR2pLx9TkW4mNc8HbY3dFs6JgA1eU5oVr0iXyQ2wE7tKu"
URL = "/api/v1/stores/{id}/credentials"


def _install_secret(kube: KubeCluster, store: dict[str, Any], *, without: str | None = None) -> None:
    """The store namespace and its credentials Secret, as the chart generates it (every key)."""
    values = {key: f"other-secret-{n}" for n, key in enumerate(CREDENTIAL_KEYS[store["engine"]])}
    values |= {"wordpress-admin-password": PASSWORD, "medusa-admin-password": PASSWORD}
    values = {key: value for key, value in values.items() if key in CREDENTIAL_KEYS[store["engine"]]}
    values.pop(without or "", None)
    k.put(kube, k.namespace(store["id"]), k.secret(store["id"], credentials_secret_name(store["id"]), values))


@pytest.fixture
def installed(kube_api: KubeCluster, new_store: Any, set_status: Any) -> Any:
    """`installed(account)`: a ready store of `account` with its credentials Secret in the cluster."""

    def _installed(account: Any) -> dict[str, Any]:
        store: dict[str, Any] = new_store(account)
        set_status(store["id"], "ready")
        _install_secret(kube_api, store)
        return store

    return _installed


def _credential_events(db: Any) -> list[dict[str, Any]]:
    return list(
        db.execute(
            "SELECT event, actor_id, actor, store_id, tenant, ip, request_id, before, after, detail"
            " FROM audit_events WHERE event LIKE 'store.credentials%%' ORDER BY id"
        ).fetchall()
    )


def _security_count(event: str) -> float:
    return REGISTRY.get_sample_value("security_events_total", {"event": event}) or 0.0


def _host(store: dict[str, Any]) -> str:
    return f"{store['name']}-{store['id'].removeprefix('st-')}.localhost"


@pytest.mark.parametrize(
    ("engine", "username", "admin_path"),
    [("woocommerce", "admin", "/wp-admin/"), ("medusa", None, "/app")],
)
def test_owner_reads_the_admin_login(
    client: TestClient,
    kube_api: KubeCluster,
    tenant: Any,
    new_store: Any,
    set_status: Any,
    db: Any,
    caplog: pytest.LogCaptureFixture,
    engine: str,
    username: str | None,
    admin_path: str,
) -> None:
    caplog.set_level(logging.DEBUG)
    store = new_store(tenant, engine=engine)
    set_status(store["id"], "ready")
    _install_secret(kube_api, store)
    before = _security_count("store.credentials_read")

    response = client.get(
        URL.format(id=store["id"]), headers={**tenant.headers, "X-Request-ID": "req-creds-1"}
    )

    assert response.status_code == 200, response.text
    host = _host(store)
    assert response.json() == {
        "store_id": store["id"],
        "engine": engine,
        "store_url": f"http://{host}",
        "admin_url": f"http://{host}{admin_path}",
        "username": username or f"admin@{host}",
        "password": PASSWORD,
        "email": f"admin@{host}",
        "access": "owner",
    }
    assert "other-secret" not in response.text  # the database passwords and salts stay in the cluster
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["pragma"] == "no-cache"
    [event] = _credential_events(db)
    assert event["event"] == "store.credentials_read"
    assert (event["actor_id"], event["actor"], event["store_id"], event["tenant"]) == (
        tenant.id,
        tenant.user["username"],
        store["id"],
        tenant.id,
    )
    assert event["request_id"] == "req-creds-1" and event["ip"]
    assert event["detail"]["access"] == "owner" and event["detail"]["admin_access"] is False
    assert _security_count("store.credentials_read") == before + 1
    everything = db.execute("SELECT * FROM audit_events").fetchall()
    assert PASSWORD not in str(everything)
    assert PASSWORD not in caplog.text


def test_the_owners_trail_shows_the_read(client: TestClient, tenant: Any, installed: Any) -> None:
    store = installed(tenant)
    assert client.get(URL.format(id=store["id"]), headers=tenant.headers).status_code == 200
    trail = client.get(f"/api/v1/stores/{store['id']}/logs", headers=tenant.headers).json()["events"]
    assert trail[0]["event"] == "store.credentials_read"
    assert PASSWORD not in str(trail)


def test_another_tenant_gets_not_found_like_an_unknown_store(
    client: TestClient, kube_api: KubeCluster, tenant: Any, other_tenant: Any, new_store: Any, db: Any
) -> None:
    store = new_store(tenant)
    _install_secret(kube_api, store)
    theirs = client.get(URL.format(id=store["id"]), headers=other_tenant.headers)
    flagged = client.get(
        URL.format(id=store["id"]), params={"admin_access": "true"}, headers=other_tenant.headers
    )
    unknown = client.get(URL.format(id="st-aaaaaaaaaa"), headers=other_tenant.headers)
    for response in (theirs, flagged, unknown):
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "STORE_NOT_FOUND"
        assert PASSWORD not in response.text
    assert theirs.json()["error"]["message"].replace(store["id"], "X") == unknown.json()["error"][
        "message"
    ].replace("st-aaaaaaaaaa", "X")
    assert _credential_events(db) == []


def test_an_admin_needs_the_flag_and_the_refusal_is_audited(
    client: TestClient, tenant: Any, admin: Any, db: Any, installed: Any
) -> None:
    store = installed(tenant)
    before = _security_count("store.credentials_denied")

    response = client.get(URL.format(id=store["id"]), headers=admin.headers)

    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "ADMIN_ACCESS_FLAG_REQUIRED" and "admin_access=true" in error["message"]
    assert PASSWORD not in response.text
    [event] = _credential_events(db)
    assert event["event"] == "store.credentials_denied"
    assert (event["actor_id"], event["store_id"], event["tenant"]) == (admin.id, store["id"], tenant.id)
    assert event["request_id"] == response.headers["x-request-id"] and event["ip"]
    assert _security_count("store.credentials_denied") == before + 1


def test_an_admin_with_the_flag_reads_and_is_audited_as_admin_access(
    client: TestClient, tenant: Any, admin: Any, db: Any, installed: Any
) -> None:
    store = installed(tenant)

    response = client.get(URL.format(id=store["id"]), params={"admin_access": "true"}, headers=admin.headers)

    assert response.status_code == 200, response.text
    assert response.json()["password"] == PASSWORD and response.json()["access"] == "admin"
    assert response.headers["cache-control"] == "no-store"
    [event] = _credential_events(db)
    assert event["event"] == "store.credentials_read"
    assert event["actor_id"] == admin.id and event["tenant"] == tenant.id
    assert event["detail"]["access"] == "admin" and event["detail"]["admin_access"] is True
    assert PASSWORD not in str(event)


def test_an_admin_reads_their_own_store_without_the_flag(
    client: TestClient, admin: Any, installed: Any
) -> None:
    store = installed(admin)
    response = client.get(URL.format(id=store["id"]), headers=admin.headers)
    assert response.status_code == 200 and response.json()["access"] == "owner"


@pytest.mark.parametrize(
    ("status", "setup", "says"),
    [
        ("provisioning", "none", "still being provisioned"),
        ("provisioning", "namespace", "still being provisioned"),
        ("ready", "namespace", "was not found"),
        ("ready", "no-key", "has no 'wordpress-admin-password' entry"),
        ("failed", "none", "failed before its credentials were created"),
        ("deleting", "secret", "being deleted"),
        ("deleted", "secret", "was deleted"),
    ],
)
def test_no_credentials_yet_or_anymore_is_a_conflict(
    client: TestClient,
    kube_api: KubeCluster,
    tenant: Any,
    new_store: Any,
    set_status: Any,
    db: Any,
    status: str,
    setup: str,
    says: str,
) -> None:
    store = new_store(tenant)
    set_status(store["id"], status)
    if setup == "namespace":
        k.put(kube_api, k.namespace(store["id"]))
    elif setup in ("secret", "no-key"):
        _install_secret(kube_api, store, without="wordpress-admin-password" if setup == "no-key" else None)

    response = client.get(URL.format(id=store["id"]), headers=tenant.headers)

    assert response.status_code == 409, response.text
    error = response.json()["error"]
    assert error["code"] == "CREDENTIALS_NOT_AVAILABLE" and says in error["message"]
    assert PASSWORD not in response.text
    assert _credential_events(db) == []


def test_no_cluster_configured_is_503_after_authorisation(
    client: TestClient, other_app: Any, tenant: Any, other_tenant: Any, new_store: Any
) -> None:
    store = new_store(tenant)
    with other_app(None) as no_cluster:
        response = no_cluster.get(URL.format(id=store["id"]), headers=tenant.headers)
        assert response.status_code == 503
        error = response.json()["error"]
        assert error["code"] == "CLUSTER_NOT_CONFIGURED" and "KUBECONFIG" in error["message"]
        # someone else's store is still "not found", cluster or no cluster
        assert no_cluster.get(URL.format(id=store["id"]), headers=other_tenant.headers).status_code == 404


@pytest.mark.parametrize("unhealthy_kubeconfig", ["refusing", "failing", "hanging"], indirect=True)
def test_an_unreachable_or_failing_cluster_is_503_with_retry_after(
    client: TestClient,
    other_app: Any,
    tenant: Any,
    new_store: Any,
    set_status: Any,
    db: Any,
    unhealthy_kubeconfig: Path,
) -> None:
    store = new_store(tenant)
    set_status(store["id"], "ready")
    with other_app(unhealthy_kubeconfig) as down:
        started = time.monotonic()
        response = down.get(URL.format(id=store["id"]), headers=tenant.headers)
        assert time.monotonic() - started < 5  # the deadline (0.5 s here), not the client's 10 s
    assert response.status_code == 503, response.text
    assert response.json()["error"]["code"] == "CLUSTER_UNAVAILABLE"
    assert int(response.headers["retry-after"]) > 0
    assert _credential_events(db) == []
