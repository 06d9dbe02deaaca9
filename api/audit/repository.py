"""All SQL touching audit events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from psycopg import sql
from psycopg.types.json import Jsonb

from storefleet.api.db.pool import Connection

_COLUMNS = "id, created_at, event, request_id, actor_id, actor, store_id, tenant, ip, before, after, detail"


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


async def insert_event(conn: Connection, row: AuditEventRow) -> int:
    cur = await conn.execute(
        "INSERT INTO audit_events"
        " (event, request_id, actor_id, actor, store_id, tenant, ip, before, after, detail)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id",
        (
            row.event,
            row.request_id,
            row.actor_id,
            row.actor,
            row.store_id,
            row.tenant,
            row.ip,
            _json(row.before),
            _json(row.after),
            _json(row.detail),
        ),
    )
    created = await cur.fetchone()
    assert created is not None
    return int(created["id"])


def _where(filters: AuditFilter) -> tuple[sql.Composable, list[Any]]:
    clauses: list[sql.Composable] = []
    params: list[Any] = []
    for column, value in (
        ("tenant", filters.tenant),
        ("store_id", filters.store_id),
        ("event", filters.event),
        ("actor_id", filters.actor_id),
    ):
        if value is not None:
            clauses.append(sql.SQL("{} = %s").format(sql.Identifier(column)))
            params.append(value)
    if filters.since is not None:
        clauses.append(sql.SQL("created_at >= %s"))
        params.append(filters.since)
    if filters.until is not None:
        clauses.append(sql.SQL("created_at < %s"))
        params.append(filters.until)
    if filters.before_id is not None:
        clauses.append(sql.SQL("id < %s"))
        params.append(filters.before_id)
    if not clauses:
        return sql.SQL(""), params
    return sql.SQL(" WHERE ") + sql.SQL(" AND ").join(clauses), params


async def list_events(
    conn: Connection, filters: AuditFilter, *, limit: int, offset: int = 0
) -> tuple[list[dict[str, Any]], int]:
    where, params = _where(filters)
    query = sql.SQL("SELECT {} FROM audit_events{} ORDER BY id DESC LIMIT %s OFFSET %s").format(
        sql.SQL(_COLUMNS), where
    )
    rows = await (await conn.execute(query, [*params, limit, offset])).fetchall()
    count_query = sql.SQL("SELECT count(*) AS total FROM audit_events{}").format(where)
    total = await (await conn.execute(count_query, params)).fetchone()
    return [dict(row) for row in rows], int(total["total"]) if total else 0
