"""An in-place restore's stages as the watcher judges them (pure; docs/backups.md).

A `restoring` store's spec says where its restore is (`spec.restore.stage`), and each stage ends on
one fact about the cluster, read for that store alone:

- `clearing` (its release left out of git) ends when the store is *cleared*: its HelmRelease /
  Application absent and no PersistentVolumeClaim left in its namespace, both read fresh from the API
  server when judged (`Clearing`), never joined from two kinds' caches. The platform then commits
  stage `restoring` (the Velero Restore).
- `restoring` ends with the Velero Restore the spec names (`spec.restore.name`): `Completed` → the
  platform commits the restore done (`restore` leaves the spec, the release comes back); `Failed`,
  `PartiallyFailed` or `FailedValidation` → the store fails with Velero's reason. A Restore of
  another name (an earlier request's, still cached) says nothing about this one.

Velero's Restore phases (velero.io/v1 RestoreStatus.phase): `New` (or no status yet), `InProgress`,
`WaitingForPluginOperations`, `WaitingForPluginOperationsPartiallyFailed`, `Finalizing`,
`FinalizingPartiallyFailed`, then `Completed`, `PartiallyFailed`, `Failed` or `FailedValidation`;
`status.failureReason` says why a restore failed, `status.validationErrors` why Velero refused it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from storefleet.reconciler_watch.velero_status import common_fields, count, failure_text, mapping

FAILED_PHASES = frozenset({"Failed", "PartiallyFailed", "FailedValidation"})
CLEARING, RESTORING = "clearing", "restoring"  # renderer.spec.RestoreStage's values


@dataclass(frozen=True)
class VeleroRestore:
    name: str
    phase: str  # "" until Velero has seen it
    failure_reason: str = ""
    validation_errors: tuple[str, ...] = ()
    errors: int = 0
    warnings: int = 0
    items_restored: int | None = None
    total_items: int | None = None

    @property
    def ended(self) -> bool:
        return self.phase == "Completed" or self.phase in FAILED_PHASES


@dataclass(frozen=True)
class Clearing:
    """What of a store being cleared is still in the cluster, read fresh from the API server: its
    HelmRelease/Application (`release`, e.g. "HelmRelease st-x"; None when absent) and the
    PersistentVolumeClaims left in its namespace."""

    release: str | None
    claims: tuple[str, ...] = ()

    @property
    def cleared(self) -> bool:
        return self.release is None and not self.claims


@dataclass(frozen=True)
class StageVerdict:
    state: Literal["advance", "failed", "working"]
    message: str


def parse_restore(obj: dict[str, Any]) -> VeleroRestore:
    fields, status = common_fields(obj)
    progress = mapping(status.get("progress"))
    return VeleroRestore(
        **fields,
        warnings=count(status.get("warnings")) or 0,
        items_restored=count(progress.get("itemsRestored")),
        total_items=count(progress.get("totalItems")),
    )


def clearing_verdict(clearing: Clearing | None) -> StageVerdict:
    """Stage `clearing`: advance once nothing of the release is left."""
    if clearing is None:
        return StageVerdict("working", "clearing the store: cannot read the cluster now")
    if clearing.cleared:
        return StageVerdict("advance", "store cleared; committing the Velero restore")
    left = ([clearing.release] if clearing.release else []) + [f"PVC {c}" for c in clearing.claims]
    return StageVerdict("working", f"clearing the store: waiting for {', '.join(left)} to go")


def restore_verdict(restore: VeleroRestore | None, expected: str) -> StageVerdict:
    """Stage `restoring`: advance once the Restore the spec names completed; fail with Velero's
    reason when it failed."""
    if restore is None or restore.name != expected:
        return StageVerdict("working", f"waiting for Velero to start restore {expected}")
    if restore.phase in FAILED_PHASES:
        return StageVerdict("failed", f"Velero restore {restore.phase}: {_reason(restore)}")
    if restore.phase != "Completed":
        progress = ""
        if restore.total_items:
            progress = f" ({restore.items_restored or 0} of {restore.total_items} items)"
        return StageVerdict("working", f"Velero restore {restore.phase or 'New'}{progress}")
    note = f" ({restore.warnings} warnings)" if restore.warnings else ""
    return StageVerdict("advance", f"Velero restore Completed{note}; committing the store's release back")


def _reason(restore: VeleroRestore) -> str:
    return failure_text("restore", restore)
