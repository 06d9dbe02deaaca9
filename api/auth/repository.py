"""All SQL of the auth slice: users, their sign-in lockout, and the rate-limit counters."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import Any, TypeVar

from psycopg.abc import Params
from psycopg.rows import BaseRowFactory, class_row, kwargs_row

from storefleet.api.db.pool import Connection

# Serialises registrations so exactly one first user becomes admin, even under concurrency.
_FIRST_USER_LOCK_KEY = 0x5F0F1EE8


@dataclass(frozen=True, slots=True)
class UserRow:
    """An account as the other layers read it (its sign-in lockout counters stay here)."""

    id: str
    email: str
    username: str
    password_hash: str
    role: str
    is_active: bool
    token_version: int
    created_at: datetime


@dataclass(frozen=True, slots=True)
class AccountLock:
    """An account's sign-in lock; `lock_remaining_s` is 0 when it is not locked."""

    locked_until: datetime | None
    lock_remaining_s: int


@dataclass(frozen=True, slots=True)
class LoginCandidate(UserRow):
    """An account as read for sign-in: the account, and its lock as it stood then."""

    locked_until: datetime | None
    lock_remaining_s: int

    @property
    def lock(self) -> AccountLock:
        return AccountLock(locked_until=self.locked_until, lock_remaining_s=self.lock_remaining_s)


@dataclass(frozen=True, slots=True)
class FailedLogin(AccountLock):
    """A counted failure; `just_locked` when this one reached the threshold and locked the account."""

    just_locked: bool


@dataclass(frozen=True, slots=True)
class Conflicts:
    """Which of a new account's identifiers an existing account already uses."""

    email: bool
    username: bool

    @classmethod
    def of_columns(cls, *, email: bool | None, username: bool | None) -> Conflicts:
        # bool_or over no rows is NULL: nothing conflicts.
        return cls(email=bool(email), username=bool(username))


@dataclass(frozen=True, slots=True)
class AttemptCount:
    """Attempts counted under one rate-limit key in its current window, and the seconds until it ends."""

    hits: int
    retry_after_s: int


_USER_COLUMNS = ", ".join(column.name for column in fields(UserRow))
# Seconds left on a lock, by the database's clock: replicas' clocks may differ, the database's is one.
_LOCK_REMAINING = "greatest(0, ceil(extract(epoch FROM locked_until - now())))::int AS lock_remaining_s"
_NOT_LOCKED = "(locked_until IS NULL OR locked_until <= now())"

_Row = TypeVar("_Row")


async def _fetch_one(
    conn: Connection, row_factory: BaseRowFactory[_Row], query: str, params: Params
) -> _Row | None:
    """One statement, one round trip, its row built by `row_factory` (None: no row)."""
    cur = await conn.cursor(row_factory=row_factory).execute(query, params)
    return await cur.fetchone()


async def lock_registrations(conn: Connection) -> None:
    await conn.execute("SELECT pg_advisory_xact_lock(%s)", (_FIRST_USER_LOCK_KEY,))


async def any_user_exists(conn: Connection) -> bool:
    row = await (await conn.execute("SELECT EXISTS (SELECT 1 FROM users) AS present")).fetchone()
    return bool(row and row["present"])


async def find_conflicts(conn: Connection, email: str, username: str) -> Conflicts:
    row = await _fetch_one(
        conn,
        kwargs_row(Conflicts.of_columns),
        "SELECT bool_or(lower(email) = lower(%s)) AS email, bool_or(lower(username) = lower(%s)) AS username"
        " FROM users WHERE lower(email) = lower(%s) OR lower(username) = lower(%s)",
        (email, username, email, username),
    )
    return row or Conflicts(email=False, username=False)


async def insert_user(
    conn: Connection, *, user_id: str, email: str, username: str, password_hash: str, role: str
) -> UserRow:
    row = await _fetch_one(
        conn,
        class_row(UserRow),
        f"INSERT INTO users (id, email, username, password_hash, role) VALUES (%s, %s, %s, %s, %s)"
        f" RETURNING {_USER_COLUMNS}",
        (user_id, email, username, password_hash, role),
    )
    assert row is not None
    return row


async def get_user(conn: Connection, user_id: str) -> UserRow | None:
    return await _fetch_one(
        conn, class_row(UserRow), f"SELECT {_USER_COLUMNS} FROM users WHERE id = %s", (user_id,)
    )


async def find_user_for_login(conn: Connection, identifier: str) -> LoginCandidate | None:
    return await _fetch_one(
        conn,
        class_row(LoginCandidate),
        f"SELECT {_USER_COLUMNS}, locked_until, {_LOCK_REMAINING}"
        " FROM users WHERE lower(email) = lower(%s) OR lower(username) = lower(%s)"
        " ORDER BY lower(email) = lower(%s) DESC LIMIT 1",
        (identifier, identifier, identifier),
    )


async def set_password(conn: Connection, user_id: str, password_hash: str) -> UserRow:
    row = await _fetch_one(
        conn,
        class_row(UserRow),
        "UPDATE users SET password_hash = %s, token_version = token_version + 1, updated_at = now()"
        f" WHERE id = %s RETURNING {_USER_COLUMNS}",
        (password_hash, user_id),
    )
    assert row is not None
    return row


