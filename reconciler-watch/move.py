"""A store's move to another cluster as the target cluster's watcher judges it (pure;
docs/clusters.md "Moving a store").

One watcher judges a move: the target's. Each stage ends on one fact read in the target cluster:

- `backing_up`: the on-demand Backup, as Velero's backup sync brings it from the storage location both
  clusters share: `Completed` there proves it finished and that the target can restore from it;
- `restoring`: the Restore the target directory declares (`restore.restore_verdict`);
- `starting`: the target's release ready at the target directory's spec (`decide`'s readiness).

A move also ends, failed, when the store changed since it was asked for (its spec, or it is no
longer running: the copy would be of another store), or a stage outlasts the time allowed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from storefleet.api.domain.lifecycle import StoreStatus
from storefleet.api.domain.store_move import MoveStage, StoreMove
from storefleet.reconciler_watch.decision import clip, span
from storefleet.reconciler_watch.restore import VeleroRestore, restore_verdict

# Velero BackupStatus.phase values after which the backup will never complete.
BACKUP_FAILED_PHASES = frozenset({"Failed", "PartiallyFailed", "FailedValidation"})
RUNNING = frozenset({StoreStatus.READY, StoreStatus.DEGRADED})


@dataclass(frozen=True)
class VeleroBackup:
    name: str
    phase: str  # "" until Velero has seen it
    failure_reason: str = ""


@dataclass(frozen=True)
class TargetRelease:
    """The target's release as `decide` judges it at the target spec."""

    state: Literal["ready", "failed", "working"]
    message: str


@dataclass(frozen=True)
class MoveObserved:
    now: datetime
    store_status: StoreStatus
    store_spec_hash: str
    change_pending: bool  # the move's last commit still waits in the outbox
    backup: VeleroBackup | None = None  # in the target cluster; None: not synced there yet
    restore: VeleroRestore | None = None  # in the target cluster
    release: TargetRelease | None = None


@dataclass(frozen=True)
class MoveStep:
    """`advance`: commit the next stage; `fail`: end the move (the target directory removed);
    `wait`: nothing to commit, `message` says what the move waits for."""

    kind: Literal["advance", "fail", "wait"]
    message: str


def decide_move(move: StoreMove, observed: MoveObserved, timeout: timedelta) -> MoveStep | None:
    """The move's next step; None while its last commit waits in the outbox (nothing to judge)."""
    if not move.in_flight or observed.change_pending:
        return None
    if observed.store_status not in RUNNING:
        return MoveStep("fail", f"the store is {observed.store_status.value} on its source: move abandoned")
    if observed.store_spec_hash != move.source_spec_hash:
        return MoveStep("fail", "the store was changed during the move: move abandoned (ask again)")
    step = _stage_step(move, observed)
    if step.kind == "wait" and observed.now - move.stage_changed_at > timeout:
        return MoveStep(
            "fail", clip(f"timed out after {span(timeout)} at stage {move.stage}: {step.message}")
        )
    return step


def _stage_step(move: StoreMove, observed: MoveObserved) -> MoveStep:
    if move.stage is MoveStage.BACKING_UP:
        return _backup_step(observed.backup, move.backup, move.target_cluster)
    if move.stage is MoveStage.RESTORING:
        verdict = restore_verdict(observed.restore, move.restore)
        kind = {"advance": "advance", "failed": "fail", "working": "wait"}[verdict.state]
        return MoveStep(kind, clip(verdict.message))  # type: ignore[arg-type]
    release = observed.release
    if release is None:
        return MoveStep("wait", f"waiting for the store's release on {move.target_cluster}")
    if release.state == "ready":
        return MoveStep("advance", f"ready on {move.target_cluster}; removing it from the source")
    kind = "fail" if release.state == "failed" else "wait"
    return MoveStep(kind, clip(f"starting on {move.target_cluster}: {release.message}"))  # type: ignore[arg-type]


def _backup_step(backup: VeleroBackup | None, expected: str, target: str) -> MoveStep:
    if backup is None or backup.name != expected:
        return MoveStep("wait", f"waiting for backup {expected} to complete and reach cluster {target}")
    if backup.phase in BACKUP_FAILED_PHASES:
        reason = backup.failure_reason or "no reason given"
        return MoveStep("fail", clip(f"backup {expected} {backup.phase}: {reason}"))
    if backup.phase != "Completed":
        return MoveStep("wait", f"backup {expected} {backup.phase or 'New'}")
    return MoveStep("advance", f"backup {expected} Completed; restoring it on {target}")
