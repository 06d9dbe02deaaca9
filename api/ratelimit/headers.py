"""The `RateLimit-*` headers on every answer of a limited route: successes, refusals and other errors.

The limits are counted by a dependency (`dependencies.py`), which leaves its verdict in the request's
scope; this pure-ASGI middleware writes it into the answer's headers, whoever built the answer (an
endpoint's own `Response`, the error handler). Pure ASGI: it sits on every request's path.
"""

from __future__ import annotations

from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from storefleet.api.core.openapi import error_responses
from storefleet.api.ratelimit.policy import Verdict

SCOPE_KEY = "storefleet.rate_limit"

_HEADER_DOCS = {
    "Retry-After": ("integer", "seconds to wait before the next request"),
    "RateLimit-Limit": ("integer", "requests allowed in the window of the limit closest to exhaustion"),
    "RateLimit-Remaining": ("integer", "requests left in that window"),
    "RateLimit-Reset": ("integer", "seconds until that window ends"),
    "RateLimit-Policy": (
        "string",
        "every limit this route counts against: `<requests>;w=<window seconds>`, …",
    ),
}
# The 429 of every limited route in the OpenAPI document (a route's own 429 replaces it).
RATE_LIMITED_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {
        **response,
        "headers": {
            name: {"description": text, "schema": {"type": kind}}
            for name, (kind, text) in _HEADER_DOCS.items()
        },
    }
    for status, response in error_responses(
        429,
        _429="`RATE_LIMITED`: too many requests from this client (`API_RATE_LIMIT_*`); a route's own "
        "limits may answer 429 with their own codes",
    ).items()
}


def remember(scope: Scope, verdict: Verdict) -> None:
    scope[SCOPE_KEY] = verdict


class RateLimitHeadersMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_limits(message: Message) -> None:
            if message["type"] == "http.response.start":
                verdict: Verdict | None = scope.get(SCOPE_KEY)
                if verdict is not None:
                    message["headers"] = [*message.get("headers", ()), *verdict.headers()]
            await send(message)

        await self.app(scope, receive, send_with_limits)
