"""Catalogue templates and a Medusa shop's branding: chosen at create, part of the spec, listed for the
create form; a template never changes afterwards, a branding does."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from storefleet.renderer.catalogue import TEMPLATE_NAMES

BRANDING = {
    "display_name": "Harbor & Pine",
    "primary_color": "#1e3a8a",
    "logo_url": "https://x.example/l.svg",
}


def _post(client: TestClient, account: Any, **body: Any) -> Any:
    return client.post("/api/v1/stores", json={"name": "acme-shop", **body}, headers=account.headers)


def _patch(client: TestClient, account: Any, store_id: str, **body: Any) -> Any:
    return client.patch(f"/api/v1/stores/{store_id}", json=body, headers=account.headers)


def _outbox_actions(db: Any, store_id: str) -> list[Any]:
    return db.execute("SELECT action FROM outbox WHERE store_id = %s ORDER BY id", (store_id,)).fetchall()


def test_the_templates_are_listed_with_what_they_seed(client: TestClient, tenant: Any) -> None:
    response = client.get("/api/v1/templates", headers=tenant.headers)
    assert response.status_code == 200
    templates = response.json()["templates"]
    assert [t["name"] for t in templates] == list(TEMPLATE_NAMES)
    assert {"classic", "minimal", "fashion", "electronics", "food"} <= set(TEMPLATE_NAMES)
    for template in templates:
        assert template["title"] and template["description"]
        assert template["products"] >= 1 and template["categories"] >= 1
    assert client.get("/api/v1/templates").status_code == 401


@pytest.mark.parametrize("template", TEMPLATE_NAMES)
@pytest.mark.parametrize("engine", ["woocommerce", "medusa"])
def test_every_template_creates_a_store_of_either_engine(
    client: TestClient, tenant: Any, db: Any, template: str, engine: str
) -> None:
    response = _post(client, tenant, engine=engine, template=template)
    assert response.status_code == 202, response.text
    store = response.json()
    assert store["template"] == template
    row = db.execute("SELECT spec, template FROM stores WHERE id = %s", (store["id"],)).fetchone()
    assert row["spec"]["template"] == template and row["template"] == template
    [outbox] = db.execute("SELECT spec FROM outbox WHERE store_id = %s", (store["id"],)).fetchall()
    assert outbox["spec"]["template"] == template  # what the writer commits to store.yaml


def test_an_unknown_template_is_422_naming_the_allowed_ones(client: TestClient, tenant: Any, db: Any) -> None:
    response = _post(client, tenant, engine="medusa", template="garden")
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "VALIDATION_ERROR" and error["message"].startswith("template:")
    assert all(name in error["message"] for name in TEMPLATE_NAMES)
    assert db.execute("SELECT count(*) AS n FROM stores").fetchone()["n"] == 0


def test_branding_is_kept_for_medusa_and_refused_for_woocommerce(client: TestClient, tenant: Any) -> None:
    store = _post(client, tenant, engine="medusa", branding=BRANDING).json()
    assert store["branding"] == {**BRANDING, "accent_color": None, "promo_text": None, "newsletter_url": None}
    refused = _post(client, tenant, name="wp-shop", engine="woocommerce", branding=BRANDING)
    assert refused.status_code == 422 and refused.json()["error"]["details"][0]["field"] == "branding"


@pytest.mark.parametrize(
    "branding", [{"primary_color": "navy"}, {"logo_url": "ftp://x.example/l.png"}, {"display_name": ""}]
)
def test_bad_branding_is_422(client: TestClient, tenant: Any, branding: dict[str, str]) -> None:
    response = _post(client, tenant, engine="medusa", branding=branding)
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"].startswith("branding")


def test_a_template_never_changes_after_create(
    client: TestClient, tenant: Any, db: Any, set_status: Any
) -> None:
    store = _post(client, tenant, engine="medusa", template="food").json()
    set_status(store["id"], "ready")
    refused = _patch(client, tenant, store["id"], template="fashion")
    assert refused.status_code == 409
    error = refused.json()["error"]
    assert error["code"] == "TEMPLATE_LOCKED" and "overwrite" in error["message"]
    same = _patch(client, tenant, store["id"], template="food")
    assert same.status_code == 200 and same.json()["status"] == "ready"  # nothing to change
    assert (
        db.execute("SELECT count(*) AS n FROM outbox WHERE store_id = %s", (store["id"],)).fetchone()["n"]
        == 1
    )


def test_a_store_older_than_templates_counts_as_classic(
    client: TestClient, tenant: Any, db: Any, set_status: Any
) -> None:
    store = _post(client, tenant, engine="medusa").json()
    db.execute("UPDATE stores SET spec = spec - 'template' WHERE id = %s", (store["id"],))
    set_status(store["id"], "ready")
    assert _patch(client, tenant, store["id"], template="classic").status_code == 200
    assert _patch(client, tenant, store["id"], template="minimal").status_code == 409


def test_branding_changes_are_commits_and_an_empty_one_clears_it(
    client: TestClient, tenant: Any, db: Any, set_status: Any
) -> None:
    store = _post(client, tenant, engine="medusa").json()
    set_status(store["id"], "ready")
    changed = _patch(client, tenant, store["id"], branding={"accent_color": "#10b981"})
    assert changed.status_code == 202 and changed.json()["status"] == "updating"
    assert changed.json()["branding"]["accent_color"] == "#10b981"
    spec = db.execute("SELECT spec FROM stores WHERE id = %s", (store["id"],)).fetchone()["spec"]
    assert spec["branding"] == {"accent_color": "#10b981"}
    set_status(store["id"], "ready")
    cleared = _patch(client, tenant, store["id"], branding={})
    assert cleared.status_code == 202 and cleared.json()["branding"] is None
    actions = db.execute(
        "SELECT action FROM outbox WHERE store_id = %s ORDER BY id", (store["id"],)
    ).fetchall()
    assert [a["action"] for a in actions] == ["create", "update", "update"]


def test_branding_of_a_woocommerce_store_is_422(client: TestClient, tenant: Any, set_status: Any) -> None:
    store = _post(client, tenant, engine="woocommerce").json()
    set_status(store["id"], "ready")
    response = _patch(client, tenant, store["id"], branding=BRANDING)
    assert response.status_code == 422 and response.json()["error"]["details"][0]["field"] == "branding"


def test_the_list_filters_by_template(client: TestClient, tenant: Any) -> None:
    _post(client, tenant, name="food-shop", engine="medusa", template="food")
    _post(client, tenant, name="tech-shop", engine="woocommerce", template="electronics")
    listed = client.get("/api/v1/stores?template=food", headers=tenant.headers).json()
    assert [s["name"] for s in listed["stores"]] == ["food-shop"] and listed["total"] == 1
    assert client.get("/api/v1/stores?template=garden", headers=tenant.headers).status_code == 422
