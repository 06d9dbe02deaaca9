"""HTTP for a store's pin (kept out of fleet-wide rollouts). Included in the stores router."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from storefleet.api.auth.dependencies import CurrentActor
from storefleet.api.core.openapi import error_responses
from storefleet.api.db.dependencies import DbConnection
from storefleet.api.stores import pins
from storefleet.api.stores.presenter import Presenter
from storefleet.api.stores.schemas import PinRequest, StoreOut

router = APIRouter(tags=["stores"])

StoreId = Annotated[str, Path(max_length=64, description="Store id, e.g. st-abcdefgh23")]
_NOT_FOUND = error_responses(404, _404="`STORE_NOT_FOUND`: no such store, or another tenant's")


@router.put(
    "/{store_id}/pin",
    operation_id="pinStore",
    responses=_NOT_FOUND | error_responses(409, _409="`STORE_BUSY`: the store is being deleted"),
)
async def pin_store(
    store_id: StoreId, body: PinRequest, conn: DbConnection, actor: CurrentActor, present: Presenter
) -> StoreOut:
    """Pin the store (its owner or an admin): fleet-wide rollouts leave it as it is until the pin is
    lifted. Pinning again changes the reason; nothing is committed, the pin is audited."""
    return present(await pins.pin_store(conn, actor, store_id, body.reason))


@router.delete("/{store_id}/pin", operation_id="unpinStore", responses=_NOT_FOUND)
async def unpin_store(
    store_id: StoreId, conn: DbConnection, actor: CurrentActor, present: Presenter
) -> StoreOut:
    """Lift the store's pin; a store without one answers as it is."""
    return present(await pins.unpin_store(conn, actor, store_id))
