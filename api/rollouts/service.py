"""Rollout use cases for admins: plan (dry run) and create, read, and the actions pause, resume, abort
and retry. Creating commits nothing itself: it records the plan and queues the first wave (the writer
commits it); the controller (`controller.py`) gates each wave and queues the next."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from anyio import to_thread

from storefleet.api.core.actor import Actor
from storefleet.api.core.errors import Conflict, NotFound, ValidationFailed
from storefleet.api.core.ids import id_pattern, new_id
from storefleet.api.db.pool import Connection
from storefleet.api.domain import audit, stores_repository
from storefleet.api.fleet.reader import FleetReader
from storefleet.api.rollouts import charts, repository, waves
from storefleet.api.rollouts.change import ChangeKind, RolloutChange
from storefleet.api.rollouts.gate import failure_budget
from storefleet.api.rollouts.planner import PlanError, parse_step, plan_waves
from storefleet.api.rollouts.repository import NOW, RolloutRow, TargetRow, WaveRow
from storefleet.api.rollouts.schemas import CreateRolloutRequest, PlannedWave, RolloutPlanOut
from storefleet.api.rollouts.states import (
    ACTIVE,
    IN_FLIGHT,
    RolloutAction,
    RolloutState,
    WaveState,
    next_state,
)
from storefleet.renderer.manifests import render_store
from storefleet.renderer.profile import RenderProfile
from storefleet.renderer.spec import Engine, StoreSpec

ROLLOUT_ID_PREFIX = "ro"
_ROLLOUT_ID = id_pattern(ROLLOUT_ID_PREFIX)


class RolloutNotFound(NotFound):
    code = "ROLLOUT_NOT_FOUND"


class RolloutOverlap(Conflict):
    code = "ROLLOUT_OVERLAP"


class InvalidRolloutAction(Conflict):
    code = "INVALID_ROLLOUT_ACTION"


class InvalidPlan(ValidationFailed):
    code = "INVALID_ROLLOUT_PLAN"


@dataclass(frozen=True)
class Plan:
    request: CreateRolloutRequest
    change: RolloutChange
    add_chart: bool  # chart rollouts: the packaged chart is committed before wave 1
    checks: list[str]
    waves: list[list[str]]
    budgets: list[int]
    skipped: list[dict[str, str]]
    rollout_id: str


async def plan_rollout(
    conn: Connection,
    reader: FleetReader | None,
    profile: RenderProfile,
    req: CreateRolloutRequest,
    rollout_id: str,
) -> Plan:
    """Validate everything a rollout needs and compute its waves; raises a 4xx naming the problem."""
    change = req.change
    add_chart, checks = False, []
    if change.kind is ChangeKind.CHART_VERSION:
        source = await charts.find_chart(reader, profile, req.chart_version)
        # Helm renders in a child process and schema checks are CPU work: off the event loop.
        checks = await to_thread.run_sync(charts.check_chart, source, profile)
        add_chart = source.add_chart
    targets = await repository.select_targets(conn, _selector(req), change.field)
    chosen, skipped = _eligible(targets, change)
    if change.kind is not ChangeKind.CHART_VERSION:
        checks = await _check_charts_in_use(reader, profile, change, [t for t in targets if t.id in chosen])
    taken = await repository.overlapping(conn, chosen)
    if taken:
        first = sorted(taken)[0]
        raise RolloutOverlap(
            f"{len(taken)} of the stores are in an active rollout already (e.g. {first} in {taken[first]});"
            " pause and abort it, or leave those stores out.",
            details={"stores": dict(sorted(taken.items())[:50])},
        )
    try:
        steps = [parse_step(step) for step in req.steps]
        # Shuffled by the change, not the rollout id: a dry run shows the very waves a create of the
        # same request commits (while the selected stores stay the same).
        planned = plan_waves(
            chosen,
            steps,
            seed=change.seed,
            canary_ids=req.canary.store_ids,
            canary_count=req.canary.count,
        )
    except PlanError as exc:
        error = InvalidPlan(str(exc))
        error.code = exc.code  # type: ignore[misc]
        raise error from exc
    has_canary = bool(req.canary.store_ids or req.canary.count)
    budgets = [
        failure_budget(
            len(wave),
            req.gate.canary_max_failures if i == 0 and has_canary else None,
            req.gate.max_failure_percent,
        )
        for i, wave in enumerate(planned)
    ]
    return Plan(req, change, add_chart, checks, planned, budgets, skipped, rollout_id)


def _selector(req: CreateRolloutRequest) -> dict[str, Any]:
    """The selector as asked; an image rollout selects only its engine's stores."""
    selector = req.selector.model_dump(mode="json")
    if req.image is not None:
        engine = req.image.engine.value
        if selector["engines"] and selector["engines"] != [engine]:
            raise InvalidPlan(
                f"An image rollout changes {engine} stores only; the selector names other engines too."
            )
        selector["engines"] = [engine]
    return selector


