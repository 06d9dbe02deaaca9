"""POST /api/v1/stores: what is accepted, what is refused, and what lands in the database."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from storefleet.api.core.services import app_services

STORE_ID = re.compile(r"^st-[a-z2-7]{10}$")


def _post(client: TestClient, account: Any, **body: Any) -> Any:
    return client.post("/api/v1/stores", json=body, headers=account.headers)


def test_create_answers_202_with_a_requested_store(client: TestClient, tenant: Any, db: Any) -> None:
    response = _post(client, tenant, name="acme-shop", engine="woocommerce")
    assert response.status_code == 202
    store = response.json()
    assert STORE_ID.fullmatch(store["id"])
    assert store["status"] == "requested" and store["status_message"]
    assert (store["engine"], store["theme"], store["plan"]) == ("woocommerce", "storefront", "small")
    assert store["owner_id"] == tenant.id and len(store["spec_hash"]) == 64
    row = db.execute("SELECT spec FROM stores WHERE id = %s", (store["id"],)).fetchone()
    assert row["spec"] == {
        "api_version": "storefleet.io/v1",
        "store_id": store["id"],
        "tenant": tenant.id,
        "name": "acme-shop",
        "engine": "woocommerce",
        "theme": "storefront",
        "plan": "small",
        "template": "classic",
    }
    assert store["template"] == "classic" and store["branding"] is None


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"engine": "medusa"}, ("medusa", None, "small")),
        ({"engine": "woocommerce", "theme": "astra", "plan": "large"}, ("woocommerce", "astra", "large")),
        ({"engine": "woocommerce", "plan": "medium"}, ("woocommerce", "storefront", "medium")),
    ],
)
def test_engine_theme_plan_combinations(client: TestClient, tenant: Any, body: Any, expected: Any) -> None:
    store = _post(client, tenant, name="shop-one", **body).json()
    assert (store["engine"], store["theme"], store["plan"]) == expected


@pytest.mark.parametrize(
    ("body", "field", "detail_type"),
    [
        ({"name": "ab"}, "name", "name_length"),
        ({"name": "a" * 64}, "name", "name_length"),
        ({"name": "Acme"}, "name", "name_format"),
        ({"name": "-acme"}, "name", "name_format"),
        ({"name": "acme-"}, "name", "name_format"),
        ({"name": "ac--me"}, "name", "name_format"),
        ({"name": "ac_me"}, "name", "name_format"),
        ({"name": "admin"}, "name", "name_reserved"),
        ({"name": "kube-system"}, "name", "name_reserved"),
        ({"name": "shitshop"}, "name", "name_not_allowed"),
        ({"name": 42}, "name", "string_type"),
        ({"engine": "magento"}, "engine", "enum"),
        ({"engine": None}, "engine", "enum"),
        ({"theme": "divi"}, "theme", "enum"),
        ({"engine": "medusa", "theme": "astra"}, "theme", "value_error"),
        ({"plan": "huge"}, "plan", "enum"),
    ],
)
def test_invalid_requests_are_422_and_store_nothing(
    client: TestClient, tenant: Any, db: Any, body: Any, field: str, detail_type: str
) -> None:
    response = _post(client, tenant, **{"name": "good-name", "engine": "woocommerce", **body})
    assert response.status_code == 422
    payload = response.json()
    assert payload["error"]["code"] == "VALIDATION_ERROR" and payload["request_id"]
    assert payload["error"]["message"].startswith(f"{field}:")
    assert (payload["error"]["details"][0]["field"], payload["error"]["details"][0]["type"]) == (
        field,
        detail_type,
    )
    assert db.execute("SELECT count(*) AS n FROM stores").fetchone()["n"] == 0
    assert db.execute("SELECT count(*) AS n FROM outbox").fetchone()["n"] == 0


@pytest.mark.parametrize("body", [{}, {"name": "acme"}, {"engine": "medusa"}, [], "text"])
def test_missing_or_malformed_bodies_are_422(client: TestClient, tenant: Any, body: Any) -> None:
    response = client.post("/api/v1/stores", json=body, headers=tenant.headers)
    assert response.status_code == 422 and response.json()["error"]["code"] == "VALIDATION_ERROR"


def test_invalid_json_is_422(client: TestClient, tenant: Any) -> None:
    response = client.post(
        "/api/v1/stores", content=b'{"name": ', headers={**tenant.headers, "content-type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["error"]["details"][0] == {
        "field": "body",
        "message": "the request body is not valid JSON",
        "type": "json_invalid",
    }


def test_owner_in_the_body_is_ignored(client: TestClient, tenant: Any, other_tenant: Any) -> None:
    store = _post(client, tenant, name="acme-shop", engine="medusa", owner_id=other_tenant.id).json()
    assert store["owner_id"] == tenant.id


def test_duplicate_live_name_per_owner_is_409(client: TestClient, tenant: Any, other_tenant: Any) -> None:
    assert _post(client, tenant, name="acme-shop", engine="woocommerce").status_code == 202
    duplicate = _post(client, tenant, name="acme-shop", engine="medusa")
    assert duplicate.status_code == 409 and duplicate.json()["error"]["code"] == "STORE_NAME_TAKEN"
    # another owner may use the same name
    assert _post(client, other_tenant, name="acme-shop", engine="woocommerce").status_code == 202


def test_name_is_reusable_once_the_store_is_deleted(
    client: TestClient, tenant: Any, set_status: Any, new_store: Any
) -> None:
    first = new_store(tenant, "acme-shop")
    assert client.delete(f"/api/v1/stores/{first['id']}", headers=tenant.headers).status_code == 202
    assert _post(client, tenant, name="acme-shop", engine="woocommerce").status_code == 409  # still deleting
    set_status(first["id"], "deleted")
    second = _post(client, tenant, name="acme-shop", engine="woocommerce")
    assert second.status_code == 202 and second.json()["id"] != first["id"]


def test_create_needs_a_token(client: TestClient, admin: Any) -> None:
    response = client.post("/api/v1/stores", json={"name": "acme-shop", "engine": "woocommerce"})
    assert response.status_code == 401 and response.json()["error"]["code"] == "UNAUTHORIZED"


def test_extra_reserved_names_from_settings(client: TestClient, tenant: Any) -> None:
    services = app_services(client.app)
    services.settings = services.settings.model_copy(update={"reserved_store_names": frozenset({"billing"})})
    response = _post(client, tenant, name="billing", engine="medusa")
    assert response.status_code == 422 and response.json()["error"]["details"][0]["type"] == "name_reserved"
