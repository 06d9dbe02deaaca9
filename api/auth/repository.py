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
