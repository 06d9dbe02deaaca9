"""All SQL of pull-request mode: the pull requests opened for outbox changes, and where they stand."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from psycopg.rows import class_row

from storefleet.api.db.pool import Connection
from storefleet.api.domain.outbox_repository import PendingChange


@dataclass(frozen=True, slots=True)
class PullRequestRow:
    """A pull request the platform opened for an outbox change."""

    id: int
    store_id: str
    change_id: int
    action: str
    number: int
    url: str
    branch: str
    head_sha: str
    state: str  # open | merged | closed
    merge_commit_sha: str | None
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None


_PULL = class_row(PullRequestRow)
_COLUMNS = (
    "id, store_id, change_id, action, number, url, branch, head_sha, state, merge_commit_sha,"
    " created_at, updated_at, closed_at"
)


async def insert(
    conn: Connection, change: PendingChange, action: str, number: int, url: str, branch: str, head_sha: str
) -> bool:
    """Record the pull request of an outbox change; False if it was recorded already."""
    cur = await conn.execute(
        "INSERT INTO pull_requests (store_id, change_id, action, number, url, branch, head_sha)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING RETURNING id",
        (change.store_id, change.id, action, number, url, branch, head_sha),
    )
    return await cur.fetchone() is not None


async def all_by_number(conn: Connection, number: int, *, for_update: bool = False) -> list[PullRequestRow]:
    """Every change a pull request proposes (a rollout wave's: one per store), in id order."""
    cur = conn.cursor(row_factory=_PULL)
    lock = " FOR UPDATE" if for_update else ""
    await cur.execute(f"SELECT {_COLUMNS} FROM pull_requests WHERE number = %s ORDER BY id{lock}", (number,))
    return await cur.fetchall()


async def open_for_store(conn: Connection, store_id: str) -> list[PullRequestRow]:
    cur = conn.cursor(row_factory=_PULL)
    await cur.execute(
        f"SELECT {_COLUMNS} FROM pull_requests WHERE store_id = %s AND state = 'open' ORDER BY id",
        (store_id,),
    )
    return await cur.fetchall()


async def open_pulls(conn: Connection, limit: int) -> list[PullRequestRow]:
    """The open pull requests least recently looked at first (a bounded poll covers them all in turn)."""
    cur = conn.cursor(row_factory=_PULL)
    await cur.execute(
        f"SELECT {_COLUMNS} FROM pull_requests WHERE state = 'open' ORDER BY updated_at LIMIT %s",
        (limit,),
    )
    return await cur.fetchall()


async def touch(conn: Connection, ids: list[int]) -> None:
    if ids:
        await conn.execute("UPDATE pull_requests SET updated_at = now() WHERE id = ANY(%s)", (ids,))


async def set_outcome(conn: Connection, pull_id: int, state: str, merge_commit_sha: str | None) -> None:
    await conn.execute(
        "UPDATE pull_requests SET state = %s, merge_commit_sha = %s, updated_at = now(), closed_at = now()"
        " WHERE id = %s",
        (state, merge_commit_sha, pull_id),
    )


async def set_head(conn: Connection, pull_id: int, head_sha: str) -> None:
    await conn.execute(
        "UPDATE pull_requests SET head_sha = %s, updated_at = now() WHERE id = %s", (head_sha, pull_id)
    )


async def ended_with_branch(conn: Connection, limit: int) -> list[PullRequestRow]:
    """Ended pull requests whose branch is still there, oldest first."""
    cur = conn.cursor(row_factory=_PULL)
    await cur.execute(
        f"SELECT {_COLUMNS} FROM pull_requests WHERE state <> 'open' AND branch_deleted_at IS NULL"
        " ORDER BY closed_at LIMIT %s",
        (limit,),
    )
    return await cur.fetchall()


async def mark_branch_deleted(conn: Connection, pull_id: int) -> None:
    await conn.execute("UPDATE pull_requests SET branch_deleted_at = now() WHERE id = %s", (pull_id,))
