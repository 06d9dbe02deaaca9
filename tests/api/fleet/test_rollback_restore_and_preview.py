""" "Roll back to this commit" (restore) and the preview the dashboard shows before any rollback."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from storefleet.api.core.services import app_services
from tests.api.fleet.test_history_and_rollback import _history, _ready_store_with_two_updates


def _preview(client: TestClient, account: Any, store_id: str, **query: str) -> Any:
    return client.get(f"/api/v1/stores/{store_id}/rollback/preview", params=query, headers=account.headers)


def test_restore_to_the_first_commit_undoes_every_later_change_in_one_commit(
    client: TestClient, tenant: Any, new_store: Any, drain: Any, set_status: Any
) -> None:
    store = _ready_store_with_two_updates(client, tenant, new_store, drain, set_status)
    first = _history(client, tenant, store["id"])[-1]["sha"]
    preview = _preview(client, tenant, store["id"], to_commit=first[:9])
    assert preview.status_code == 200, preview.text
    assert preview.json() == {
        "mode": "restore",
        "commit": first,
        "deletes_store": False,
        "changes": [
            {"field": "plan", "current": "medium", "after": "small"},
            {"field": "theme", "current": "astra", "after": "storefront"},
        ],
    }
    before = len(_history(client, tenant, store["id"]))
    assert len(_history(client, tenant, store["id"])) == before  # a preview commits nothing
    response = client.post(
        f"/api/v1/stores/{store['id']}/rollback", json={"to_commit": first}, headers=tenant.headers
    )
    assert response.status_code == 202, response.text
    assert (response.json()["status"], response.json()["plan"], response.json()["theme"]) == (
        "updating",
        "small",
        "storefront",
    )
    drain()
    history = _history(client, tenant, store["id"])
    assert len(history) == before + 1
    assert history[0]["action"] == "rollback" and history[0]["summary"].endswith(f"(to {first[:12]})")


def test_preview_of_a_revert_and_of_reverting_the_creation(
    client: TestClient, tenant: Any, new_store: Any, drain: Any, set_status: Any
) -> None:
    store = _ready_store_with_two_updates(client, tenant, new_store, drain, set_status)
    history = _history(client, tenant, store["id"])
    latest = _preview(client, tenant, store["id"]).json()
    assert latest["mode"] == "revert" and latest["commit"] == history[0]["sha"]
    assert latest["changes"] == [{"field": "theme", "current": "astra", "after": "storefront"}]
    creation = _preview(client, tenant, store["id"], commit=history[-1]["sha"]).json()
    assert creation == {"mode": "revert", "commit": history[-1]["sha"], "deletes_store": True, "changes": []}
    status = client.get(f"/api/v1/stores/{store['id']}", headers=tenant.headers).json()["status"]
    assert status == "ready"  # previews change nothing


def test_restore_and_preview_errors(
    client: TestClient, tenant: Any, other_tenant: Any, new_store: Any, drain: Any, set_status: Any
) -> None:
    store = _ready_store_with_two_updates(client, tenant, new_store, drain, set_status)
    latest = _history(client, tenant, store["id"])[0]["sha"]
    same = _preview(client, tenant, store["id"], to_commit=latest)
    assert same.status_code == 409 and same.json()["error"]["code"] == "NOTHING_TO_ROLL_BACK"
    unknown = _preview(client, tenant, store["id"], to_commit="deadbeefdead")
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "COMMIT_NOT_FOUND"
    both = _preview(client, tenant, store["id"], commit=latest, to_commit=latest)
    assert both.status_code == 422 and both.json()["error"]["code"] == "VALIDATION_ERROR"
    assert _preview(client, tenant, store["id"], to_commit="xyz").status_code == 422
    assert _preview(client, other_tenant, store["id"], to_commit=latest).status_code == 404
    both_posted = client.post(
        f"/api/v1/stores/{store['id']}/rollback",
        json={"commit": latest, "to_commit": latest},
        headers=tenant.headers,
    )
    assert both_posted.status_code == 422


def test_history_links_each_commit_when_a_commit_url_is_configured(
    client: TestClient, tenant: Any, new_store: Any, drain: Any
) -> None:
    store = new_store(tenant, "linked-shop")
    drain()
    assert _history(client, tenant, store["id"])[0]["commit_url"] is None
    services = app_services(client.app)
    services.settings = services.settings.model_copy(
        update={"fleet_commit_url": "https://git.example.com/fleet/commit/{sha}"}
    )
    entry = _history(client, tenant, store["id"])[0]
    assert entry["commit_url"] == f"https://git.example.com/fleet/commit/{entry['sha']}"


def test_reverting_the_first_branding_unsets_it(
    client: TestClient, tenant: Any, new_store: Any, drain: Any, set_status: Any
) -> None:
    # The store had no branding before the reverted commit: the field is absent from that spec.
    store = new_store(tenant, "brand-shop", engine="medusa")
    drain()
    set_status(store["id"], "ready")
    body = {"branding": {"promo_text": "Spring sale"}}
    assert client.patch(f"/api/v1/stores/{store['id']}", json=body, headers=tenant.headers).status_code == 202
    drain()
    set_status(store["id"], "ready")
    latest = _preview(client, tenant, store["id"])
    assert latest.status_code == 200, latest.text
    assert latest.json()["changes"] == [
        {"field": "branding", "current": '{"promo_text":"Spring sale"}', "after": None}
    ]
    response = client.post(f"/api/v1/stores/{store['id']}/rollback", json={}, headers=tenant.headers)
    assert response.status_code == 202, response.text
    assert response.json()["branding"] is None
