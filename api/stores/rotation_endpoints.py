"""HTTP for rotating a store's admin password. Included in the stores router (same prefix, tag)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request, status

from storefleet.api.auth.dependencies import CurrentActor
from storefleet.api.core.openapi import error_responses
from storefleet.api.core.services import services
from storefleet.api.db.dependencies import DbConnection
from storefleet.api.stores import rotation
from storefleet.api.stores.schemas import CredentialsRotationOut

router = APIRouter(tags=["stores"])

StoreId = Annotated[str, Path(max_length=64, description="Store id, e.g. st-abcdefgh23")]


@router.post(
    "/{store_id}/credentials/rotate",
    status_code=status.HTTP_202_ACCEPTED,
    operation_id="rotateStoreCredentials",
    responses=error_responses(
        404,
        409,
        503,
        _404="`STORE_NOT_FOUND`: no such store, or another tenant's",
        _409="`STORE_NOT_READY`: the store is not ready or degraded; `ROTATION_IN_PROGRESS`: a rotation "
        "is requested or running (the store's `credentials_rotation` shows it)",
        _503="`CLUSTER_NOT_CONFIGURED`: no cluster, so nothing could carry the rotation out",
    ),
)
async def rotate_store_credentials(
    store_id: StoreId, request: Request, conn: DbConnection, actor: CurrentActor
) -> CredentialsRotationOut:
    """Give the store's admin a new password (its owner, or an admin). The platform generates it in
    the cluster, sets it in the shop by a Job, then in the store's credentials Secret: from then on
    `GET /stores/{id}/credentials` returns it and the old one no longer works. A failed rotation
    changes nothing. Follow it in the store's `credentials_rotation`; the request, the rotation and
    a failure are audited. The store's status does not change."""
    configured = services(request).settings.cluster_configured
    rotated = await rotation.rotate_credentials(conn, actor, store_id, cluster_configured=configured)
    return CredentialsRotationOut.model_validate(rotated, from_attributes=True)
