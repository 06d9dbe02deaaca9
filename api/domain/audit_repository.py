"""All SQL touching audit events."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from psycopg import sql
from psycopg.rows import class_row
from psycopg.types.json import Jsonb

from storefleet.api.db.pool import Connection
from storefleet.api.db.statement import Statement
from storefleet.api.db.where import Where


@dataclass(frozen=True)
class AuditEventRow:
    event: str
    request_id: str | None
    actor_id: str | None
    actor: str
    store_id: str | None = None
    tenant: str | None = None
    ip: str | None = None
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    detail: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class AuditEventRecord:
    """A recorded event as the audit trail lists it."""

    id: int
    created_at: datetime
    event: str
    request_id: str | None
    actor_id: str | None
    actor: str | None
    store_id: str | None
    tenant: str | None
    ip: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    detail: dict[str, Any] | None


_COLUMNS = ", ".join(column.name for column in fields(AuditEventRecord))


@dataclass(frozen=True)
class AuditFilter:
    tenant: str | None = None  # restrict to one tenant's store events
    store_id: str | None = None
    event: str | None = None
    actor_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    before_id: int | None = None


def _json(value: dict[str, Any] | None) -> Jsonb | None:
    return Jsonb(value) if value is not None else None


_INSERT = (
    "INSERT INTO audit_events"
    " (event, request_id, actor_id, actor, store_id, tenant, ip, before, after, detail)"
    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
)


def _params(row: AuditEventRow) -> tuple[Any, ...]:
    return (
        row.event, row.request_id, row.actor_id, row.actor, row.store_id, row.tenant, row.ip,
        _json(row.before), _json(row.after), _json(row.detail),
    )  # fmt: skip


_COPY = (
    "COPY audit_events (event, request_id, actor_id, actor, store_id, tenant, ip, before, after, detail)"
    " FROM STDIN"
)


async def insert_events(conn: Connection, rows: list[AuditEventRow]) -> None:
    """Many rows, in list order, by COPY: a rollout wave writes one per store, thousands at once, and
    COPY costs the server a fraction of as many INSERTs."""
    if rows:
        async with conn.cursor() as cur, cur.copy(_COPY) as copy:
            for row in rows:
                await copy.write_row(_params(row))


# The relation `insert_transitions` reads, one row per status move that happened: the store, its
# owner, the status it left and the one it entered, the move's message, error, lifecycle event and
# detail (jsonb), and `n`, the move's place in its batch (the rows are inserted in that order).
TRANSITIONS = "transitions"
TRANSITION_COLUMNS = "store_id, tenant, expected, target, message, error, event, detail, n"


def insert_transitions(request_id: str | None, actor_id: str | None, actor: str, ip: str | None) -> Statement:
    """The `store.transition` rows of a batch's status moves, built by the database from the
    relation `TRANSITIONS` of the statement this one runs in (the status UPDATE's own rows): a wave
    moves thousands of stores, and a row built and sent per store cost more than the UPDATE.
    `before` is {"status"}, `after` {"status", "message", "error", "event"}, as `audit.event_row`
    writes them."""
    return Statement(
        "INSERT INTO audit_events"
        " (event, request_id, actor_id, actor, store_id, tenant, ip, before, after, detail)"
        " SELECT 'store.transition', %s, %s, %s, t.store_id, t.tenant, %s,"
        " jsonb_build_object('status', t.expected),"
        " jsonb_build_object('status', t.target, 'message', t.message, 'error', t.error, 'event', t.event),"
        f" t.detail FROM {TRANSITIONS} t ORDER BY t.n",
        (request_id, actor_id, actor, ip),
    )


# The relation `insert_committed` reads, one row per outbox row the fleet writer completed: the
# store, its owner, the change's request id, the commit (NULL: it changed no byte), the change's
# action and outbox id, and `n`, its place in the batch (the rows are inserted in that order).
COMMITTED = "committed"
COMMITTED_COLUMNS = "store_id, tenant, request_id, sha, action, change_id, n"


def insert_committed(request_id: str | None, actor_id: str | None, actor: str, ip: str | None) -> Statement:
    """The `store.committed` rows of a batch of completed changes, built by the database from the
    relation `COMMITTED` of the statement this one runs in (the outbox UPDATE's own rows). A change
    without a request id gets `request_id`, as `audit.event_row` does."""
    return Statement(
        "INSERT INTO audit_events"
        " (event, request_id, actor_id, actor, store_id, tenant, ip, before, after, detail)"
        " SELECT 'store.committed', coalesce(c.request_id, %s), %s, %s, c.store_id, c.tenant, %s,"
        " NULL, NULL, jsonb_build_object('commit', c.sha, 'action', c.action, 'change_id', c.change_id)"
        f" FROM {COMMITTED} c ORDER BY c.n",
        (request_id, actor_id, actor, ip),
    )


def insert_statement(row: AuditEventRow) -> Statement:
    return Statement(_INSERT, _params(row))


async def insert_event(conn: Connection, row: AuditEventRow) -> int:
    cur = await conn.execute(_INSERT + " RETURNING id", _params(row))
    created = await cur.fetchone()
    assert created is not None
    return int(created["id"])


def _where(filters: AuditFilter) -> Where:
    return (
        Where()
        .add_if("tenant = %s", filters.tenant)
        .add_if("store_id = %s", filters.store_id)
        .add_if("event = %s", filters.event)
        .add_if("actor_id = %s", filters.actor_id)
        .add_if("created_at >= %s", filters.since)
        .add_if("created_at < %s", filters.until)
        .add_if("id < %s", filters.before_id)
    )


async def list_events(
    conn: Connection, filters: AuditFilter, *, limit: int, offset: int = 0
) -> tuple[list[AuditEventRecord], int]:
    where = _where(filters)
    query = sql.SQL("SELECT {} FROM audit_events{} ORDER BY id DESC LIMIT %s OFFSET %s").format(
        sql.SQL(_COLUMNS), where.sql()
    )
    cur = conn.cursor(row_factory=class_row(AuditEventRecord))
    rows = await (await cur.execute(query, [*where.params, limit, offset])).fetchall()
    count_query = sql.SQL("SELECT count(*) AS total FROM audit_events{}").format(where.sql())
    total = await (await conn.execute(count_query, where.params)).fetchone()
    return rows, int(total["total"]) if total else 0
