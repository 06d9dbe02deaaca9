"""FastAPI dependencies: the signed-in user, and the admin-only guard.

All `async def`: FastAPI runs a plain `def` dependency in a worker thread, a thread hop per request.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from storefleet.api.auth import service
from storefleet.api.auth.credentials import Passwords, Tokens
from storefleet.api.auth.guardrails import AuthLimits
from storefleet.api.auth.repository import UserRow
from storefleet.api.core.actor import Actor
from storefleet.api.core.errors import Forbidden, Unauthorized
from storefleet.api.core.services import services
from storefleet.api.db.dependencies import DbConnection

_bearer = HTTPBearer(auto_error=False, description="JWT from /api/v1/auth/login or /register")


async def get_tokens(request: Request) -> Tokens:
    return services(request).tokens


async def get_passwords(request: Request) -> Passwords:
    return services(request).passwords


async def get_auth_limits(request: Request) -> AuthLimits:
    return services(request).auth_limits


async def current_user(
    conn: DbConnection,
    tokens: Annotated[Tokens, Depends(get_tokens)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> UserRow:
    if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
        raise Unauthorized(
            "Sign in first: send 'Authorization: Bearer <token>'.", headers={"WWW-Authenticate": "Bearer"}
        )
    return await service.authenticate(conn, tokens, credentials.credentials)


CurrentUser = Annotated[UserRow, Depends(current_user)]


async def current_actor(user: CurrentUser) -> Actor:
    return service.actor_of(user)


CurrentActor = Annotated[Actor, Depends(current_actor)]


async def admin_actor(actor: CurrentActor) -> Actor:
    if not actor.is_admin:
        raise Forbidden("This needs an admin account.")
    return actor


AdminActor = Annotated[Actor, Depends(admin_actor)]
TokensDep = Annotated[Tokens, Depends(get_tokens)]
PasswordsDep = Annotated[Passwords, Depends(get_passwords)]
AuthLimitsDep = Annotated[AuthLimits, Depends(get_auth_limits)]
