"""The dashboard's build served at `/`: files, SPA fallback, caching, and the API left alone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from storefleet.api.app import create_app
from storefleet.api.settings import Settings


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    root = tmp_path / "dist"
    (root / "assets").mkdir(parents=True)
    (root / "index.html").write_text("<!doctype html><div id=root></div>")
    (root / "assets" / "index-3f2a1b.js").write_text("console.log('app')")
    (root / "favicon.svg").write_text("<svg/>")
    (tmp_path / "secret.txt").write_text("outside the build")
    return root


@pytest.fixture
def spa_client(settings: Settings, db: Any, dist: Path) -> Iterator[TestClient]:
    app = create_app(settings.model_copy(update={"frontend_dist": dist}), migrate=False)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def test_the_index_is_served_at_the_root_and_for_every_client_route(spa_client: TestClient) -> None:
    for path in ("/", "/stores", "/stores/st-abc/history", "/login?next=/audit"):
        response = spa_client.get(path)
        assert response.status_code == 200, path
        assert response.text.startswith("<!doctype html>")
        assert response.headers["cache-control"] == "no-cache"
        csp = response.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert response.headers["x-frame-options"] == "DENY"


def test_hashed_assets_are_cached_for_good_and_other_files_revalidated(spa_client: TestClient) -> None:
    asset = spa_client.get("/assets/index-3f2a1b.js")
    assert asset.status_code == 200 and asset.text == "console.log('app')"
    assert asset.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert "javascript" in asset.headers["content-type"]
    assert spa_client.get("/favicon.svg").headers["cache-control"] == "no-cache"


def test_nothing_outside_the_build_is_served(spa_client: TestClient) -> None:
    for path in ("/../secret.txt", "/assets/../../secret.txt", "/%2e%2e/secret.txt"):
        response = spa_client.get(path)
        assert "outside the build" not in response.text, path


def test_the_api_namespaces_keep_json_404s_and_405s(spa_client: TestClient) -> None:
    for path in ("/api/v1/nope", "/api", "/health/nope", "/git/nope", "/metrics/x"):
        response = spa_client.get(path)
        assert response.status_code == 404, path
        assert response.json()["error"]["code"] == "NOT_FOUND"
    assert spa_client.get("/api/v1/health").json()["status"] in ("ok", "degraded")
    wrong_method = spa_client.put("/api/v1/stores")
    assert wrong_method.status_code == 405
    posted = spa_client.post("/stores")
    assert posted.status_code == 404 and posted.json()["error"]["code"] == "NOT_FOUND"


def test_without_a_build_the_root_is_a_json_404(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 404 and response.json()["error"]["code"] == "NOT_FOUND"
