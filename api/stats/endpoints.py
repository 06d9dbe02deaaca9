"""HTTP for the fleet overview: `GET /api/v1/fleet/stats`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from storefleet.api.auth.dependencies import CurrentActor
from storefleet.api.core.errors import ValidationFailed
from storefleet.api.core.openapi import error_responses
from storefleet.api.db.dependencies import DbConnection
from storefleet.api.stats import service
from storefleet.api.stats.schemas import FleetStats
from storefleet.api.stats.window import WindowRefused, resolve

router = APIRouter(prefix="/api/v1", tags=["stats"], responses=error_responses(401, 422))


class StatsWindowInvalid(ValidationFailed):
    code = "STATS_RANGE_INVALID"


class StatsWindowTooLong(ValidationFailed):
    code = "STATS_RANGE_TOO_LONG"


@router.get(
    "/fleet/stats",
    operation_id="getFleetStats",
    responses=error_responses(
        422, _422="`STATS_RANGE_INVALID`, `STATS_RANGE_TOO_LONG` (over 90 days), or `VALIDATION_ERROR`"
    ),
)
async def fleet_stats(
    conn: DbConnection,
    actor: CurrentActor,
    range: Annotated[Literal["24h", "7d", "30d"] | None, Query(description="ending now; default 24h")] = None,
    since: Annotated[datetime | None, Query(description="instead of `range`: the window's start")] = None,
    until: Annotated[datetime | None, Query(description="with `since`: the end (default now)")] = None,
) -> FleetStats:
    """The fleet's stores now (by status, engine and plan) and, over the window, stores over time,
    provisioning durations, commit → ready lag, changes by action and failures by reason, bucketed by
    hour (windows up to 7 days) or by day. Admins see the fleet; a tenant sees their own stores."""
    try:
        window = resolve(datetime.now(UTC), range, since, until)
    except WindowRefused as refused:
        error = StatsWindowTooLong if refused.code == StatsWindowTooLong.code else StatsWindowInvalid
        raise error(str(refused)) from refused
    return await service.fleet_stats(conn, actor, window)