def _recorded_selector(req: CreateRolloutRequest) -> dict[str, Any]:
    """The selector as the rollout shows it: an image rollout names its engine."""
    selector = req.selector.model_dump(mode="json", exclude_defaults=True)
    if req.image is not None:
        selector["engines"] = [req.image.engine.value]
    return selector


def _eligible(targets: list[TargetRow], change: RolloutChange) -> tuple[list[str], list[dict[str, str]]]:
    chosen: list[str] = []
    skipped: list[dict[str, str]] = []
    for target in targets:
        if target.pinned:
            skipped.append({"store_id": target.id, "reason": "pinned"})
        elif change.reached(target.value):
            skipped.append({"store_id": target.id, "reason": waves.ALREADY_AT_TARGET})
        else:
            chosen.append(target.id)
    return chosen, skipped


async def _check_charts_in_use(
    reader: FleetReader | None, profile: RenderProfile, change: RolloutChange, targets: list[TargetRow]
) -> list[str]:
    """An image or values change is checked against every chart the selected stores run, for each of
    their engines."""
    checks: list[str] = []
    engines = sorted({Engine(t.engine) for t in targets})
    versions = sorted({t.chart_version for t in targets}, key=lambda v: v or "")
    for version in versions[:MAX_CHARTS_CHECKED]:
        source = await charts.find_chart(reader, profile, version)
        fields = {change.field: change.target}
        checks += await to_thread.run_sync(charts.check_chart, source, profile, fields, engines)
    if len(versions) > MAX_CHARTS_CHECKED:
        checks.append(f"{len(versions) - MAX_CHARTS_CHECKED} more chart versions in use: not checked")
    return checks


MAX_CHARTS_CHECKED = 10


async def dry_run(conn: Connection, plan: Plan, profile: RenderProfile) -> RolloutPlanOut:
    sample = await stores_repository.get_store(conn, plan.waves[0][0])
    assert sample is not None
    return RolloutPlanOut(
        kind=plan.change.kind,
        target=plan.change.target,
        change=plan.change.describe_target(),
        chart_version=plan.request.chart_version,
        add_chart=plan.add_chart,
        store_count=sum(len(w) for w in plan.waves),
        skipped=plan.skipped,
        waves=[
            PlannedWave(number=i + 1, store_count=len(w), max_failures=b, store_ids=w)
            for i, (w, b) in enumerate(zip(plan.waves, plan.budgets, strict=True))
        ],
        diff=_diff(sample.spec, plan.change, profile),
        checks=plan.checks,
    )


def _diff(document: dict[str, Any], change: RolloutChange, profile: RenderProfile) -> str:
    spec = StoreSpec.model_validate(document)
    before = render_store(spec, profile)
    after = render_store(StoreSpec.model_validate(change.applied(document, change.target)), profile)
    lines: list[str] = []
    for name in sorted(before.keys() | after.keys()):
        old = before.get(name, b"").decode().splitlines(keepends=True)
        new = after.get(name, b"").decode().splitlines(keepends=True)
        lines += difflib.unified_diff(old, new, f"a/{spec.store_id}/{name}", f"b/{spec.store_id}/{name}")
    return "".join(lines)


async def create_rollout(conn: Connection, plan: Plan, actor: Actor) -> str:
    """Record the rollout and queue its first wave, in the caller's transaction."""
    req = plan.request
    row: dict[str, Any] = {
        "id": plan.rollout_id,
        "kind": plan.change.kind.value,
        "target": plan.change.target,
        "chart_version": req.chart_version,
        "add_chart": plan.add_chart,
        "selector": _recorded_selector(req),
        "steps": [str(step) for step in req.steps],
        "gate": {**req.gate.model_dump(mode="json"), "canary": req.canary.model_dump(mode="json")},
        "reason": req.reason,
        "created_by": f"{actor.name} ({actor.id})",
    }
    numbered = [(i + 1, len(w), b) for i, (w, b) in enumerate(zip(plan.waves, plan.budgets, strict=True))]
    await repository.insert_rollout(conn, row, numbered)
    await repository.insert_stores(
        conn, plan.rollout_id, [(s, i + 1) for i, w in enumerate(plan.waves) for s in w]
    )
    detail = {k: row[k] for k in ("kind", "target", "selector", "steps", "gate", "reason")}
    detail["waves"] = [len(w) for w in plan.waves]
    await audit.record(conn, "rollout.created", actor, detail={"rollout_id": plan.rollout_id, **detail})
    rollout, first = await locked_rollout(conn, plan.rollout_id)
    await waves.enqueue_wave(conn, rollout, first[0], actor)
    return plan.rollout_id


