"""A rollout's state machine as data (pure), like the store lifecycle: ROLLOUT[state][action] is the
state the rollout moves to. An action a state has no entry for is refused (409)."""

from __future__ import annotations

from enum import StrEnum


class RolloutState(StrEnum):
    RUNNING = "running"
    PAUSED = "paused"
    SUCCEEDED = "succeeded"
    ROLLED_BACK = "rolled_back"
    ABORTED = "aborted"


class RolloutAction(StrEnum):
    PAUSE = "pause"  # an admin: commit no further wave (the current wave's gate still runs)
    RESUME = "resume"
    ABORT = "abort"  # an admin: revert every wave committed so far
    RETRY = "retry"  # an admin: commit the failed wave again and go on
    GATE_FAILED = "gate_failed"  # the platform: a wave failed its gate and was reverted
    REVERTED_IN_GIT = "reverted_in_git"  # someone reverted a wave's commit by hand
    COMPLETED = "completed"  # the last wave passed its gate


S, A = RolloutState, RolloutAction
ROLLOUT: dict[RolloutState, dict[RolloutAction, RolloutState]] = {
    S.RUNNING: {
        A.PAUSE: S.PAUSED,
        A.ABORT: S.ABORTED,
        A.GATE_FAILED: S.ROLLED_BACK,
        A.REVERTED_IN_GIT: S.PAUSED,
        A.COMPLETED: S.SUCCEEDED,
    },
    S.PAUSED: {
        A.RESUME: S.RUNNING,
        A.ABORT: S.ABORTED,
        A.GATE_FAILED: S.ROLLED_BACK,
        A.REVERTED_IN_GIT: S.PAUSED,
        A.RETRY: S.RUNNING,
    },
    S.ROLLED_BACK: {A.RETRY: S.RUNNING, A.ABORT: S.ABORTED},
    S.SUCCEEDED: {},
    S.ABORTED: {},
}
ACTIVE = frozenset({S.RUNNING, S.PAUSED})
ADMIN_ACTIONS = frozenset({A.PAUSE, A.RESUME, A.ABORT, A.RETRY})


def next_state(state: RolloutState, action: RolloutAction) -> RolloutState | None:
    return ROLLOUT[state].get(action)


class WaveState(StrEnum):
    PENDING = "pending"  # not committed yet
    COMMITTING = "committing"  # its rows wait in the outbox
    GATING = "gating"  # committed; waiting for every store to be ready at its commit
    SOAKING = "soaking"  # all ready; watching that none leaves ready for the soak time
    PASSED = "passed"
    FAILED = "failed"  # its gate failed; its revert is queued
    REVERTING = "reverting"  # abort: its revert is queued
    REVERTED = "reverted"  # its revert is committed (by the platform, or someone's git revert)


IN_FLIGHT = frozenset({WaveState.COMMITTING, WaveState.GATING, WaveState.SOAKING})
