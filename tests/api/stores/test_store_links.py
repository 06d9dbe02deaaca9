"""Every store answer carries the shop's and its admin's URLs once the store is installed."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient


def test_urls_appear_once_the_store_is_installed(
    client: TestClient, tenant: Any, new_store: Any, set_status: Any
) -> None:
    woo = new_store(tenant, "acme-shop")
    medusa = client.post(
        "/api/v1/stores", json={"name": "med-shop", "engine": "medusa"}, headers=tenant.headers
    )
    assert (woo["store_url"], woo["admin_url"]) == (None, None)  # requested: nothing answers there yet
    set_status(woo["id"], "ready")
    set_status(medusa.json()["id"], "updating")
    stores = {s["name"]: s for s in client.get("/api/v1/stores", headers=tenant.headers).json()["stores"]}
    shop = stores["acme-shop"]
    assert shop["store_url"].startswith("http") and "acme-shop" in shop["store_url"]
    assert shop["admin_url"] == f"{shop['store_url']}/wp-admin/"
    assert stores["med-shop"]["admin_url"] == f"{stores['med-shop']['store_url']}/app"
    single = client.get(f"/api/v1/stores/{woo['id']}", headers=tenant.headers).json()
    assert single["store_url"] == shop["store_url"]
    set_status(woo["id"], "failed")
    assert client.get(f"/api/v1/stores/{woo['id']}", headers=tenant.headers).json()["store_url"] is None