def new_rollout_id() -> str:
    return new_id(ROLLOUT_ID_PREFIX)


async def locked_rollout(conn: Connection, rollout_id: str) -> tuple[RolloutRow, list[WaveRow]]:
    found = _ROLLOUT_ID.fullmatch(rollout_id)
    rollout = await repository.get_rollout(conn, rollout_id, for_update=True) if found else None
    if rollout is None:
        raise RolloutNotFound(f"No rollout '{rollout_id[:64]}'.")
    return rollout, await repository.waves(conn, [rollout.id])


async def get_rollout(conn: Connection, rollout_id: str) -> RolloutRow:
    found = _ROLLOUT_ID.fullmatch(rollout_id)
    rollout = await repository.get_rollout(conn, rollout_id) if found else None
    if rollout is None:
        raise RolloutNotFound(f"No rollout '{rollout_id[:64]}'.")
    return rollout


async def act(
    conn: Connection, rollout_id: str, action: RolloutAction, actor: Actor, reason: str | None
) -> None:
    """An admin's pause, resume, abort or retry, in one transaction with the rollout row locked (the
    controller takes the same lock, so an action and a gate never interleave)."""
    async with conn.transaction():
        rollout, wave_rows = await locked_rollout(conn, rollout_id)
        state = RolloutState(rollout.state)
        target = next_state(state, action)
        if target is None:
            raise InvalidRolloutAction(f"A {state.value} rollout cannot {action.value}.")
        if action is RolloutAction.RETRY:
            await _retry(conn, rollout, wave_rows)
        elif action is RolloutAction.ABORT:
            await _abort(conn, rollout, wave_rows, actor, reason)
        fields: dict[str, Any] = {"state": target.value}
        if action is RolloutAction.ABORT:
            fields.update(reason=reason or f"aborted by {actor.name}", finished_at=NOW)
        elif action is RolloutAction.PAUSE:
            fields["reason"] = reason or f"paused by {actor.name}"
        elif action in (RolloutAction.RESUME, RolloutAction.RETRY):
            fields.update(reason=None, failing=[], finished_at=None)
        await repository.set_rollout(conn, rollout.id, **fields)
        await audit.record(
            conn,
            f"rollout.{action.value}",
            actor,
            before={"state": state.value},
            after={"state": target.value},
            detail={"rollout_id": rollout.id, "reason": reason},
        )


async def _retry(conn: Connection, rollout: RolloutRow, wave_rows: list[WaveRow]) -> None:
    """The wave that failed (or was reverted in git) is committed again, as a new attempt; the
    controller queues it on its next pass."""
    stopped = [w for w in wave_rows if w.state in (WaveState.FAILED, WaveState.REVERTED, WaveState.REVERTING)]
    if not stopped:
        return
    wave = stopped[0]
    if wave.state != WaveState.REVERTED:
        raise InvalidRolloutAction(f"Wave {wave.number}'s revert is not committed yet; retry once it is.")
    await repository.reset_wave_stores(conn, rollout.id, wave.number)
    await repository.set_wave(
        conn,
        rollout.id,
        wave.number,
        state=WaveState.PENDING.value,
        attempt=wave.attempt + 1,
        revert_group=None,
        revert_sha=None,
        reverted_by=None,
        gate={},
        finished_at=None,
    )


async def _abort(
    conn: Connection, rollout: RolloutRow, wave_rows: list[WaveRow], actor: Actor, reason: str | None
) -> None:
    """Revert every wave committed so far, newest first, each in its own commit."""
    why = reason or f"rollout {rollout.id} aborted by {actor.name}"
    for wave in reversed(wave_rows):
        if wave.state in IN_FLIGHT or wave.state == WaveState.PASSED:
            await waves.enqueue_revert(conn, rollout, wave, actor, why, WaveState.REVERTING)


def is_active(rollout: RolloutRow) -> bool:
    return RolloutState(rollout.state) in ACTIVE
