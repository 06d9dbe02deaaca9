from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from storefleet import __version__
from storefleet.api.core.services import services
from storefleet.api.health.checks import run_checks

router = APIRouter(tags=["health"])


class ComponentHealth(BaseModel):
    """One component's state and what it reports about itself (the fields vary by component)."""

    model_config = ConfigDict(extra="allow")
    status: Literal["ok", "degraded", "down", "not_configured"]


class HealthReport(BaseModel):
    status: Literal["ok", "degraded"]
    version: str
    cluster_configured: bool = Field(description="a cluster is set (KUBECONFIG or KUBE_IN_CLUSTER)")
    simulated: bool = Field(description="the cluster is a simulation (DEMO_CLUSTER): its stores are not real")
    checks: dict[str, ComponentHealth] = Field(
        description="database, fleet (writer, circuit, sync), cluster (watches), watcher (lag_seconds)"
    )


READINESS_CHECK = "database"


class HealthSummary(BaseModel):
    """The platform's health in one line, without its components (the dashboard's status bar for tenants)."""

    status: Literal["ok", "degraded"]
    cluster_configured: bool
    simulated: bool


async def _report(request: Request) -> tuple[bool, dict[str, Any]]:
    results = await run_checks(services(request).health_checks)
    healthy = all(result.healthy for result in results.values())
    settings = services(request).settings
    body = {
        "status": "ok" if healthy else "degraded",
        "version": __version__,
        "cluster_configured": settings.cluster_configured,
        "simulated": settings.demo_cluster,
        "checks": {name: {"status": r.status, **r.details} for name, r in results.items()},
    }
    return healthy, body


@router.get(
    "/api/v1/health",
    operation_id="getHealth",
    responses={
        200: {"model": HealthReport, "description": "Every component is healthy"},
        503: {"model": HealthReport, "description": "A component is not healthy"},
    },
)
@router.get("/health", include_in_schema=False)
async def health(request: Request) -> JSONResponse:
    """Component health: 200 when every component is healthy, 503 otherwise, with the details."""
    healthy, body = await _report(request)
    return JSONResponse(body, status_code=200 if healthy else 503)


@router.get("/api/v1/health/summary", operation_id="getHealthSummary")
async def summary(request: Request) -> HealthSummary:
    """Whether the platform is healthy, and whether its cluster is set or simulated; which component
    is not healthy is in the full report. Always 200: the status is in the body."""
    healthy, body = await _report(request)
    return HealthSummary(
        status="ok" if healthy else "degraded",
        cluster_configured=body["cluster_configured"],
        simulated=body["simulated"],
    )


@router.get("/health/live", operation_id="getLiveness")
@router.get("/api/v1/health/live", include_in_schema=False)
async def live() -> dict[str, str]:
    """The process is up and serving."""
    return {"status": "ok"}


@router.get(
    "/health/ready",
    operation_id="getReadiness",
    responses={503: {"description": "Shutting down, or a component is not healthy"}},
)
@router.get("/api/v1/health/ready", include_in_schema=False)
async def ready(request: Request) -> JSONResponse:
    """Ready for traffic: not shutting down, and the database answers. Nothing else: with the git
    remote or the cluster out of reach the API still accepts changes into the outbox, and taking
    it out of the load balancer would lose exactly those requests."""
    if services(request).lifecycle.shutting_down:
        return JSONResponse({"status": "shutting_down"}, status_code=503)
    _, body = await _report(request)
    ready = body["checks"].get(READINESS_CHECK, {}).get("status") == "ok"
    return JSONResponse(
        {"status": "ok" if ready else "not_ready", "checks": body["checks"]},
        status_code=200 if ready else 503,
    )
