from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from storefleet.api.audit.schemas import AuditEventList, AuditEventOut
from storefleet.api.auth.dependencies import CurrentActor
from storefleet.api.core.openapi import error_responses
from storefleet.api.db.dependencies import DbConnection
from storefleet.api.domain import audit as service
from storefleet.api.domain.audit_repository import AuditFilter

router = APIRouter(prefix="/api/v1/audit", tags=["audit"], responses=error_responses(401, 422))


@router.get("", operation_id="listAuditEvents")
async def list_audit_events(
    conn: DbConnection,
    actor: CurrentActor,
    event: Annotated[str | None, Query(max_length=64, pattern=r"^[a-z0-9_.]+$")] = None,
    store_id: Annotated[str | None, Query(max_length=64, pattern=r"^[a-z0-9-]+$")] = None,
    actor_id: Annotated[str | None, Query(max_length=64, pattern=r"^[a-z0-9-]+$")] = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> AuditEventList:
    """Audit events, newest first. Admins see every event; tenants see the events of their own stores."""
    filters = AuditFilter(store_id=store_id, event=event, actor_id=actor_id, since=since, until=until)
    events, total = await service.list_visible(conn, actor, filters, limit=limit, offset=offset)
    return AuditEventList(
        events=[AuditEventOut.model_validate(e) for e in events], total=total, limit=limit, offset=offset
    )
