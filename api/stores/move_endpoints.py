"""HTTP for moving a store to another cluster. Included in the stores router (same prefix, tag)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request, status

from storefleet.api.auth.dependencies import AdminActor, CurrentActor
from storefleet.api.core.openapi import error_responses
from storefleet.api.core.services import services
from storefleet.api.db.dependencies import DbConnection
from storefleet.api.stores import move
from storefleet.api.stores.cluster_endpoints import store_cluster_access
from storefleet.api.stores.move_schemas import MoveRequest, StoreMoveOut
from storefleet.api.stores.presenter import render_profile

router = APIRouter(tags=["stores"])

StoreId = Annotated[str, Path(max_length=64, description="Store id, e.g. st-abcdefgh23")]


@router.post(
    "/{store_id}/move",
    status_code=status.HTTP_202_ACCEPTED,
    operation_id="moveStore",
    responses=error_responses(
        403,
        404,
        409,
        429,
        503,
        _403="`FORBIDDEN`: admins only",
        _404="`STORE_NOT_FOUND`: no such store",
        _409="`MOVE_SAME_CLUSTER`; `STORE_NOT_READY` (`details.status`); `MOVE_IN_PROGRESS`; "
        "`STORE_IN_ROLLOUT`; `CLUSTER_NOT_ACTIVE`: the target is cordoned or draining; "
        "`MOVE_NEEDS_BACKUP`: no way to carry the store's data (the message says what to configure)",
        _429="`CLUSTER_CAPACITY`: no room for the store on the target",
        _503="`CLUSTER_NOT_CONFIGURED`, `CLUSTER_UNAVAILABLE` (`Retry-After`): the source cannot be reached",
    ),
)
async def move_store(
    store_id: StoreId, body: MoveRequest, request: Request, conn: DbConnection, actor: AdminActor
) -> StoreMoveOut:
    """Move the store to another cluster (admins): a fresh backup of it is taken on its cluster, then
    the platform commits its directory under the target's root with a restore of that backup, waits
    for it to be ready there, and commits the removal of its former directory. The shop keeps serving
    from its source meanwhile; a failure removes the target's directory and leaves it as it was.
    Nothing is committed by the request (`422 UNKNOWN_CLUSTER` for an unknown target). Audited."""
    profile = render_profile(services(request).settings)
    access = await store_cluster_access(request, conn, store_id)
    moved = await move.request_move(conn, access, actor, store_id, body.cluster, profile)
    return StoreMoveOut.model_validate(moved, from_attributes=True)


@router.get(
    "/{store_id}/move",
    operation_id="getStoreMove",
    responses=error_responses(404, _404="`STORE_NOT_FOUND`"),
)
async def get_store_move(store_id: StoreId, conn: DbConnection, actor: CurrentActor) -> StoreMoveOut | None:
    """The store's latest move (its owner or an admin): its stage, target, and how it ended; `null`
    when it was never moved (a read states the fact: every store page asks it)."""
    latest = await move.latest_move(conn, actor, store_id)
    return None if latest is None else StoreMoveOut.model_validate(latest, from_attributes=True)
