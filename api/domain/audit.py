"""Audit trail: every state transition and security event becomes one row."""

from __future__ import annotations

from typing import Any

from storefleet.api.core import request_context
from storefleet.api.core.actor import Actor
from storefleet.api.db.pool import Connection
from storefleet.api.db.statement import Statement
from storefleet.api.domain import audit_repository as repository
from storefleet.api.domain.audit_repository import AuditEventRecord, AuditEventRow, AuditFilter
from storefleet.api.metrics import registry as metrics

SECURITY_EVENTS = frozenset(
    {
        "auth.registered",
        "auth.login_succeeded",
        "auth.login_failed",
        "auth.password_changed",
        "auth.account_changed",
        # sign-in and registration guardrails (api/auth/guardrails.py)
        "auth.account_locked",
        "auth.rate_limited",
        # reads of a store's admin credentials from the cluster, and admins refused without the flag
        "store.credentials_read",
        "store.credentials_denied",
        # rotations of a store's admin password (api/domain/credentials_rotation.py)
        "store.credentials_rotation_requested",
        "store.credentials_rotated",
        "store.credentials_rotation_failed",
    }
)


def event_row(
    event: str,
    actor: Actor,
    *,
    store_id: str | None = None,
    tenant: str | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    detail: dict[str, Any] | None = None,
    request_id: str | None = None,
) -> AuditEventRow:
    return AuditEventRow(
        event=event,
        request_id=request_id or request_context.current_request_id(),
        actor_id=actor.id,
        actor=actor.name,
        store_id=store_id,
        tenant=tenant,
        ip=request_context.current_client_ip(),
        before=before,
        after=after,
        detail=detail,
    )


async def record(
    conn: Connection,
    event: str,
    actor: Actor,
    *,
    store_id: str | None = None,
    tenant: str | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    detail: dict[str, Any] | None = None,
    request_id: str | None = None,
) -> int:
    row = event_row(event, actor, store_id=store_id, tenant=tenant, before=before, after=after, detail=detail,
                    request_id=request_id)  # fmt: skip
    event_id = await repository.insert_event(conn, row)
    if event in SECURITY_EVENTS:
        metrics.SECURITY_EVENTS.labels(event=event.removeprefix("auth.")).inc()
    return event_id


def record_statement(row: AuditEventRow) -> Statement:
    """The insert of one store event (never a security event: those count a metric), to run inside
    another statement (`db.statement.with_writes`)."""
    assert row.event not in SECURITY_EVENTS
    return repository.insert_statement(row)


def transitions_statement(actor: Actor) -> Statement:
    """The audit rows of a batch of status moves, as `event_row` would make them (request id and
    client address of the current request), to run inside the moves' own statement (see
    `audit_repository.insert_transitions`)."""
    return repository.insert_transitions(
        request_context.current_request_id(), actor.id, actor.name, request_context.current_client_ip()
    )


def committed_statement(actor: Actor) -> Statement:
    """The `store.committed` audit rows of a batch of completed outbox rows, to run inside their
    own UPDATE (see `audit_repository.insert_committed`)."""
    return repository.insert_committed(
        request_context.current_request_id(), actor.id, actor.name, request_context.current_client_ip()
    )


async def record_many(conn: Connection, rows: list[AuditEventRow]) -> None:
    """Store events (never security events) in one round trip."""
    await repository.insert_events(conn, rows)


async def list_visible(
    conn: Connection, actor: Actor, filters: AuditFilter, *, limit: int, offset: int
) -> tuple[list[AuditEventRecord], int]:
    """Admins read everything; a tenant reads only the events of its own stores."""
    if not actor.is_admin:
        filters = AuditFilter(**{**filters.__dict__, "tenant": actor.id})
    return await repository.list_events(conn, filters, limit=limit, offset=offset)
