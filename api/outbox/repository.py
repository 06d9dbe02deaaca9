"""All SQL touching the outbox: the durable queue of fleet changes, written in the same transaction
as the store row it belongs to and drained in id order by the fleet writer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from psycopg.types.json import Jsonb

from storefleet.api.db.pool import Connection
from storefleet.api.db.statement import Statement
from storefleet.api.outbox.doorbell import note_enqueued

__all__ = ["OutboxEntry", "enqueue", "enqueue_statement", "note_enqueued"]


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


def enqueue_statement(entry: OutboxEntry) -> Statement:
    """The outbox row's insert; whoever runs it calls `note_enqueued(conn)` afterwards."""
    return Statement(
        "INSERT INTO outbox (store_id, tenant, action, spec, spec_hash, params, request_id, actor_id)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
        (
            entry.store_id,
            entry.tenant,
            entry.action,
            Jsonb(entry.spec) if entry.spec is not None else None,
            entry.spec_hash,
            Jsonb(entry.params),
            entry.request_id,
            entry.actor_id,
        ),
    )


async def enqueue(conn: Connection, entry: OutboxEntry) -> None:
    statement = enqueue_statement(entry)
    await conn.execute(statement.query, statement.params)
    # The writer is woken once this connection is back in the pool, after the commit (see doorbell).
    note_enqueued(conn)
