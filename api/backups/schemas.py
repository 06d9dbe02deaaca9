"""Answers of the backups API: a store's Velero Backups as the cluster reports them."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field


class BackupOut(BaseModel):
    name: str = Field(description="The Backup's name in the Velero namespace")
    trigger: Literal["schedule", "on_demand", "deletion"] = Field(
        description="`schedule`: made by the store's Schedule; `on_demand`: asked for through the API; "
        "`deletion`: the final backup taken when the store was deleted with `keep_backup`"
    )
    kept: bool = Field(
        description="A deleted store's final backup, kept past the delete for `DELETED_STORE_BACKUP_TTL` "
        "(label `storefleet.io/kept`): pick it for `POST /stores {restore_from}`"
    )
    phase: str = Field(
        description="Velero's `status.phase`: `New` (not yet picked up), `InProgress`, `Completed`, "
        "`PartiallyFailed`, `Failed`, `FailedValidation`, … (`New` while Velero has written none)"
    )
    created_at: datetime | None = Field(description="When the Backup object was created")
    started_at: datetime | None = Field(description="`status.startTimestamp`")
    completed_at: datetime | None = Field(description="`status.completionTimestamp`")
    expires_at: datetime | None = Field(description="`status.expiration`: Velero deletes it then")
    items_backed_up: int | None = Field(description="`status.progress.itemsBackedUp`")
    total_items: int | None = Field(description="`status.progress.totalItems`")
    errors: int = Field(description="`status.errors`: items that could not be backed up")
    warnings: int = Field(description="`status.warnings`")
    failure_reason: str | None = Field(description="`status.failureReason` (Failed backups)")
    validation_errors: list[str] = Field(description="`status.validationErrors` (FailedValidation)")


class BackupList(BaseModel):
    store_id: str
    enabled: bool = Field(
        description="Whether the platform backs stores up (`BACKUPS_ENABLED`); when not, no backups"
    )
    schedule: str | None = Field(
        description="The store's Velero Schedule, whose label selects its Backups (null: backups off)"
    )
    backups: list[BackupOut] = Field(description="Newest first")
