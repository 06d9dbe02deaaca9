"""Pure-ASGI middleware counting and timing every HTTP request by its route template.

The `route` label is the template the router matched (`/api/v1/stores/{store_id}`), never the raw
path: raw paths carry ids, so each store would add series without bound. Paths no route matches
share one label. Raw ASGI (not BaseHTTPMiddleware) because it sits on every request's hot path.
"""

from __future__ import annotations

import time

from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from storefleet.api.metrics import registry as metrics

UNMATCHED_ROUTE = "<unmatched>"


class HttpMetricsMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # what the client gets if nothing below answers

        async def send_recording_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_recording_status)
        finally:
            method, route = scope["method"], route_template(scope)
            metrics.HTTP_REQUESTS.labels(method=method, route=route, status=str(status)).inc()
            metrics.HTTP_REQUEST_DURATION.labels(method=method, route=route).observe(
                time.perf_counter() - started
            )


def route_template(scope: Scope) -> str:
    """The matched route's template: the router leaves the route in the (shared) scope after
    routing; when it did not (a 404, or a middleware answered first), match the app's routes."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    if isinstance(path, str):
        return path
    partial = UNMATCHED_ROUTE  # the path matched but not the method (a 405): still a known route
    for candidate in getattr(scope.get("app"), "routes", ()):
        match, _ = candidate.matches(scope)
        if match is Match.FULL:
            return str(getattr(candidate, "path", UNMATCHED_ROUTE))
        if match is Match.PARTIAL and partial == UNMATCHED_ROUTE:
            partial = str(getattr(candidate, "path", UNMATCHED_ROUTE))
    return partial
