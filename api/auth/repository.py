"""All SQL of the auth slice: users, their sign-in lockout, and the rate-limit counters."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from storefleet.api.db.pool import Connection

# Serialises registrations so exactly one first user becomes admin, even under concurrency.
_FIRST_USER_LOCK_KEY = 0x5F0F1EE8

_USER_COLUMNS = "id, email, username, password_hash, role, is_active, token_version, created_at"
# Seconds left on a lock, by the database's clock: replicas' clocks may differ, the database's is one.
_LOCK_REMAINING = "greatest(0, ceil(extract(epoch FROM locked_until - now())))::int AS lock_remaining_s"
_NOT_LOCKED = "(locked_until IS NULL OR locked_until <= now())"


async def lock_registrations(conn: Connection) -> None:
    await conn.execute("SELECT pg_advisory_xact_lock(%s)", (_FIRST_USER_LOCK_KEY,))


async def any_user_exists(conn: Connection) -> bool:
    row = await (await conn.execute("SELECT EXISTS (SELECT 1 FROM users) AS present")).fetchone()
    return bool(row and row["present"])


async def find_conflicts(conn: Connection, email: str, username: str) -> dict[str, bool]:
    cur = await conn.execute(
        "SELECT bool_or(lower(email) = lower(%s)) AS email, bool_or(lower(username) = lower(%s)) AS username"
        " FROM users WHERE lower(email) = lower(%s) OR lower(username) = lower(%s)",
        (email, username, email, username),
    )
    row = await cur.fetchone()
    return {"email": bool(row and row["email"]), "username": bool(row and row["username"])}


async def insert_user(
    conn: Connection, *, user_id: str, email: str, username: str, password_hash: str, role: str
) -> dict[str, Any]:
    cur = await conn.execute(
        f"INSERT INTO users (id, email, username, password_hash, role) VALUES (%s, %s, %s, %s, %s)"
        f" RETURNING {_USER_COLUMNS}",
        (user_id, email, username, password_hash, role),
    )
    row = await cur.fetchone()
    assert row is not None
    return dict(row)


async def get_user(conn: Connection, user_id: str) -> dict[str, Any] | None:
    cur = await conn.execute(f"SELECT {_USER_COLUMNS} FROM users WHERE id = %s", (user_id,))
    row = await cur.fetchone()
    return dict(row) if row else None


async def find_user_for_login(conn: Connection, identifier: str) -> dict[str, Any] | None:
    cur = await conn.execute(
        f"SELECT {_USER_COLUMNS}, locked_until, {_LOCK_REMAINING}"
        " FROM users WHERE lower(email) = lower(%s) OR lower(username) = lower(%s)"
        " ORDER BY lower(email) = lower(%s) DESC LIMIT 1",
        (identifier, identifier, identifier),
    )
    row = await cur.fetchone()
    return dict(row) if row else None


async def set_password(conn: Connection, user_id: str, password_hash: str) -> dict[str, Any]:
    cur = await conn.execute(
        "UPDATE users SET password_hash = %s, token_version = token_version + 1, updated_at = now()"
        f" WHERE id = %s RETURNING {_USER_COLUMNS}",
        (password_hash, user_id),
    )
    row = await cur.fetchone()
    assert row is not None
    return dict(row)


async def update_account(
    conn: Connection, user_id: str, *, role: str | None, is_active: bool | None
) -> dict[str, Any] | None:
    """Change role and/or active flag. Deactivation bumps the token version, so its tokens die at once."""
    cur = await conn.execute(
        "UPDATE users SET role = coalesce(%(role)s, role), is_active = coalesce(%(active)s, is_active),"
        " token_version = token_version + CASE WHEN %(active)s IS false THEN 1 ELSE 0 END, updated_at = now()"
        f" WHERE id = %(id)s RETURNING {_USER_COLUMNS}",
        {"role": role, "active": is_active, "id": user_id},
    )
    row = await cur.fetchone()
    return dict(row) if row else None


async def count_active_admins(conn: Connection) -> int:
    row = await (
        await conn.execute("SELECT count(*) AS n FROM users WHERE role = 'admin' AND is_active")
    ).fetchone()
    return int(row["n"]) if row else 0


async def list_users(
    conn: Connection, *, role: str | None, is_active: bool | None, limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    where = (
        " WHERE (%(role)s::text IS NULL OR role = %(role)s)"
        " AND (%(active)s::bool IS NULL OR is_active = %(active)s)"
    )
    params: dict[str, Any] = {"role": role, "active": is_active, "limit": limit, "offset": offset}
    page = (
        f"SELECT {_USER_COLUMNS} FROM users{where} ORDER BY created_at, id LIMIT %(limit)s OFFSET %(offset)s"
    )
    rows = await (await conn.execute(page, params)).fetchall()
    total = await (await conn.execute(f"SELECT count(*) AS n FROM users{where}", params)).fetchone()
    return [dict(row) for row in rows], int(total["n"]) if total else 0


async def count_failed_login(
    conn: Connection, user_id: str | None, *, threshold: int, lockout: timedelta
) -> dict[str, Any] | None:
    """One more consecutive failure; the `threshold`-th locks the account for `lockout` and starts the
    count again. One UPDATE, so two replicas counting at once cannot lose a failure. An already locked
    account is left alone (None: the caller reads the lock). `user_id` None (an unknown account) runs the
    same statement and matches nothing, so both paths take the same time."""
    cur = await conn.execute(
        "UPDATE users SET"
        " locked_until = CASE WHEN failed_logins + 1 >= %(threshold)s THEN now() + %(lockout)s"
        "  ELSE locked_until END,"
        " failed_logins = CASE WHEN failed_logins + 1 >= %(threshold)s THEN 0 ELSE failed_logins + 1 END"
        f" WHERE id = %(id)s AND {_NOT_LOCKED}"
        f" RETURNING coalesce(locked_until > now(), false) AS just_locked, locked_until, {_LOCK_REMAINING}",
        {"threshold": threshold, "lockout": lockout, "id": user_id},
    )
    row = await cur.fetchone()
    return dict(row) if row else None


async def clear_failed_logins(conn: Connection, user_id: str) -> bool:
    """A successful sign-in resets the count; False when the account is locked (perhaps by another
    replica since it was read), and the sign-in must be refused."""
    cur = await conn.execute(
        "UPDATE users SET failed_logins = 0, locked_until = NULL"
        f" WHERE id = %s AND {_NOT_LOCKED} RETURNING id",
        (user_id,),
    )
    return await cur.fetchone() is not None


async def read_lock(conn: Connection, user_id: str) -> dict[str, Any] | None:
    cur = await conn.execute(f"SELECT locked_until, {_LOCK_REMAINING} FROM users WHERE id = %s", (user_id,))
    row = await cur.fetchone()
    return dict(row) if row else None


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


async def count_attempt(conn: Connection, key: str, window: timedelta) -> tuple[int, int]:
    """Count one attempt under `key`: (attempts in the current window, seconds until it ends)."""
    row = await (await conn.execute(_COUNT_ATTEMPT, {"key": key, "window": window})).fetchone()
    assert row is not None
    return int(row["hits"]), int(row["retry_after_s"])


async def delete_expired_counters(conn: Connection, batch: int = 500) -> None:
    """Drop a bounded batch of finished windows; SKIP LOCKED so it never waits on a live counter."""
    await conn.execute(
        "DELETE FROM rate_limit_counters WHERE key IN (SELECT key FROM rate_limit_counters"
        " WHERE expires_at <= now() LIMIT %s FOR UPDATE SKIP LOCKED)",
        (batch,),
    )
