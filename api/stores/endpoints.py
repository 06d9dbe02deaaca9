from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response, status

from storefleet.api.audit.schemas import AuditEventList, AuditEventOut
from storefleet.api.auth.dependencies import CurrentActor
from storefleet.api.clusters.placement import PlacementPolicy
from storefleet.api.core.openapi import error_responses
from storefleet.api.core.services import services
from storefleet.api.db.dependencies import DbConnection
from storefleet.api.domain.lifecycle import StoreStatus
from storefleet.api.domain.store_rows import StoreQuery
from storefleet.api.stores import from_backup, service, updates
from storefleet.api.stores.cluster_endpoints import router as cluster_router
from storefleet.api.stores.cluster_endpoints import store_cluster_access
from storefleet.api.stores.guardrails import CreationLimits
from storefleet.api.stores.history_endpoints import router as history_router
from storefleet.api.stores.move_endpoints import router as move_router
from storefleet.api.stores.page_cursor import MAX_CURSOR_LENGTH, encode_cursor
from storefleet.api.stores.pin_endpoints import router as pin_router
from storefleet.api.stores.presenter import Presenter, render_profile
from storefleet.api.stores.rotation_endpoints import router as rotation_router
from storefleet.api.stores.schemas import (
    CreateStoreRequest,
    StoreList,
    StoreOut,
    UpdateStoreRequest,
)
from storefleet.renderer.catalogue import Template
from storefleet.renderer.spec import Engine

router = APIRouter(prefix="/api/v1/stores", tags=["stores"], responses=error_responses(401, 422))
_NOT_FOUND = error_responses(404, _404="`STORE_NOT_FOUND`: no such store, or another tenant's")
_STATE = error_responses(
    409, _409="`INVALID_STATE_TRANSITION`, `STATE_CONFLICT` or `STORE_BUSY`: not allowed in the store's state"
)
_NO_FLEET = error_responses(503, _503="`FLEET_NOT_CONFIGURED`")

StoreId = Annotated[str, Path(max_length=64, description="Store id, e.g. st-abcdefgh23")]
Limit = Annotated[int, Query(ge=1, le=100)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]


@router.post(
    "",
    status_code=status.HTTP_202_ACCEPTED,
    operation_id="createStore",
    responses=error_responses(
        404,
        409,
        422,
        429,
        503,
        _404="With `restore_from`: `STORE_NOT_FOUND` (no such store, or another tenant's), "
        "`BACKUP_NOT_FOUND` (no such backup of that store)",
        _409="`STORE_NAME_TAKEN`, `CLUSTER_NOT_ACTIVE` (the named cluster is cordoned or draining); with "
        "`restore_from`: `BACKUPS_DISABLED`, `BACKUP_NOT_COMPLETED`",
        _422="`VALIDATION_ERROR`, `UNKNOWN_CLUSTER`, `NO_MATCHING_CLUSTER`; with `restore_from`: "
        "`BACKUP_ENGINE_MISMATCH`",
        _429="`STORE_LIMIT_EXCEEDED`, `CREATION_COOLDOWN`, `PLATFORM_STORE_LIMIT` or `CLUSTER_CAPACITY`",
        _503="With `restore_from`: `CLUSTER_NOT_CONFIGURED`, `CLUSTER_UNAVAILABLE` (`Retry-After`) or "
        "`OVERLOADED` (`Retry-After`)",
    ),
)
async def create_store(
    body: CreateStoreRequest, request: Request, conn: DbConnection, actor: CurrentActor, present: Presenter
) -> StoreOut:
    """Accept a store request. It is committed to the fleet repo asynchronously (state `requested`).
    With `restore_from`, the store is created from a backup of another store (state `restoring`):
    its first commit declares the Velero Restore, the platform commits its release once Velero has
    restored the data. Audited as `store.requested` and `store.restore_requested`."""
    settings = services(request).settings
    limits = CreationLimits(
        per_user=settings.max_stores_per_user,
        total=settings.max_stores_total,
        cooldown_s=settings.store_creation_cooldown_s,
    )
    reserved = settings.reserved_store_names
    policy = PlacementPolicy(settings.placement_policy)
    if body.restore_from is not None:
        profile = render_profile(settings)
        store = await from_backup.create_from_backup(
            conn,
            await store_cluster_access(request, conn, body.restore_from.store_id),
            actor,
            body,
            profile,
            reserved,
            limits,
        )
    else:
        store = await service.create_store(conn, actor, body, reserved, limits, policy)
    return present(store)


