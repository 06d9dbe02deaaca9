"""Registration, sign-in, password change and token checks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NoReturn

from psycopg import errors as pg_errors

from storefleet.api.auth import guardrails, repository
from storefleet.api.auth.credentials import InvalidToken, Passwords, Tokens
from storefleet.api.auth.guardrails import AuthLimits
from storefleet.api.auth.repository import Conflicts, UserRow
from storefleet.api.auth.schemas import (
    LoginRequest,
    PasswordChangeRequest,
    RegisterRequest,
    Role,
    UserUpdateRequest,
)
from storefleet.api.core.actor import ANONYMOUS, Actor
from storefleet.api.core.errors import AppError, Conflict, InvalidCredentials, NotFound, Unauthorized
from storefleet.api.core.ids import new_id
from storefleet.api.db.pool import Connection
from storefleet.api.domain import audit


class EmailTaken(Conflict):
    code = "EMAIL_TAKEN"


class UsernameTaken(Conflict):
    code = "USERNAME_TAKEN"


class InvalidAccessToken(Unauthorized):
    code = "INVALID_TOKEN"


class UserNotFound(NotFound):
    code = "USER_NOT_FOUND"


class WrongCurrentPassword(AppError):
    status_code = 400
    code = "INVALID_CURRENT_PASSWORD"


@dataclass(frozen=True)
class Session:
    user: UserRow
    token: str
    expires_at: datetime


def actor_of(user: UserRow) -> Actor:
    return Actor(id=user.id, name=user.username, role=user.role)


def _raise_conflict(conflicts: Conflicts) -> None:
    if conflicts.email:
        raise EmailTaken("An account with this email address already exists.")
    if conflicts.username:
        raise UsernameTaken("This username is taken; choose another.")


async def register(
    conn: Connection, passwords: Passwords, tokens: Tokens, limits: AuthLimits, req: RegisterRequest
) -> Session:
    await guardrails.enforce_registration_rate(conn, limits)  # before the hash: refusing must be cheap
    password_hash = await passwords.hash(req.password)
    email, username = str(req.email).strip(), req.username.strip()
    try:
        async with conn.transaction():
            await repository.lock_registrations(conn)
            _raise_conflict(await repository.find_conflicts(conn, email, username))
            role = Role.TENANT if await repository.any_user_exists(conn) else Role.ADMIN
            user = await repository.insert_user(
                conn,
                user_id=new_id("u"),
                email=email,
                username=username,
                password_hash=password_hash,
                role=role,
            )
            await audit.record(conn, "auth.registered", actor_of(user), detail={"role": role.value})
    except pg_errors.UniqueViolation as exc:  # a concurrent registration won the race
        _raise_conflict(await repository.find_conflicts(conn, email, username))
        raise EmailTaken("An account with this email address or username already exists.") from exc
    token, expires = tokens.issue(user.id, user.token_version)
    return Session(user=user, token=token, expires_at=expires)


async def login(
    conn: Connection, passwords: Passwords, tokens: Tokens, limits: AuthLimits, req: LoginRequest
) -> Session:
    identifier = req.identifier
    # Before the hash, so a flood of guesses costs us one upsert each, not an argon2 run.
    await guardrails.enforce_login_rate(conn, limits, identifier)
    user = await repository.find_user_for_login(conn, identifier)
    if user is not None and limits.lockout_threshold and (locked := guardrails.lock_of(user.lock)):
        # A locked account refuses even the right password, so guessing on during the lock is useless.
        await _refuse_locked(conn, user, identifier, locked)
    valid = await passwords.verify(user.password_hash if user else None, req.password)
    if not valid or user is None or not user.is_active:
        await _refuse_login(conn, limits, user, identifier, "inactive" if valid else "bad_credentials")
    async with conn.transaction():
        unlocked = not limits.lockout_threshold or await repository.clear_failed_logins(conn, user.id)
        if unlocked:
            await audit.record(conn, "auth.login_succeeded", actor_of(user))
    if not unlocked:  # locked by a concurrent failed sign-in since it was read
        await _refuse_locked(conn, user, identifier, await guardrails.current_lock(conn, user.id))
    token, expires = tokens.issue(user.id, user.token_version)
    return Session(user=user, token=token, expires_at=expires)


async def _audit_failed_login(conn: Connection, user: UserRow | None, identifier: str, reason: str) -> None:
    actor = actor_of(user) if user else ANONYMOUS
    await audit.record(
        conn, "auth.login_failed", actor, detail={"identifier": identifier[:254], "reason": reason}
    )


async def _refuse_locked(
    conn: Connection, user: UserRow, identifier: str, locked: guardrails.AccountLocked
) -> NoReturn:
    await _audit_failed_login(conn, user, identifier, "locked")
    raise locked


async def _refuse_login(
    conn: Connection, limits: AuthLimits, user: UserRow | None, identifier: str, reason: str
) -> NoReturn:
    locked = None
    async with conn.transaction():
        if reason == "bad_credentials":
            # Unknown accounts run the same UPDATE (matching nothing), so both cost the same.
            locked = await guardrails.count_failure(conn, limits, user, actor_of(user) if user else ANONYMOUS)
        await _audit_failed_login(conn, user, identifier, reason)
    if locked is not None:
        raise locked
    # One message for unknown account and wrong password, so sign-in does not reveal who exists.
    raise InvalidCredentials("The email/username or password is wrong.")


async def change_password(
    conn: Connection, passwords: Passwords, tokens: Tokens, user: UserRow, req: PasswordChangeRequest
) -> Session:
    if not await passwords.verify(user.password_hash, req.current_password):
        raise WrongCurrentPassword("The current password is wrong.")
    new_hash = await passwords.hash(req.new_password)
    async with conn.transaction():
        # Bumps the token version: every token issued before this change stops working.
        updated = await repository.set_password(conn, user.id, new_hash)
        await audit.record(conn, "auth.password_changed", actor_of(updated))
    token, expires = tokens.issue(updated.id, updated.token_version)
    return Session(user=updated, token=token, expires_at=expires)


async def authenticate(conn: Connection, tokens: Tokens, raw_token: str) -> UserRow:
    try:
        claims = tokens.read(raw_token)
    except InvalidToken as exc:
        raise InvalidAccessToken(str(exc).capitalize() + ".") from exc
    user = await repository.get_user(conn, claims.user_id)
    if user is None or not user.is_active or user.token_version != claims.token_version:
        raise InvalidAccessToken("The token is no longer valid; sign in again.")
    return user


class AdminLockout(Conflict):
    code = "LAST_ADMIN"


async def update_account(conn: Connection, admin: Actor, user_id: str, req: UserUpdateRequest) -> UserRow:
    """An admin changes another account's role or active flag; the platform always keeps an active admin."""
    async with conn.transaction():
        await repository.lock_registrations(conn)  # serialises with registrations and other role changes
        user = await repository.get_user(conn, user_id)
        if user is None:
            raise UserNotFound(f"No user '{user_id[:64]}'.")
        updated = await repository.update_account(
            conn, user_id, role=req.role.value if req.role else None, is_active=req.is_active
        )
        assert updated is not None
        if await repository.count_active_admins(conn) == 0:
            raise AdminLockout("This change would leave the platform without an active admin.")
        before = {"role": user.role, "is_active": user.is_active}
        after = {"role": updated.role, "is_active": updated.is_active}
        if before != after:
            await audit.record(
                conn,
                "auth.account_changed",
                admin,
                before=before,
                after=after,
                detail={"user_id": user_id, "username": user.username},
            )
    return updated


async def list_accounts(
    conn: Connection, *, role: Role | None, is_active: bool | None, limit: int, offset: int
) -> tuple[list[UserRow], int]:
    return await repository.list_users(
        conn, role=role.value if role else None, is_active=is_active, limit=limit, offset=offset
    )


async def get_account(conn: Connection, user_id: str) -> UserRow:
    user = await repository.get_user(conn, user_id)
    if user is None:
        raise UserNotFound(f"No user '{user_id[:64]}'.")
    return user
