"""All SQL of the fleet writer and the git-side sync besides the store tables: where each branch
stands, and the writer's lock."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, fields
from datetime import datetime

from psycopg.rows import class_row

from storefleet.api.db.pool import Connection


@dataclass(frozen=True, slots=True)
class FleetState:
    """Where the writer and the git-side sync stand on one fleet branch."""

    repo_key: str
    last_pushed_sha: str | None  # newest commit the writer pushed
    last_synced_sha: str | None  # newest commit the git-side sync has walked
    sync_error: str | None  # set when the sync stopped for an operator (rewritten history)
    updated_at: datetime


# Named, not `*`: a column added later must not break building the row.
_STATE_COLUMNS = ", ".join(column.name for column in fields(FleetState))


async def get_state(conn: Connection, repo_key: str) -> FleetState:
    await conn.execute(
        "INSERT INTO fleet_state (repo_key) VALUES (%s) ON CONFLICT (repo_key) DO NOTHING", (repo_key,)
    )
    cur = conn.cursor(row_factory=class_row(FleetState))
    row = await (
        await cur.execute(f"SELECT {_STATE_COLUMNS} FROM fleet_state WHERE repo_key = %s", (repo_key,))
    ).fetchone()
    assert row is not None
    return row


async def set_state(conn: Connection, repo_key: str, **values: str | None) -> None:
    allowed = {"last_pushed_sha", "last_synced_sha", "sync_error"}
    assert set(values) <= allowed, values
    assignments = ", ".join(f"{column} = %({column})s" for column in values)
    await conn.execute(
        f"UPDATE fleet_state SET {assignments}, updated_at = now() WHERE repo_key = %(key)s",
        {**values, "key": repo_key},
    )


async def writer_lock_held(conn: Connection, repo_key: str) -> bool:
    """Whether some session holds the writer lock of this repo and branch (pg_locks shows a bigint
    advisory key as its high and low 32 bits)."""
    key = writer_lock_key(repo_key) & 0xFFFFFFFFFFFFFFFF
    cur = await conn.execute(
        "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted"
        " AND classid = %s AND objid = %s AND objsubid = 1) AS held",
        (key >> 32, key & 0xFFFFFFFF),
    )
    row = await cur.fetchone()
    return bool(row and row["held"])


def writer_lock_key(repo_key: str) -> int:
    """A stable signed 64-bit advisory-lock key for one repo and branch."""
    return int.from_bytes(hashlib.sha256(repo_key.encode()).digest()[:8], "big", signed=True)
