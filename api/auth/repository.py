"""All SQL touching users."""

from __future__ import annotations

from typing import Any

from storefleet.api.db.pool import Connection

# Serialises registrations so exactly one first user becomes admin, even under concurrency.
_FIRST_USER_LOCK_KEY = 0x5F0F1EE8

_USER_COLUMNS = "id, email, username, password_hash, role, is_active, token_version, created_at"


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
        f"SELECT {_USER_COLUMNS} FROM users WHERE lower(email) = lower(%s) OR lower(username) = lower(%s)"
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


async def set_active(conn: Connection, user_id: str, active: bool) -> None:
    await conn.execute(
        "UPDATE users SET is_active = %s, token_version = token_version + 1, updated_at = now()"
        " WHERE id = %s",
        (active, user_id),
    )
