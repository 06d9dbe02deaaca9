"""The Medusa admin dashboard: the Ingress sends /app (and the uploads it makes, /static) to the Medusa
backend of a Medusa store and never for WooCommerce, and the backend's CORS, backend URL and mode fit
the store's own origin (http in the local profile, https with TLS)."""

from __future__ import annotations

from typing import Any

import pytest

ADMIN_PATHS = ("/app", "/static")


def _routes(objects: list[dict[str, Any]]) -> dict[str, tuple[str, str]]:
    """path -> (service, pathType) of the store's single Ingress rule."""
    (ingress,) = [o for o in objects if o["kind"] == "Ingress"]
    (rule,) = ingress["spec"]["rules"]
    return {p["path"]: (p["backend"]["service"]["name"], p["pathType"]) for p in rule["http"]["paths"]}


def _env(objects: list[dict[str, Any]], name: str, container: str = "medusa") -> dict[str, Any]:
    (deployment,) = [o for o in objects if o["kind"] == "Deployment" and o["metadata"]["name"] == name]
    pod = deployment["spec"]["template"]["spec"]
    (spec,) = [c for c in [*pod["containers"], *pod.get("initContainers", [])] if c["name"] == container]
    return {e["name"]: e.get("value", e.get("valueFrom")) for e in spec["env"]}


@pytest.mark.parametrize("profile", ["values.yaml", "values-local.yaml", "values-vps.yaml"])
def test_medusa_ingress_sends_the_admin_to_the_backend(kit: Any, render_store: Any, profile: str) -> None:
    routes = _routes(render_store(kit.profile_values(profile, "medusa")))
    backend, storefront = f"{kit.STORE_ID}-medusa", f"{kit.STORE_ID}-storefront"
    for path in ADMIN_PATHS:
        # Prefix: /app/assets/... and every client-side route of the dashboard (/app/orders/...).
        assert routes[path] == (backend, "Prefix")
    assert routes["/admin"] == (backend, "Prefix")  # the Admin API the dashboard calls
    assert routes["/auth"] == (backend, "Prefix")  # its sign-in
    assert routes["/"] == (storefront, "Prefix")


def test_woocommerce_ingress_has_no_medusa_admin(kit: Any, render_store: Any) -> None:
    objects = render_store(kit.store_values("woocommerce"))
    routes = _routes(objects)
    assert list(routes) == ["/"]
    assert routes["/"][0] == f"{kit.STORE_ID}-wordpress"
    assert not [o for o in objects if "medusa" in o["metadata"]["name"]]


@pytest.mark.parametrize(
    ("profile", "origin"),
    [
        ("values-local.yaml", "http://acme-shop-abcdefgh23.localhost"),
        ("values-vps.yaml", "https://acme-shop-abcdefgh23.localhost"),
    ],
)
def test_backend_cors_and_url_are_the_store_origin(
    kit: Any, render_store: Any, profile: str, origin: str
) -> None:
    objects = render_store(kit.profile_values(profile, "medusa"))
    for container in ("medusa", "migrate"):
        env = _env(objects, f"{kit.STORE_ID}-medusa", container)
        # The dashboard is served from the store's host and calls the API there: one origin, exactly.
        assert env["ADMIN_CORS"] == origin
        assert env["AUTH_CORS"] == origin
        assert env["STORE_CORS"] == origin
        assert env["MEDUSA_BACKEND_URL"] == origin
        # Production mode serves the built dashboard; the session cookie's `secure` flag follows the
        # scheme of MEDUSA_BACKEND_URL (medusa-config.ts), so http stores can sign in too.
        assert env["NODE_ENV"] == "production"
        # Medusa's modules would otherwise ask the store's own PostgreSQL (no TLS) for TLS.
        assert env["DATABASE_URL"].endswith("/medusa?sslmode=disable")


def test_setup_job_sees_the_same_backend_url(kit: Any, render_store: Any) -> None:
    job = kit.setup_job(render_store(kit.profile_values("values-vps.yaml", "medusa")))
    (container,) = job["spec"]["template"]["spec"]["containers"]
    env = {e["name"]: e.get("value") for e in container["env"]}
    assert env["MEDUSA_BACKEND_URL"] == "https://acme-shop-abcdefgh23.localhost"
    assert env["ADMIN_CORS"] == env["AUTH_CORS"] == env["MEDUSA_BACKEND_URL"]
