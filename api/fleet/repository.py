"""All SQL of the fleet writer and the git-side sync: the outbox queue and where each branch stands."""

from __future__ import annotations

import hashlib
from typing import Any

from storefleet.api.db.pool import Connection


async def pending_changes(conn: Connection, limit: int) -> list[dict[str, Any]]:
    """The oldest unprocessed outbox rows, with what a commit message needs of the store."""
    cur = await conn.execute(
        "SELECT o.*, s.name AS store_name, s.engine, s.last_commit_sha AS store_last_commit"
        " FROM outbox o JOIN stores s ON s.id = o.store_id"
        " WHERE o.processed_at IS NULL"
        " ORDER BY o.id LIMIT %s",
        (limit,),
    )
    return [dict(row) for row in await cur.fetchall()]


async def pending_count(conn: Connection) -> tuple[int, float | None]:
    """(rows waiting, age in seconds of the oldest)."""
    cur = await conn.execute(
        "SELECT count(*) AS n, extract(epoch FROM now() - min(created_at))::float8 AS age"
        " FROM outbox WHERE processed_at IS NULL"
    )
    row = await cur.fetchone()
    return (int(row["n"]), row["age"]) if row else (0, None)


async def mark_processed(conn: Connection, outbox_id: int, commit_sha: str | None, note: str | None) -> bool:
    """Done, once: False when another writer already completed the row."""
    cur = await conn.execute(
        "UPDATE outbox SET processed_at = now(), commit_sha = %s, last_error = %s, attempts = attempts + 1"
        " WHERE id = %s AND processed_at IS NULL",
        (commit_sha, note, outbox_id),
    )
    return cur.rowcount == 1


async def get_state(conn: Connection, repo_key: str) -> dict[str, Any]:
    await conn.execute(
        "INSERT INTO fleet_state (repo_key) VALUES (%s) ON CONFLICT (repo_key) DO NOTHING", (repo_key,)
    )
    cur = await conn.execute("SELECT * FROM fleet_state WHERE repo_key = %s", (repo_key,))
    row = await cur.fetchone()
    assert row is not None
    return dict(row)


async def set_state(conn: Connection, repo_key: str, **values: str | None) -> None:
    allowed = {"last_pushed_sha", "last_synced_sha", "sync_error"}
    assert set(values) <= allowed, values
    assignments = ", ".join(f"{column} = %({column})s" for column in values)
    await conn.execute(
        f"UPDATE fleet_state SET {assignments}, updated_at = now() WHERE repo_key = %(key)s",
        {**values, "key": repo_key},
    )


async def outbox_commits(conn: Connection, outbox_ids: list[int]) -> dict[int, str | None]:
    """{outbox id: the commit it was recorded with} for the ids that exist (one query per walk)."""
    if not outbox_ids:
        return {}
    cur = await conn.execute("SELECT id, commit_sha FROM outbox WHERE id = ANY(%s)", (outbox_ids,))
    return {row["id"]: row["commit_sha"] for row in await cur.fetchall()}


async def mark_processed_many(conn: Connection, done: list[tuple[int, str | None]]) -> set[int]:
    """Mark (outbox id, commit) pairs done in one statement; returns the ids this call completed
    (a row another writer already completed is left alone)."""
    ids, shas = (list(column) for column in zip(*done, strict=True))
    cur = await conn.execute(
        "UPDATE outbox o SET processed_at = now(), commit_sha = d.sha, last_error = NULL,"
        " attempts = o.attempts + 1 FROM unnest(%s::bigint[], %s::text[]) AS d(id, sha)"
        " WHERE o.id = d.id AND o.processed_at IS NULL RETURNING o.id",
        (ids, shas),
    )
    return {row["id"] for row in await cur.fetchall()}


async def set_store_fields(conn: Connection, column: str, values: dict[str, str]) -> None:
    """One text column of many stores in one statement (`last_commit_sha`, `last_request_id` or
    `status_message`)."""
    assert column in ("last_commit_sha", "last_request_id", "status_message"), column
    if values:
        # A new commit drops the previous one's request id: a person's commit has none.
        committed = ", committed_at = now(), last_request_id = NULL" if column == "last_commit_sha" else ""
        await conn.execute(
            f"UPDATE stores s SET {column} = d.value, updated_at = now(){committed}"
            " FROM unnest(%s::text[], %s::text[]) AS d(id, value) WHERE s.id = d.id",
            (list(values), list(values.values())),
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