async def update_account(
    conn: Connection, user_id: str, *, role: str | None, is_active: bool | None
) -> UserRow | None:
    """Change role and/or active flag. Deactivation bumps the token version, so its tokens die at once."""
    return await _fetch_one(
        conn,
        class_row(UserRow),
        "UPDATE users SET role = coalesce(%(role)s, role), is_active = coalesce(%(active)s, is_active),"
        " token_version = token_version + CASE WHEN %(active)s IS false THEN 1 ELSE 0 END, updated_at = now()"
        f" WHERE id = %(id)s RETURNING {_USER_COLUMNS}",
        {"role": role, "active": is_active, "id": user_id},
    )


async def count_active_admins(conn: Connection) -> int:
    row = await (
        await conn.execute("SELECT count(*) AS n FROM users WHERE role = 'admin' AND is_active")
    ).fetchone()
    return int(row["n"]) if row else 0


async def list_users(
    conn: Connection, *, role: str | None, is_active: bool | None, limit: int, offset: int
) -> tuple[list[UserRow], int]:
    where = (
        " WHERE (%(role)s::text IS NULL OR role = %(role)s)"
        " AND (%(active)s::bool IS NULL OR is_active = %(active)s)"
    )
    params: dict[str, Any] = {"role": role, "active": is_active, "limit": limit, "offset": offset}
    page = (
        f"SELECT {_USER_COLUMNS} FROM users{where} ORDER BY created_at, id LIMIT %(limit)s OFFSET %(offset)s"
    )
    rows = await (await conn.cursor(row_factory=class_row(UserRow)).execute(page, params)).fetchall()
    total = await (await conn.execute(f"SELECT count(*) AS n FROM users{where}", params)).fetchone()
    return rows, int(total["n"]) if total else 0


async def count_failed_login(
    conn: Connection, user_id: str | None, *, threshold: int, lockout: timedelta
) -> FailedLogin | None:
    """One more consecutive failure; the `threshold`-th locks the account for `lockout` and starts the
    count again. One UPDATE, so two replicas counting at once cannot lose a failure. An already locked
    account is left alone (None: the caller reads the lock). `user_id` None (an unknown account) runs the
    same statement and matches nothing, so both paths take the same time."""
    return await _fetch_one(
        conn,
        class_row(FailedLogin),
        "UPDATE users SET"
        " locked_until = CASE WHEN failed_logins + 1 >= %(threshold)s THEN now() + %(lockout)s"
        "  ELSE locked_until END,"
        " failed_logins = CASE WHEN failed_logins + 1 >= %(threshold)s THEN 0 ELSE failed_logins + 1 END"
        f" WHERE id = %(id)s AND {_NOT_LOCKED}"
        f" RETURNING coalesce(locked_until > now(), false) AS just_locked, locked_until, {_LOCK_REMAINING}",
        {"threshold": threshold, "lockout": lockout, "id": user_id},
    )


async def clear_failed_logins(conn: Connection, user_id: str) -> bool:
    """A successful sign-in resets the count; False when the account is locked (perhaps by another
    replica since it was read), and the sign-in must be refused."""
    cur = await conn.execute(
        "UPDATE users SET failed_logins = 0, locked_until = NULL"
        f" WHERE id = %s AND {_NOT_LOCKED} RETURNING id",
        (user_id,),
    )
    return await cur.fetchone() is not None


async def read_lock(conn: Connection, user_id: str) -> AccountLock | None:
    return await _fetch_one(
        conn,
        class_row(AccountLock),
        f"SELECT locked_until, {_LOCK_REMAINING} FROM users WHERE id = %s",
        (user_id,),
    )


# A fixed-window counter in SQL rather than a rate-limiting library: the limits must hold across API
# replicas, and the usual Python limiters keep their state in process memory or need Redis, which this
# platform does not run. One upsert counts the attempt atomically (the row lock serialises replicas) and
# returns the new count, so a check costs one round trip; the window starts at a key's first attempt.
_COUNT_ATTEMPT = (
    "INSERT INTO rate_limit_counters AS c (key, hits, expires_at) VALUES (%(key)s, 1, now() + %(window)s)"
    " ON CONFLICT (key) DO UPDATE SET"
    " hits = CASE WHEN c.expires_at <= now() THEN 1 ELSE c.hits + 1 END,"
    " expires_at = CASE WHEN c.expires_at <= now() THEN now() + %(window)s ELSE c.expires_at END"
    " RETURNING hits, greatest(1, ceil(extract(epoch FROM expires_at - now())))::int AS retry_after_s"
)


async def count_attempt(conn: Connection, key: str, window: timedelta) -> AttemptCount:
    """Count one attempt under `key`."""
    row = await _fetch_one(conn, class_row(AttemptCount), _COUNT_ATTEMPT, {"key": key, "window": window})
    assert row is not None
    return row


async def delete_expired_counters(conn: Connection, batch: int = 500) -> None:
    """Drop a bounded batch of finished windows; SKIP LOCKED so it never waits on a live counter."""
    await conn.execute(
        "DELETE FROM rate_limit_counters WHERE key IN (SELECT key FROM rate_limit_counters"
        " WHERE expires_at <= now() LIMIT %s FOR UPDATE SKIP LOCKED)",
        (batch,),
    )
