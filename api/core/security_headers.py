"""Security headers on every response: answers, errors, 404s and the last-resort 500 alike.

Pure ASGI (not BaseHTTPMiddleware), like the request-id middleware: it only edits the start message.
Headers a route set itself are kept, so one route may choose its own policy.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# The API serves JSON only: no document it answers may load anything or be framed.
API_CSP = "default-src 'none'; frame-ancestors 'none'"
# The Swagger UI page FastAPI serves loads its script and stylesheet from jsDelivr, runs one inline
# script to start it, shows FastAPI's favicon and fetches the OpenAPI document from this origin.
DOCS_CSP = (
    "default-src 'none'; script-src https://cdn.jsdelivr.net 'unsafe-inline'; "
    "style-src https://cdn.jsdelivr.net 'unsafe-inline'; img-src https://fastapi.tiangolo.com data:; "
    "connect-src 'self'; frame-ancestors 'none'"
)
DOCS_PATHS = frozenset({"/api/docs", "/docs/oauth2-redirect"})

_COMMON = (
    ("strict-transport-security", "max-age=63072000; includeSubDomains"),
    ("x-frame-options", "DENY"),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "no-referrer"),
)


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        csp = DOCS_CSP if scope["path"] in DOCS_PATHS else API_CSP

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in (*_COMMON, ("content-security-policy", csp)):
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)
