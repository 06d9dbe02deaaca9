from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict


class AuditEventOut(BaseModel):
    # Built from the audit repository's frozen rows, read by attribute.
    model_config = ConfigDict(from_attributes=True)

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


class AuditEventList(BaseModel):
    events: list[AuditEventOut]
    total: int
    limit: int
    offset: int
