"""Health, metrics, the signed webhooks, the git HTTP endpoint and the dashboard are never limited."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from storefleet.api.app import create_app
from storefleet.api.ratelimit.dependencies import enforce_api_limits
from storefleet.api.ratelimit.policy import EXEMPT_PREFIXES
from storefleet.api.settings import Settings
from tests.api.ratelimit.conftest import LimitedClient, bearer

ONE_OF_EACH = {"api_rate_limit_reads": 1, "api_rate_limit_writes": 1, "api_rate_limit_store_creations": 1}


def effective_routes(routes: Iterable[Any]) -> Iterator[Any]:
    """The routes as the app serves them: an included router's routes carry the dependencies it was
    included with (FastAPI builds them lazily, so the router's own routes do not)."""
    for route in routes:
        if hasattr(route, "effective_candidates"):
            yield from effective_routes(route.effective_candidates())
        elif hasattr(route, "dependant"):
            yield route


def _is_limited(route: Any) -> bool:
    return any(sub.call is enforce_api_limits for sub in route.dependant.dependencies)


def test_every_api_route_but_the_exempt_ones_counts(settings: Settings, tmp_path: Path) -> None:
    state = tmp_path / "state"
    (state / "fleet.git").mkdir(parents=True)
    (state / "fleet.git" / "HEAD").write_text("ref: refs/heads/main\n")  # served over git HTTP
    app = create_app(settings.model_copy(update={**ONE_OF_EACH, "state_dir": state}), migrate=False)
    routes = list(effective_routes(app.routes))
    limited = {route.path for route in routes if _is_limited(route)}
    unlimited = {route.path for route in routes if not _is_limited(route)}
    assert len(limited) > 20 and "/api/v1/stores" in limited and "/api/v1/auth/login" in limited
    assert {"/git/fleet.git/{path:path}", "/health/live", "/api/v1/health", "/api/v1/metrics"} <= unlimited
    assert {"/api/v1/webhooks/git", "/api/v1/webhooks/github"} <= unlimited
    for path in unlimited:
        assert not path.startswith("/api/v1/") or path.startswith(EXEMPT_PREFIXES), path


def test_probes_scrapes_and_webhooks_are_never_refused(limited_client: LimitedClient) -> None:
    client = limited_client(**ONE_OF_EACH)
    admin = bearer(client, "root")  # the first account: an admin
    for _ in range(3):
        for path in (
            "/health/live",
            "/api/v1/health/live",
            "/api/v1/health/ready",
            "/api/v1/health",
            "/health",
        ):
            response = client.get(path)
            assert response.status_code in (200, 503) and "ratelimit-limit" not in response.headers, path
        metrics = client.get("/api/v1/metrics", headers=admin)
        assert metrics.status_code == 200 and "ratelimit-limit" not in metrics.headers
        for hook in ("/api/v1/webhooks/git", "/api/v1/webhooks/github"):
            response = client.post(hook, content=b"{}")
            assert response.status_code != 429 and "ratelimit-limit" not in response.headers, hook
    assert client.get("/api/v1/stores", headers=admin).status_code == 200  # reads: 1 of 1, still free


def test_the_dashboard_files_are_never_refused(limited_client: LimitedClient, tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "index.html").write_text("<!doctype html><div id=root></div>")
    client = limited_client(frontend_dist=dist, **ONE_OF_EACH)
    for path in ("/", "/stores", "/index.html", "/stores", "/"):
        response = client.get(path)
        assert response.status_code == 200 and "ratelimit-limit" not in response.headers, path
