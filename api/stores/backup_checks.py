"""A store's Velero backup as the source of a restore (docs/backups.md): the checks both restores make
before anything is committed — in place (`backups.service`) and into a new store (`from_backup`).

Backups must be on for the platform; the backup must exist in the Velero namespace, be one of the
store's (its Schedule's `velero.io/schedule-name` label, which on-demand backups carry too) and be
`Completed`. Another store's backup is `404` like a missing one: nothing tells whether it exists.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from storefleet.api.core.errors import Conflict, NotFound
from storefleet.renderer.backup_policy import schedule_name
from storefleet.renderer.profile import RenderProfile
from storefleet.renderer.velero import SCHEDULE_NAME_LABEL

COMPLETED = "Completed"


class BackupsDisabled(Conflict):
    code = "BACKUPS_DISABLED"


class BackupNotFound(NotFound):
    code = "BACKUP_NOT_FOUND"


class BackupNotCompleted(Conflict):
    code = "BACKUP_NOT_COMPLETED"


def require_backups(profile: RenderProfile) -> None:
    if not profile.backups_enabled:
        raise BackupsDisabled(
            "Backups are not turned on for this platform (BACKUPS_ENABLED); stores have no backups."
        )


def check_backup(backup: Mapping[str, Any] | None, store_id: str, name: str) -> None:
    """The backup must be one of store `store_id`'s and complete."""
    labels = ((backup or {}).get("metadata") or {}).get("labels") or {}
    if backup is None or labels.get(SCHEDULE_NAME_LABEL) != schedule_name(store_id):
        raise BackupNotFound(f"The store has no backup '{name}'.")
    phase = (backup.get("status") or {}).get("phase") or "New"
    if phase != COMPLETED:
        raise BackupNotCompleted(f"Backup '{name}' is {phase}: only a Completed backup is restored.")
