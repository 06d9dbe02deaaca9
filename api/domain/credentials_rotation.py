"""A rotation of a store's admin password, as data: its states, the moves between them, and who may
ask for one. No I/O.

A rotation is not a lifecycle event: the store's status never changes for one (that table is
`lifecycle.py`). It has its own small state machine, kept on the store's row (migration 0020):

    (none) | done | failed  --request-->  requested  --the watcher starts its Job-->  running
    requested | running  -->  failed   (the store went away, or the Job failed: the old password stays)
    running  -->  done                  (the shop and the credentials Secret hold the new password)

Every move is made by `rotation_service`, with an optimistic check on the state and the rotation's
number, and the requested, done and failed moves are audited (`EVENTS`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from storefleet.api.domain.lifecycle import StoreStatus


class RotationState(StrEnum):
    REQUESTED = "requested"  # waiting for the watcher
    RUNNING = "running"  # the new password is staged in the Secret and its Job runs
    DONE = "done"  # the new password is the Secret's admin password; the old one no longer works
    FAILED = "failed"  # nothing changed: the old password still works


# Where a state may go; None is a store that was never rotated.
MOVES: dict[RotationState | None, frozenset[RotationState]] = {
    None: frozenset({RotationState.REQUESTED}),
    RotationState.REQUESTED: frozenset({RotationState.RUNNING, RotationState.FAILED}),
    RotationState.RUNNING: frozenset({RotationState.DONE, RotationState.FAILED}),
    RotationState.DONE: frozenset({RotationState.REQUESTED}),
    RotationState.FAILED: frozenset({RotationState.REQUESTED}),
}
IN_PROGRESS = frozenset({RotationState.REQUESTED, RotationState.RUNNING})

# A rotation is asked for only while the shop runs: before its install there is no admin to change,
# and a store being changed, restored or deleted is not one to change it under.
ROTATABLE = frozenset({StoreStatus.READY, StoreStatus.DEGRADED})

# The audit trail's events (also counted as security events).
EVENTS: dict[RotationState, str] = {
    RotationState.REQUESTED: "store.credentials_rotation_requested",
    RotationState.DONE: "store.credentials_rotated",
    RotationState.FAILED: "store.credentials_rotation_failed",
}

MSG_REQUESTED = "waiting for the cluster watcher"


def can_move(current: RotationState | None, target: RotationState) -> bool:
    return target in MOVES[current]


@dataclass(frozen=True, slots=True)
class CredentialsRotation:
    """The store's latest rotation (the `rotation_*` columns)."""

    generation: int  # 1 for the store's first rotation: names its Job, so a restart finds it
    state: RotationState
    requested_at: datetime
    requested_by: str  # `<username> (<id>)`
    changed_at: datetime  # when it entered its state
    message: str | None
    request_id: str | None  # the request that asked for it, carried into the watcher's audit rows

    @property
    def in_progress(self) -> bool:
        return self.state in IN_PROGRESS


# The columns a CredentialsRotation is built from, as `stores` names them.
ROTATION_COLUMNS = (
    "rotation_generation, rotation_state, rotation_requested_at, rotation_requested_by,"
    " rotation_changed_at, rotation_message, rotation_request_id"
)


def rotation_from_columns(columns: dict[str, Any]) -> CredentialsRotation | None:
    """Takes the `rotation_*` columns out of `columns` (a row's), and returns the rotation they
    hold; None for a store never rotated."""
    generation = columns.pop("rotation_generation")
    state = columns.pop("rotation_state")
    fields = {name: columns.pop(f"rotation_{name}") for name in
              ("requested_at", "requested_by", "changed_at", "message", "request_id")}  # fmt: skip
    if state is None:
        return None
    return CredentialsRotation(generation=generation, state=RotationState(state), **fields)


@dataclass(frozen=True, slots=True)
class DueRotation:
    """A rotation the watcher has to carry on (requested or running), with what it needs of its store."""

    store_id: str
    owner_id: str
    engine: str
    store_status: StoreStatus
    rotation: CredentialsRotation
    # the chart instance naming the store's objects (its credentials Secret, its setup ConfigMap):
    # the store id, or for a store created from a backup the instance it took over
    instance: str = ""

    def __post_init__(self) -> None:
        if not self.instance:
            object.__setattr__(self, "instance", self.store_id)


def due_rotation(**columns: Any) -> DueRotation:
    """A row of `rotation_repository.rotations_due`."""
    rotation = rotation_from_columns(columns)
    assert rotation is not None
    return DueRotation(
        columns["id"], columns["owner_id"], columns["engine"], StoreStatus(columns["status"]), rotation,
        columns.get("instance") or "",
    )  # fmt: skip
