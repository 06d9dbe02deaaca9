"""HTTP for drift (admins): what the cluster runs against what git says, fleet-wide."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from storefleet.api.auth.dependencies import AdminActor
from storefleet.api.core.openapi import error_responses
from storefleet.api.core.services import services
from storefleet.api.db.dependencies import DbConnection
from storefleet.api.domain import store_counts
from storefleet.api.metrics import registry as metrics
from storefleet.api.stores.cluster_endpoints import readable_clusters
from storefleet.api.stores.cluster_service import require_cluster
from storefleet.api.stores.drift_service import fleet_drift

router = APIRouter(prefix="/api/v1/drift", tags=["drift"], responses=error_responses(401, 403))

KINDS = ("orphan", "missing", "out_of_sync", "corrected", "not_corrected")


class DriftItem(BaseModel):
    store_id: str
    cluster: str = Field(description="The cluster where the drift was found")
    kind: str = Field(
        description="`orphan`, `missing`, `out_of_sync` (Argo CD), `corrected` or `not_corrected` (Flux)"
    )
    detail: str
    resources: list[str] = Field(
        description="The objects that differ: `Kind/name` (Argo CD), `Kind/namespace/name` (Flux)"
    )


class DriftReport(BaseModel):
    checked_at: datetime
    counts: dict[str, int] = Field(description="Stores per kind of drift")
    items: list[DriftItem]
    unread: list[str] = Field(
        default_factory=list, description="Signals the platform could not read, and why"
    )


@router.get(
    "",
    operation_id="getDrift",
    responses=error_responses(503, _503="`CLUSTER_NOT_CONFIGURED` or `CLUSTER_UNAVAILABLE` (`Retry-After`)"),
)
async def drift(request: Request, conn: DbConnection, _admin: AdminActor) -> DriftReport:
    """Stores whose cluster state differs from git, on every cluster the platform can read (one it
    cannot is named in `unread`; 503 only when none answers): objects labelled with a store git does not have
    there (`orphan`), running stores the cluster lacks (`missing`), Argo CD Applications out of sync with
    git outside an operation (`out_of_sync`), and what Flux's drift detection last did about a store
    (`corrected`, `not_corrected`; from helm-controller's Events, kept an hour by Kubernetes)."""
    views = await readable_clusters(request, conn)
    if not views:
        require_cluster(None)
    placements = await store_counts.store_placements(conn)
    report = await fleet_drift(views, placements, services(request).settings.argocd_namespace)
    items = report.items
    counts = {kind: len({i.store_id for _, i in items if i.kind == kind}) for kind in KINDS}
    for kind, count in counts.items():
        metrics.FLEET_DRIFT_STORES.labels(kind=kind).set(count)
    return DriftReport(
        checked_at=datetime.now(UTC),
        counts=counts,
        items=[
            DriftItem(
                store_id=i.store_id,
                cluster=cluster,
                kind=i.kind,
                detail=i.detail,
                resources=list(i.resources),
            )
            for cluster, i in items
        ],
        unread=report.unread,
    )
