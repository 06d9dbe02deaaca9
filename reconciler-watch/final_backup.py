"""The final backup of a store deleted with `keep_backup`, as the watcher judges it (pure;
docs/backups.md).

Such a store is `deleting` with nothing removed yet: its row names the Velero Backup the delete
created (`final_backup`), and its removal is queued only once that Backup is `Completed`. The Backup
is read fresh by name at each judgement (one fact about one object). Velero's Backup phases
(velero.io/v1 BackupStatus.phase): `New` (or no status yet), `InProgress`,
`WaitingForPluginOperations…`, `Finalizing…`, then `Completed`, `PartiallyFailed`, `Failed` or
`FailedValidation`. A `PartiallyFailed` backup is not kept as the store's last one: some of its items
(a volume, the dump) may be missing, so the delete is called off like for a failed one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from storefleet.api.domain.lifecycle import StoreStatus as S
from storefleet.reconciler_watch.actions import QueueRemoval
from storefleet.reconciler_watch.decision import Decision, StoreView, clip, span
from storefleet.reconciler_watch.velero_status import common_fields, count, failure_text, mapping

CALLED_OFF_HINT = (
    "the store was not deleted, nothing was removed: delete it again with keep_backup=true for another "
    "final backup or keep_backup=false for none, or retry it"
)
FAILED_PHASES = frozenset({"Failed", "PartiallyFailed", "FailedValidation"})


@dataclass(frozen=True)
class VeleroBackup:
    name: str
    phase: str  # "" until Velero has seen it
    failure_reason: str = ""
    validation_errors: tuple[str, ...] = ()
    errors: int = 0
    items_backed_up: int | None = None
    total_items: int | None = None


@dataclass(frozen=True)
class FinalBackupVerdict:
    state: Literal["done", "failed", "working"]
    message: str


def parse_backup(obj: dict[str, Any]) -> VeleroBackup:
    fields, status = common_fields(obj)
    progress = mapping(status.get("progress"))
    return VeleroBackup(
        **fields,
        items_backed_up=count(progress.get("itemsBackedUp")),
        total_items=count(progress.get("totalItems")),
    )


def final_backup_verdict(backup: VeleroBackup | None, expected: str) -> FinalBackupVerdict:
    """Done once the Backup the delete created completed; failed when Velero failed it (or it is
    gone: nothing would keep the store's data)."""
    if backup is None or backup.name != expected:
        return FinalBackupVerdict("failed", f"final backup {expected} is gone from the cluster")
    if backup.phase in FAILED_PHASES:
        return FinalBackupVerdict("failed", f"final backup {expected} {backup.phase}: {_reason(backup)}")
    if backup.phase != "Completed":
        progress = ""
        if backup.total_items:
            progress = f" ({backup.items_backed_up or 0} of {backup.total_items} items)"
        return FinalBackupVerdict(
            "working",
            f"taking the final backup {expected} before removal: Velero {backup.phase or 'New'}{progress}",
        )
    return FinalBackupVerdict("done", f"final backup {expected} completed; queueing the removal")


def _reason(backup: VeleroBackup) -> str:
    return failure_text("backup", backup)


def final_backup_decision(
    backup: VeleroBackup | None, store: StoreView, now: datetime, limit: timedelta
) -> Decision:
    """A store waiting for its final backup: queue its removal once the Backup completed; fail the
    store, nothing removed, when the Backup failed or did not end within `limit`."""
    expected = store.final_backup or ""
    verdict = final_backup_verdict(backup, expected)
    if verdict.state == "done":
        return Decision(None, clip(verdict.message), "final_backup_done", actions=(QueueRemoval(expected),))
    if verdict.state == "working" and now - store.since <= limit:
        return Decision(None, clip(verdict.message), "final_backup")
    why = verdict.message if verdict.state == "failed" else f"timed out after {span(limit)} {verdict.message}"
    text = clip(f"{why}; {CALLED_OFF_HINT}")
    reason = "final_backup_failed" if verdict.state == "failed" else "final_backup_timeout"
    return Decision(S.FAILED, text, reason, error=text)
