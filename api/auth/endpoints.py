from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, status

from storefleet.api.auth import guardrails, service
from storefleet.api.auth.dependencies import AdminActor, AuthLimitsDep, CurrentUser, PasswordsDep, TokensDep
from storefleet.api.auth.repository import UserRow
from storefleet.api.auth.schemas import (
    AuthResponse,
    LoginRequest,
    PasswordChangeRequest,
    RegisterRequest,
    Role,
    UserList,
    UserOut,
    UserUpdateRequest,
)
from storefleet.api.core.openapi import error_responses
from storefleet.api.db.dependencies import DbConnection

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


def _user_out(user: UserRow) -> UserOut:
    return UserOut.model_validate(user)


def _response(session: service.Session) -> AuthResponse:
    return AuthResponse(token=session.token, expires_at=session.expires_at, user=_user_out(session.user))


@router.post(
    "/register",
    status_code=status.HTTP_201_CREATED,
    operation_id="register",
    responses=error_responses(409, 422, 429, _409="`EMAIL_TAKEN` or `USERNAME_TAKEN`"),
)
async def register(
    body: RegisterRequest,
    conn: DbConnection,
    passwords: PasswordsDep,
    tokens: TokensDep,
    limits: AuthLimitsDep,
) -> AuthResponse:
    """Create an account. The very first account of a platform becomes its admin. Limited per client IP
    (REGISTRATION_RATE_LIMIT an hour): past it, `429 RATE_LIMITED` with `Retry-After`."""
    return _response(await service.register(conn, passwords, tokens, limits, body))


@router.post(
    "/login",
    operation_id="login",
    responses=error_responses(
        401, 422, 423, 429, _401="`INVALID_CREDENTIALS` (an unknown or inactive account too)"
    ),
)
async def login(
    body: LoginRequest, conn: DbConnection, passwords: PasswordsDep, tokens: TokensDep, limits: AuthLimitsDep
) -> AuthResponse:
    """Sign in. Past LOGIN_RATE_LIMIT attempts per client IP and account in 15 minutes: `429 RATE_LIMITED`;
    an account locked after LOGIN_LOCKOUT_THRESHOLD consecutive failures: `423 ACCOUNT_LOCKED` (both with
    `Retry-After`), even for the right password."""
    return _response(await service.login(conn, passwords, tokens, limits, body))


@router.get("/me", operation_id="getCurrentUser", responses=error_responses(401))
async def me(user: CurrentUser) -> UserOut:
    return _user_out(user)


@router.patch(
    "/password",
    operation_id="changePassword",
    responses=error_responses(
        400, 401, 422, 429, _400="`INVALID_CURRENT_PASSWORD`", _429="`RATE_LIMITED` (with `Retry-After`)"
    ),
)
async def change_password(
    body: PasswordChangeRequest,
    user: CurrentUser,
    conn: DbConnection,
    passwords: PasswordsDep,
    tokens: TokensDep,
    limits: AuthLimitsDep,
) -> AuthResponse:
    """Change the password; tokens issued before the change stop working, a new one is returned.
    Attempts per account are limited like sign-ins (`LOGIN_RATE_LIMIT` per 15 minutes)."""
    await guardrails.enforce_password_change_rate(conn, limits, user.id)
    return _response(await service.change_password(conn, passwords, tokens, user, body))


users_router = APIRouter(prefix="/api/v1/users", tags=["users"], responses=error_responses(401, 403, 422))
UserId = Annotated[str, Path(max_length=64, pattern=r"^[a-z0-9-]+$")]


@users_router.get("", operation_id="listUsers")
async def list_users(
    conn: DbConnection,
    _: AdminActor,
    role: Role | None = None,
    is_active: bool | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> UserList:
    """Every account, oldest first (admins only)."""
    users, total = await service.list_accounts(
        conn, role=role, is_active=is_active, limit=limit, offset=offset
    )
    return UserList(users=[_user_out(u) for u in users], total=total, limit=limit, offset=offset)


@users_router.get(
    "/{user_id}", operation_id="getUser", responses=error_responses(404, _404="`USER_NOT_FOUND`")
)
async def get_user(user_id: UserId, conn: DbConnection, _: AdminActor) -> UserOut:
    return _user_out(await service.get_account(conn, user_id))


@users_router.patch(
    "/{user_id}",
    operation_id="updateUser",
    responses=error_responses(
        404, 409, _404="`USER_NOT_FOUND`", _409="`LAST_ADMIN`: the last active admin would be lost"
    ),
)
async def update_user(
    user_id: UserId, body: UserUpdateRequest, conn: DbConnection, admin: AdminActor
) -> UserOut:
    """Change an account's role or deactivate it (its tokens stop working at once). The platform always
    keeps at least one active admin."""
    return _user_out(await service.update_account(conn, admin, user_id, body))
