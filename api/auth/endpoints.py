from __future__ import annotations

from typing import Any

from fastapi import APIRouter, status

from storefleet.api.auth import service
from storefleet.api.auth.dependencies import CurrentUser, PasswordsDep, TokensDep
from storefleet.api.auth.schemas import (
    AuthResponse,
    LoginRequest,
    PasswordChangeRequest,
    RegisterRequest,
    UserOut,
)
from storefleet.api.db.pool import DbConnection

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


def _user_out(user: dict[str, Any]) -> UserOut:
    return UserOut.model_validate(user)


def _response(session: service.Session) -> AuthResponse:
    return AuthResponse(token=session.token, expires_at=session.expires_at, user=_user_out(session.user))


@router.post("/register", status_code=status.HTTP_201_CREATED, operation_id="register")
async def register(
    body: RegisterRequest, conn: DbConnection, passwords: PasswordsDep, tokens: TokensDep
) -> AuthResponse:
    """Create an account. The very first account of a platform becomes its admin."""
    return _response(await service.register(conn, passwords, tokens, body))


@router.post("/login", operation_id="login")
async def login(
    body: LoginRequest, conn: DbConnection, passwords: PasswordsDep, tokens: TokensDep
) -> AuthResponse:
    return _response(await service.login(conn, passwords, tokens, body))


@router.get("/me", operation_id="getCurrentUser")
async def me(user: CurrentUser) -> UserOut:
    return _user_out(user)


@router.patch("/password", operation_id="changePassword")
async def change_password(
    body: PasswordChangeRequest,
    user: CurrentUser,
    conn: DbConnection,
    passwords: PasswordsDep,
    tokens: TokensDep,
) -> AuthResponse:
    """Change the password; tokens issued before the change stop working, a new one is returned."""
    return _response(await service.change_password(conn, passwords, tokens, user, body))
