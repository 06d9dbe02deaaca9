"""The HTTP guardrails around the app, in the order they must wrap it.

Outermost to innermost:
    SecurityHeadersMiddleware  every answer, the request-id middleware's last-resort 500 included
    CORSMiddleware             only when CORS_ORIGINS is set; its headers also reach error answers
    RequestContextMiddleware   (api/core/middleware.py) binds the request id the errors below carry
    RateLimitHeadersMiddleware (api/ratelimit/headers.py) the API request limits' headers
    BodyLimitMiddleware        413 PAYLOAD_TOO_LARGE
    TimeoutMiddleware          503 REQUEST_TIMEOUT
Starlette wraps the app with the middleware added last outermost, so `create_app` calls
`install_inner_guards` before adding RequestContextMiddleware and `install_outer_guards` after it.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware

from storefleet.api.core.body_limit import BodyLimitMiddleware
from storefleet.api.core.security_headers import SecurityHeadersMiddleware
from storefleet.api.core.timeout import TimeoutMiddleware
from storefleet.api.settings import Settings

CORS_METHODS = ("GET", "POST", "PATCH", "DELETE", "OPTIONS")
CORS_REQUEST_HEADERS = ("Authorization", "Content-Type", "X-Request-ID")
# The API request limits' headers (api/ratelimit/policy.py), so a browser client can pace itself.
CORS_EXPOSED_HEADERS = (
    "X-Request-ID",
    "Retry-After",
    "RateLimit-Limit",
    "RateLimit-Remaining",
    "RateLimit-Reset",
    "RateLimit-Policy",
)


def install_inner_guards(app: FastAPI, settings: Settings) -> None:
    app.add_middleware(TimeoutMiddleware, timeout_s=settings.request_timeout_s)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)


def install_outer_guards(app: FastAPI, settings: Settings) -> None:
    options = cors_options(settings)
    if options is not None:
        app.add_middleware(CORSMiddleware, **options)
    app.add_middleware(SecurityHeadersMiddleware)


def cors_options(settings: Settings) -> dict[str, Any] | None:
    """CORSMiddleware's arguments, or None when no origin is allowed (then no CORS headers at all:
    browsers refuse cross-origin reads by default)."""
    settings.check_cors()
    if not settings.cors_origins:
        return None
    return {
        "allow_origins": list(settings.cors_origins),
        "allow_credentials": settings.cors_allow_credentials,
        "allow_methods": list(CORS_METHODS),
        "allow_headers": list(CORS_REQUEST_HEADERS),
        "expose_headers": list(CORS_EXPOSED_HEADERS),
        "max_age": 600,
    }
