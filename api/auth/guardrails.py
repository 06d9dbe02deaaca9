"""Sign-in and registration guardrails: rate limits per client IP (and account), and account lockout.

Counted in PostgreSQL (`rate_limit_counters`, `users.failed_logins` / `locked_until`), so the limits
hold however many API replicas run. A limit of 0 disables it. The client IP is the one the request
context resolved (`core/client_ip.py`: `X-Forwarded-For` only from TRUSTED_PROXIES).

A tripped rate limit is audited once per window (when the first attempt is refused), not on every
refused attempt: a flood of refused requests must not become a flood of audit rows.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, ClassVar

from storefleet.api.auth import repository
from storefleet.api.auth.repository import AccountLock, UserRow
from storefleet.api.core import request_context
from storefleet.api.core.actor import ANONYMOUS, Actor
from storefleet.api.core.errors import AppError
from storefleet.api.db.pool import Connection
from storefleet.api.domain import audit
from storefleet.api.settings import Settings

LOGIN_WINDOW = timedelta(minutes=15)
REGISTRATION_WINDOW = timedelta(hours=1)


class RateLimited(AppError):
    status_code: ClassVar[int] = 429
    code: ClassVar[str] = "RATE_LIMITED"


class AccountLocked(AppError):
    status_code: ClassVar[int] = 423
    code: ClassVar[str] = "ACCOUNT_LOCKED"


@dataclass(frozen=True)
class AuthLimits:
    login_attempts: int = 0  # per client IP + account per LOGIN_WINDOW
    lockout_threshold: int = 0  # consecutive failures that lock an account
    lockout: timedelta = timedelta(minutes=15)
    registrations: int = 0  # per client IP per REGISTRATION_WINDOW

    @classmethod
    def from_settings(cls, settings: Settings) -> AuthLimits:
        return cls(
            login_attempts=settings.login_rate_limit,
            lockout_threshold=settings.login_lockout_threshold,
            lockout=timedelta(seconds=settings.login_lockout_s),
            registrations=settings.registration_rate_limit,
        )


def _counter_key(scope: str, *parts: str) -> str:
    # Hashed: fixed-length keys, and the counters table holds no e-mail addresses.
    digest = hashlib.sha256("\0".join(parts).encode()).hexdigest()
    return f"{scope}:{digest}"


def _client_ip() -> str:
    return request_context.current_client_ip() or "unknown"


async def enforce_login_rate(conn: Connection, limits: AuthLimits, identifier: str) -> None:
    """Count this sign-in attempt for (client IP, account); refuse it past the limit."""
    if limits.login_attempts:
        normalised = identifier.strip().lower()
        key = _counter_key("login", _client_ip(), normalised)
        detail = {"identifier": normalised[:254]}
        await _enforce(conn, "login", key, limits.login_attempts, LOGIN_WINDOW, detail)


async def enforce_password_change_rate(conn: Connection, limits: AuthLimits, user_id: str) -> None:
    """Count this password change for the account, wherever it comes from: with a stolen token, the
    current password is all that stands between an attacker and the account, so guessing it is
    limited like signing in (LOGIN_RATE_LIMIT attempts per window)."""
    if limits.login_attempts:
        key = _counter_key("password", user_id)
        await _enforce(conn, "password", key, limits.login_attempts, LOGIN_WINDOW, {"user_id": user_id})


async def enforce_registration_rate(conn: Connection, limits: AuthLimits) -> None:
    """Count this registration attempt for the client IP; refuse it past the limit."""
    if limits.registrations:
        key = _counter_key("register", _client_ip())
        await _enforce(conn, "registration", key, limits.registrations, REGISTRATION_WINDOW, {})


async def _enforce(
    conn: Connection, scope: str, key: str, limit: int, window: timedelta, detail: dict[str, Any]
) -> None:
    attempt = await repository.count_attempt(conn, key, window)
    if attempt.hits == 1:
        # A new window opened: a cheap moment to drop counters whose windows have ended.
        await repository.delete_expired_counters(conn)
    if attempt.hits <= limit:
        return
    if attempt.hits == limit + 1:
        await audit.record(
            conn,
            "auth.rate_limited",
            ANONYMOUS,
            detail={"scope": scope, "limit": limit, "window_s": int(window.total_seconds()), **detail},
        )
    noun = {"login": "sign-in", "password": "password change"}.get(scope, scope)
    raise RateLimited(
        f"Too many {noun} attempts; try again in {attempt.retry_after_s} seconds.",
        details={"retry_after_s": attempt.retry_after_s},
        headers={"Retry-After": str(attempt.retry_after_s)},
    )


def account_locked(lock: AccountLock) -> AccountLocked:
    remaining_s = max(1, lock.lock_remaining_s)
    details: dict[str, Any] = {"retry_after_s": remaining_s}
    if lock.locked_until is not None:
        details["locked_until"] = lock.locked_until.isoformat()
    return AccountLocked(
        f"This account is locked after too many failed sign-ins; try again in {remaining_s} seconds.",
        details=details,
        headers={"Retry-After": str(remaining_s)},
    )


def lock_of(lock: AccountLock) -> AccountLocked | None:
    """The error to answer with when the account (as read for sign-in) is locked now."""
    return account_locked(lock) if lock.lock_remaining_s > 0 else None


async def current_lock(conn: Connection, user_id: str) -> AccountLocked:
    """The lock error for an account found locked by a conditional update (read again for its end)."""
    lock = await repository.read_lock(conn, user_id) or AccountLock(locked_until=None, lock_remaining_s=1)
    return account_locked(lock)


async def count_failure(
    conn: Connection, limits: AuthLimits, user: UserRow | None, actor: Actor
) -> AccountLocked | None:
    """Count a wrong password (inside the caller's transaction). Returns the lock error when the account
    is locked now: by this failure (audited as `auth.account_locked`) or by a concurrent one."""
    if not limits.lockout_threshold:
        return None
    user_id = user.id if user else None
    counted = await repository.count_failed_login(
        conn, user_id, threshold=limits.lockout_threshold, lockout=limits.lockout
    )
    if user_id is None:
        return None
    if counted is None:  # another request locked it since it was read
        return await current_lock(conn, user_id)
    if not counted.just_locked or counted.locked_until is None:  # a just locked account has an end
        return None
    await audit.record(
        conn,
        "auth.account_locked",
        actor,
        detail={
            "failed_logins": limits.lockout_threshold,
            "lockout_s": int(limits.lockout.total_seconds()),
            "locked_until": counted.locked_until.isoformat(),
        },
    )
    return account_locked(counted)