@router.get(
    "", operation_id="listStores", responses=error_responses(422, _422="`VALIDATION_ERROR`, `INVALID_CURSOR`")
)
async def list_stores(
    conn: DbConnection,
    actor: CurrentActor,
    present: Presenter,
    status_filter: Annotated[StoreStatus | None, Query(alias="status")] = None,
    engine: Engine | None = None,
    template: Template | None = None,
    pinned: Annotated[bool | None, Query(description="only pinned (true) or unpinned (false) stores")] = None,
    q: Annotated[
        str | None, Query(max_length=63, pattern=r"^[a-z0-9-]*$", description="name contains")
    ] = None,
    owner_id: Annotated[
        str | None, Query(max_length=64, pattern=r"^[a-z0-9-]+$", description="admins")
    ] = None,
    limit: Limit = 50,
    offset: Annotated[
        int, Query(ge=0, le=1_000_000, description="Rows to skip; deep pages should use `cursor`")
    ] = 0,
    cursor: Annotated[
        str | None,
        Query(max_length=MAX_CURSOR_LENGTH, description="A `next_cursor` of this list: the page after it"),
    ] = None,
    include_total: Annotated[
        bool, Query(description="Count the matching stores (`total`); false: `total` is null, cheaper")
    ] = True,
) -> StoreList:
    """Stores visible to the caller, newest first. Deleted stores appear only with `status=deleted`.
    `owner_id` narrows an admin's view to one tenant; a tenant always sees only its own stores.
    Pages: `next_cursor` (null on the last page) passed back as `cursor`, with the same filters,
    gives the next page at the cost of the first however deep it is; `offset` keeps working but
    walks every store before the page. Counting the matches (`total`) costs ~20 ms at 100,000
    stores: a client walking pages asks for it once and then passes `include_total=false`."""
    query = StoreQuery(
        owner_id=owner_id,
        status=status_filter,
        engine=engine,
        limit=limit,
        offset=offset,
        name_contains=q,
        template=template,
        pinned=pinned,
        after=service.page_position(cursor, offset),
        count_total=include_total,
    )
    page = await service.list_visible(conn, actor, query)
    next_cursor = encode_cursor(page.next_after) if page.next_after else None
    return StoreList(
        stores=[present(s) for s in page.stores],
        total=page.total,
        limit=limit,
        offset=offset,
        next_cursor=next_cursor,
    )


@router.get("/{store_id}", operation_id="getStore", responses=_NOT_FOUND)
async def get_store(
    store_id: StoreId, conn: DbConnection, actor: CurrentActor, present: Presenter
) -> StoreOut:
    return present(await service.get_visible(conn, actor, store_id))


@router.post(
    "/{store_id}/retry",
    status_code=status.HTTP_202_ACCEPTED,
    operation_id="retryStore",
    responses=_NOT_FOUND | _STATE,
)
async def retry_store(
    store_id: StoreId, conn: DbConnection, actor: CurrentActor, present: Presenter
) -> StoreOut:
    """Try a failed store again (state `requested`). Only allowed from `failed`."""
    return present(await service.retry_store(conn, actor, store_id))


@router.get("/{store_id}/logs", operation_id="getStoreLogs", responses=_NOT_FOUND)
async def store_logs(
    store_id: StoreId, conn: DbConnection, actor: CurrentActor, limit: Limit = 100, offset: Offset = 0
) -> AuditEventList:
    """The store's audit trail, newest first."""
    events, total = await service.store_events(conn, actor, store_id, limit=limit, offset=offset)
    return AuditEventList(
        events=[AuditEventOut.model_validate(e) for e in events], total=total, limit=limit, offset=offset
    )


@router.patch(
    "/{store_id}",
    status_code=status.HTTP_202_ACCEPTED,
    operation_id="updateStore",
    responses={200: {"model": StoreOut, "description": "Nothing changes"}}
    | _NOT_FOUND
    | error_responses(
        409,
        _409="`INVALID_STATE_TRANSITION`, `STATE_CONFLICT` or `STORE_BUSY`: not allowed in the store's state;"
        " `TEMPLATE_LOCKED`: a store's template never changes",
    ),
)
async def update_store(
    store_id: StoreId,
    body: UpdateStoreRequest,
    response: Response,
    conn: DbConnection,
    actor: CurrentActor,
    present: Presenter,
) -> StoreOut:
    """Change theme (WooCommerce), branding (Medusa) and/or plan: `202`, state `updating`, a new
    commit. A request that changes nothing answers `200` with the store as it is."""
    store, changed = await updates.update_store(conn, actor, store_id, body)
    if not changed:
        response.status_code = status.HTTP_200_OK
    return present(store)


# A store's commits and their rollback, its pin; what the platform reads from the cluster about it,
# and the rotation of its admin password.
router.include_router(history_router)
router.include_router(pin_router)
router.include_router(cluster_router)
router.include_router(rotation_router)
router.include_router(move_router)
