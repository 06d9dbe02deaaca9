"""All SQL touching the outbox: the durable queue of fleet changes, written in the same transaction
as the store row it belongs to and drained in id order by the fleet writer."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from psycopg.rows import class_row
from psycopg.types.json import Jsonb

from storefleet.api.db.pool import Connection
from storefleet.api.db.statement import Statement
from storefleet.api.domain import audit_repository
from storefleet.api.outbox.doorbell import note_enqueued

__all__ = [
    "OutboxEntry",
    "enqueue",
    "enqueue_many",
    "enqueue_statement",
    "mark_processed",
    "mark_processed_many",
    "note_enqueued",
    "pending_changes",
]


@dataclass(frozen=True)
class OutboxEntry:
    store_id: str
    tenant: str
    action: str  # create | update | delete | rollback | retry
    spec: dict[str, Any] | None
    spec_hash: str | None
    request_id: str | None
    actor_id: str | None
    params: dict[str, Any] = field(default_factory=dict)
    commit_group: str | None = None  # rows of one group become one commit (a rollout wave)


def enqueue_statement(entry: OutboxEntry) -> Statement:
    """The outbox row's insert; whoever runs it calls `note_enqueued(conn)` afterwards."""
    return Statement(
        "INSERT INTO outbox (store_id, tenant, action, spec, spec_hash, params, request_id, actor_id,"
        " commit_group) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
        (
            entry.store_id,
            entry.tenant,
            entry.action,
            Jsonb(entry.spec) if entry.spec is not None else None,
            entry.spec_hash,
            Jsonb(entry.params),
            entry.request_id,
            entry.actor_id,
            entry.commit_group,
        ),
    )


async def enqueue(conn: Connection, entry: OutboxEntry) -> None:
    statement = enqueue_statement(entry)
    await conn.execute(statement.query, statement.params)
    # The writer is woken once this connection is back in the pool, after the commit (see doorbell).
    note_enqueued(conn)


_COPY = (
    "COPY outbox (store_id, tenant, action, spec, spec_hash, params, request_id, actor_id, commit_group)"
    " FROM STDIN"
)


async def enqueue_many(conn: Connection, entries: list[OutboxEntry]) -> None:
    """Many rows by COPY, in list order (their ids follow it): a rollout wave's thousands of rows; the
    writer is woken after commit."""
    if not entries:
        return
    async with conn.cursor() as cur, cur.copy(_COPY) as copy:
        for entry in entries:
            await copy.write_row(enqueue_statement(entry).params)
    note_enqueued(conn)


@dataclass(frozen=True, slots=True)
class PendingChange:
    """An outbox row the writer has still to commit, with what a commit message needs of its store."""

    id: int
    store_id: str
    tenant: str
    action: str  # create | update | delete | rollback | retry
    spec: dict[str, Any] | None  # None for a deletion
    spec_hash: str | None
    params: dict[str, Any]
    request_id: str | None
    actor_id: str | None
    created_at: datetime
    attempts: int
    store_name: str
    engine: str
    store_last_commit: str | None  # the store's last commit when the row was read
    commit_group: str | None = None
    # the cluster the store's directory is under (None: the home root), for a deletion's directory
    store_cluster: str | None = None


_PENDING_COLUMNS = (
    "o.id, o.store_id, o.tenant, o.action, o.spec, o.spec_hash, o.params, o.request_id, o.actor_id,"
    " o.created_at, o.attempts, s.name AS store_name, s.engine, s.last_commit_sha AS store_last_commit,"
    # a deletion's row has no spec: its directory is under the root of the cluster the store's names
    " o.commit_group, CASE WHEN o.spec IS NULL THEN s.spec->>'cluster' END AS store_cluster"
)


async def pending_changes(conn: Connection, limit: int) -> list[PendingChange]:
    """The oldest unprocessed outbox rows, with what a commit message needs of the store.

    A commit group is never cut: when the batch holds part of one, it is extended to the group's last
    row, with every row before it (a group commits at its last row's place, after any change of its
    stores that was queued before it)."""
    cur = conn.cursor(row_factory=class_row(PendingChange))
    # The batch's rows first, then their stores: joined first, a wave just queued (its rows not yet
    # in the table's statistics) had every pending row joined and sorted to keep `limit` of them.
    await cur.execute(
        f"SELECT {_PENDING_COLUMNS} FROM (SELECT * FROM outbox WHERE processed_at IS NULL ORDER BY id"
        " LIMIT %s) o JOIN stores s ON s.id = o.store_id ORDER BY o.id",
        (limit,),
    )
    rows = await cur.fetchall()
    groups = sorted({row.commit_group for row in rows if row.commit_group})
    if not groups or len(rows) < limit:
        return rows
    await cur.execute(
        f"SELECT {_PENDING_COLUMNS} FROM outbox o JOIN stores s ON s.id = o.store_id"
        " WHERE o.processed_at IS NULL AND o.id > %s AND o.id <= (SELECT max(id) FROM outbox"
        "  WHERE processed_at IS NULL AND commit_group = ANY(%s)) ORDER BY o.id",
        (rows[-1].id, groups),
    )
    return rows + await cur.fetchall()


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


async def outbox_commits(conn: Connection, outbox_ids: list[int]) -> dict[int, str | None]:
    """{outbox id: the commit it was recorded with} for the ids that exist (one query per walk)."""
    if not outbox_ids:
        return {}
    cur = await conn.execute("SELECT id, commit_sha FROM outbox WHERE id = ANY(%s)", (outbox_ids,))
    return {row["id"]: row["commit_sha"] for row in await cur.fetchall()}


_COMMITTED = (
    f"{audit_repository.COMMITTED} ({audit_repository.COMMITTED_COLUMNS}) AS (SELECT done.store_id,"
    " s.owner_id, done.request_id, done.sha, done.action, done.id, done.n"
    " FROM done JOIN stores s ON s.id = done.store_id)"
)


async def mark_processed_many(
    conn: Connection, done: list[tuple[int, str | None]], audit: Statement | None = None
) -> set[int]:
    """Mark (outbox id, commit) pairs done in one statement; returns the ids this call completed
    (a row another writer already completed is left alone). `audit`
    (`audit_repository.insert_committed`) writes the audit rows of the rows it completed, in `done`'s
    order, in the same statement."""
    ids, shas = (list(column) for column in zip(*done, strict=True))
    audited = f", {_COMMITTED}, audited AS ({audit.query})" if audit else ""
    cur = await conn.execute(
        "WITH d AS (SELECT * FROM unnest(%b::bigint[], %b::text[]) WITH ORDINALITY AS d(id, sha, n)),"
        " done AS (UPDATE outbox o SET processed_at = now(), commit_sha = d.sha, last_error = NULL,"
        " attempts = o.attempts + 1 FROM d WHERE o.id = d.id AND o.processed_at IS NULL"
        f" RETURNING o.id, o.store_id, o.action, o.request_id, d.sha, d.n){audited} SELECT id FROM done",
        (ids, shas, *(audit.params if audit else ())),
    )
    return {row["id"] for row in await cur.fetchall()}


async def change_request_id(conn: Connection, change_id: int) -> str | None:
    cur = await conn.execute("SELECT request_id FROM outbox WHERE id = %s", (change_id,))
    row = await cur.fetchone()
    return row["request_id"] if row else None
