from __future__ import annotations

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from storefleet.api.auth.dependencies import AdminActor
from storefleet.api.core.openapi import error_responses
from storefleet.api.core.services import services
from storefleet.api.db.dependencies import DbConnection
from storefleet.api.health.database_gauges import refresh_database_gauges, refresh_pool_gauges

router = APIRouter(tags=["metrics"])


@router.get(
    "/api/v1/metrics",
    operation_id="getMetrics",
    response_class=Response,
    responses={**error_responses(401, 403), 200: {"content": {CONTENT_TYPE_LATEST: {}}}},
)
async def metrics(_: AdminActor, conn: DbConnection, request: Request) -> Response:
    """Prometheus metrics (admins only)."""
    await refresh_database_gauges(conn)
    refresh_pool_gauges(services(request).pool)
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
