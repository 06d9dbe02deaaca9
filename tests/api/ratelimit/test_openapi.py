"""The OpenAPI document declares the limits' 429 and its headers on limited routes, and only there."""

from __future__ import annotations

from storefleet.api.app import create_app
from storefleet.api.settings import Settings


def test_limited_routes_declare_the_429_and_its_headers(settings: Settings) -> None:
    paths = create_app(settings, migrate=False).openapi()["paths"]
    refusal = paths["/api/v1/stores/{store_id}"]["get"]["responses"]["429"]
    assert "RATE_LIMITED" in refusal["description"]
    assert {name: header["schema"]["type"] for name, header in refusal["headers"].items()} == {
        "Retry-After": "integer",
        "RateLimit-Limit": "integer",
        "RateLimit-Remaining": "integer",
        "RateLimit-Reset": "integer",
        "RateLimit-Policy": "string",
    }
    assert all(isinstance(header["description"], str) for header in refusal["headers"].values())
    for path, method in (
        ("/api/v1/health", "get"),
        ("/api/v1/metrics", "get"),
        ("/api/v1/webhooks/git", "post"),
    ):
        assert "429" not in paths[path][method]["responses"], path
