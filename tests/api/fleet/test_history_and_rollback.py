"""History is `git log` of the store's directory; rollback is a revert, as a new commit."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient


def _history(client: TestClient, account: Any, store_id: str) -> list[dict[str, Any]]:
    response = client.get(f"/api/v1/stores/{store_id}/history", headers=account.headers)
    assert response.status_code == 200, response.text
    commits: list[dict[str, Any]] = response.json()["commits"]
    return commits


def _ready_store_with_two_updates(
    client: TestClient, tenant: Any, new_store: Any, drain: Any, set_status: Any
) -> Any:
    store = new_store(tenant, "acme-shop")
    drain()
    for body in ({"plan": "medium"}, {"theme": "astra"}):
        set_status(store["id"], "ready")
        assert (
            client.patch(f"/api/v1/stores/{store['id']}", json=body, headers=tenant.headers).status_code
            == 202
        )
        drain()
    set_status(store["id"], "ready")
    return store


def test_history_lists_the_stores_commits_newest_first(
    client: TestClient, tenant: Any, new_store: Any, drain: Any, set_status: Any, other_tenant: Any
) -> None:
    store = _ready_store_with_two_updates(client, tenant, new_store, drain, set_status)
    new_store(other_tenant, "unrelated")
    drain()
    history = _history(client, tenant, store["id"])
    assert [c["action"] for c in history] == ["update", "update", "create"]
    assert history[0]["summary"] == "store: update acme-shop (theme storefront -> astra)"
    assert all(c["actor"].startswith("alice") and c["request_id"] and len(c["sha"]) == 40 for c in history)
    assert history[-1]["sha"] != history[0]["sha"] and history[0]["short_sha"] == history[0]["sha"][:12]
    assert (
        client.get(f"/api/v1/stores/{store['id']}/history", headers=other_tenant.headers).status_code == 404
    )


def test_rollback_reverts_the_latest_commit_by_default(
    client: TestClient, tenant: Any, new_store: Any, drain: Any, set_status: Any
) -> None:
    store = _ready_store_with_two_updates(client, tenant, new_store, drain, set_status)
    latest = _history(client, tenant, store["id"])[0]["sha"]
    response = client.post(f"/api/v1/stores/{store['id']}/rollback", headers=tenant.headers)
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "updating" and body["theme"] == "storefront" and body["plan"] == "medium"
    drain()
    history = _history(client, tenant, store["id"])
    assert history[0]["action"] == "rollback" and history[0]["summary"].endswith(f"(revert {latest[:12]})")


def test_rollback_of_an_older_commit_keeps_later_changes(
    client: TestClient, tenant: Any, new_store: Any, drain: Any, set_status: Any
) -> None:
    store = _ready_store_with_two_updates(client, tenant, new_store, drain, set_status)
    plan_change = _history(client, tenant, store["id"])[1]["sha"]
    response = client.post(
        f"/api/v1/stores/{store['id']}/rollback", json={"commit": plan_change[:10]}, headers=tenant.headers
    )
    assert response.status_code == 202
    assert (response.json()["plan"], response.json()["theme"]) == ("small", "astra")


def test_rolling_back_the_create_commit_deletes_the_store(
    client: TestClient, tenant: Any, new_store: Any, drain: Any, set_status: Any, human: Any
) -> None:
    store = _ready_store_with_two_updates(client, tenant, new_store, drain, set_status)
    create = _history(client, tenant, store["id"])[-1]["sha"]
    response = client.post(
        f"/api/v1/stores/{store['id']}/rollback", json={"commit": create}, headers=tenant.headers
    )
    assert response.status_code == 202 and response.json()["status"] == "deleting"
    drain()
    human.pull()
    assert not (human.path / f"tenants/{tenant.id}/{store['id']}").exists()


def test_rollback_errors(
    client: TestClient, tenant: Any, new_store: Any, drain: Any, set_status: Any
) -> None:
    store = new_store(tenant, "acme-shop")
    nothing = client.post(f"/api/v1/stores/{store['id']}/rollback", headers=tenant.headers)
    assert nothing.status_code == 409 and nothing.json()["error"]["code"] == "NOTHING_TO_ROLL_BACK"
    drain()
    set_status(store["id"], "ready")
    unknown = client.post(
        f"/api/v1/stores/{store['id']}/rollback", json={"commit": "deadbeefdead"}, headers=tenant.headers
    )
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "COMMIT_NOT_FOUND"
    for bad in ({"commit": "xyz"}, {"commit": "abc"}, {"commit": "a" * 41}, {"other": 1}):
        response = client.post(f"/api/v1/stores/{store['id']}/rollback", json=bad, headers=tenant.headers)
        assert response.status_code == 422, bad


def test_history_without_a_fleet_repo_is_503(settings: Any, db: Any) -> None:
    from storefleet.api.app import create_app

    plain = settings.model_copy(update={"fleet_repo_url": None})
    with TestClient(create_app(plain, migrate=False)) as bare:
        token = bare.post(
            "/api/v1/auth/register",
            json={"email": "a@example.com", "username": "ann", "password": "password1"},
        ).json()["token"]
        headers = {"Authorization": f"Bearer {token}"}
        store = bare.post(
            "/api/v1/stores", json={"name": "acme-shop", "engine": "medusa"}, headers=headers
        ).json()
        response = bare.get(f"/api/v1/stores/{store['id']}/history", headers=headers)
        assert response.status_code == 503 and response.json()["error"]["code"] == "FLEET_NOT_CONFIGURED"
        assert bare.get("/api/v1/health").json()["checks"]["fleet"]["status"] == "not_configured"
