"""HTTP for fleet-wide rollouts (admins), and the rollouts that touched one store (its owner too)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request, Response

from storefleet.api.auth.dependencies import AdminActor, CurrentActor
from storefleet.api.core.errors import NotFound, ServiceUnavailable
from storefleet.api.core.openapi import error_responses
from storefleet.api.core.services import services
from storefleet.api.db.dependencies import DbConnection
from storefleet.api.domain import stores_repository
from storefleet.api.rollouts import presenter, repository, service
from storefleet.api.rollouts.schemas import (
    ActionRequest,
    CreateRolloutRequest,
    RolloutList,
    RolloutOut,
    RolloutPlanOut,
    StoreRolloutOut,
)
from storefleet.api.rollouts.states import RolloutAction, RolloutState
from storefleet.renderer.profile import RenderProfile

router = APIRouter(prefix="/api/v1/rollouts", tags=["rollouts"], responses=error_responses(401, 403, 422))
store_router = APIRouter(prefix="/api/v1/stores", tags=["rollouts"], responses=error_responses(401, 422))

RolloutId = Annotated[str, Path(max_length=64, description="Rollout id, e.g. ro-abcdefgh23")]
_NOT_FOUND = error_responses(404, _404="`ROLLOUT_NOT_FOUND`")
_CREATE_ERRORS = error_responses(
    409,
    422,
    503,
    _409="`ROLLOUT_OVERLAP`: stores already in an active rollout",
    _422="`UNKNOWN_CHART_VERSION`, `CHART_VALUES_REJECTED`, `EMPTY_SELECTION`, `STEPS_INCOMPLETE`,"
    " `INVALID_STEPS`, `CANARY_NOT_SELECTED`, or a malformed request",
    _503="`FLEET_NOT_CONFIGURED`; `FLEET_UNAVAILABLE` (with `Retry-After`): the fleet repo cannot be read",
)


class FleetNotConfigured(ServiceUnavailable):
    code = "FLEET_NOT_CONFIGURED"


def _profile(request: Request) -> RenderProfile:
    fleet = services(request).fleet
    if fleet is None:
        raise FleetNotConfigured("Rollouts need a fleet repo: set FLEET_REPO_URL or run `storefleet up`.")
    return fleet.context.profile


@router.post(
    "",
    operation_id="createRollout",
    status_code=201,
    responses=_CREATE_ERRORS | {200: {"model": RolloutPlanOut, "description": "A dry run: the plan"}},
    response_model=RolloutOut | RolloutPlanOut,
)
async def create_rollout(
    body: CreateRolloutRequest, request: Request, response: Response, conn: DbConnection, actor: AdminActor
) -> RolloutOut | RolloutPlanOut:
    """Roll a store chart version out to the selected stores in waves. Validated first (the version
    exists, its schema accepts every engine's values, the waves end at 100 %, no store is in another
    active rollout); with `dry_run` nothing is recorded or committed and the answer is the plan."""
    profile = _profile(request)
    reader = services(request).fleet_reader
    rollout_id = service.new_rollout_id()
    if body.dry_run:
        plan = await service.plan_rollout(conn, reader, profile, body, rollout_id)
        response.status_code = 200
        return await service.dry_run(conn, plan, profile)
    async with conn.transaction():
        plan = await service.plan_rollout(conn, reader, profile, body, rollout_id)
        await service.create_rollout(conn, plan, actor)
    response.headers["Location"] = f"/api/v1/rollouts/{rollout_id}"
    return await presenter.rollout_out(conn, await service.get_rollout(conn, rollout_id), with_stores=False)


@router.get("", operation_id="listRollouts")
async def list_rollouts(
    conn: DbConnection,
    _admin: AdminActor,
    state: Annotated[RolloutState | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> RolloutList:
    """Rollouts, newest first, with their waves (without each wave's stores)."""
    rows, total = await repository.list_rollouts(conn, state.value if state else None, limit, offset)
    return RolloutList(
        items=[await presenter.rollout_out(conn, row, with_stores=False) for row in rows], total=total
    )


@router.get("/{rollout_id}", operation_id="getRollout", responses=_NOT_FOUND)
async def get_rollout(
    rollout_id: RolloutId,
    conn: DbConnection,
    _admin: AdminActor,
    stores: Annotated[bool, Query(description="Each wave's stores: status, version, error")] = True,
) -> RolloutOut:
    return await presenter.rollout_out(conn, await service.get_rollout(conn, rollout_id), with_stores=stores)


@router.post(
    "/{rollout_id}/{action}",
    operation_id="actOnRollout",
    responses=_NOT_FOUND | error_responses(409, _409="`INVALID_ROLLOUT_ACTION`: not in this state"),
)
async def act_on_rollout(
    rollout_id: RolloutId,
    action: Literal["pause", "resume", "abort", "retry"],
    conn: DbConnection,
    actor: AdminActor,
    body: ActionRequest | None = None,
) -> RolloutOut:
    """`pause`: commit no further wave. `resume`. `abort`: revert every wave committed so far, one
    commit each. `retry`: commit the failed wave again (once its revert is in) and go on."""
    await service.act(conn, rollout_id, RolloutAction(action), actor, body.reason if body else None)
    return await presenter.rollout_out(conn, await service.get_rollout(conn, rollout_id), with_stores=False)


@store_router.get(
    "/{store_id}/rollouts",
    operation_id="listStoreRollouts",
    responses=error_responses(404, _404="`STORE_NOT_FOUND`"),
)
async def store_rollouts(
    store_id: Annotated[str, Path(max_length=64)], conn: DbConnection, actor: CurrentActor
) -> list[StoreRolloutOut]:
    """The rollouts that touched the store, newest first (its owner or an admin)."""
    store = await stores_repository.get_store(conn, store_id) if store_id.startswith("st-") else None
    if store is None or not (actor.is_admin or store.owner_id == actor.id):
        raise StoreNotFound(f"No store '{store_id[:64]}'.")
    return [presenter.store_rollout_out(row) for row in await repository.store_rollouts(conn, store.id)]


class StoreNotFound(NotFound):
    code = "STORE_NOT_FOUND"
