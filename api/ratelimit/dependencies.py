"""The dependency that counts a request against the API limits, on the request's own connection.

Added to every limited router by the composition root (`app._include_routers`), so it runs before
the route's other dependencies: a refused request costs one statement and no sign-in lookup. Whom it
counts for: the user a valid bearer token names (signature and expiry checked here, without a query;
a revoked token still counts for its user), else the client address (`core/client_ip.py`).
"""

from __future__ import annotations

from fastapi import Request

from storefleet.api.auth.credentials import InvalidToken, Tokens
from storefleet.api.core import request_context
from storefleet.api.core.services import services
from storefleet.api.db.dependencies import DbConnection
from storefleet.api.ratelimit.headers import remember
from storefleet.api.ratelimit.limiter import ApiLimiter
from storefleet.api.ratelimit.policy import client_key


async def enforce_api_limits(request: Request, conn: DbConnection) -> None:
    app_services = services(request)
    limiter: ApiLimiter | None = app_services.api_limiter
    if limiter is None:
        return
    route_path = getattr(request.scope.get("route"), "path", request.url.path)
    applying = limiter.limits.applying(request.method, route_path)
    if not applying:
        return
    client = client_key(_signed_in_user(request, app_services.tokens), request_context.current_client_ip())
    verdict = await limiter.count(conn, applying, client)
    remember(request.scope, verdict)
    refusal = limiter.refusal(verdict, client)
    if refusal is not None:
        raise refusal


def _signed_in_user(request: Request, tokens: Tokens) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    try:
        return tokens.read(token.strip()).user_id
    except InvalidToken:
        return None
