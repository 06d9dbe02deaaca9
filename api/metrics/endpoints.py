from __future__ import annotations

from fastapi import APIRouter, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from storefleet.api.auth.dependencies import AdminActor

router = APIRouter(tags=["metrics"])


@router.get("/api/v1/metrics", operation_id="getMetrics", response_class=Response)
async def metrics(_: AdminActor) -> Response:
    """Prometheus metrics (admins only)."""
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
