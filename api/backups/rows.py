"""A Velero Backup object as the API shows it (pure): Velero's documented status fields, read as
they are, and newest first."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from storefleet.api.backups.schemas import BackupOut
from storefleet.renderer.velero import DELETION, KEPT_LABEL, ON_DEMAND, TRIGGER_LABEL

NEW = "New"  # a Backup Velero has not picked up yet has no status at all
_TRIGGERS: dict[str, Literal["on_demand", "deletion"]] = {ON_DEMAND: "on_demand", DELETION: "deletion"}


def backup_row(obj: Mapping[str, Any]) -> BackupOut:
    meta: Mapping[str, Any] = obj.get("metadata") or {}
    status: Mapping[str, Any] = obj.get("status") or {}
    progress: Mapping[str, Any] = status.get("progress") or {}
    labels: Mapping[str, Any] = meta.get("labels") or {}
    return BackupOut(
        name=str(meta.get("name", "")),
        trigger=_TRIGGERS.get(str(labels.get(TRIGGER_LABEL)), "schedule"),
        kept=labels.get(KEPT_LABEL) == "true",
        phase=str(status.get("phase") or NEW),
        created_at=meta.get("creationTimestamp"),
        started_at=status.get("startTimestamp"),
        completed_at=status.get("completionTimestamp"),
        expires_at=status.get("expiration"),
        items_backed_up=progress.get("itemsBackedUp"),
        total_items=progress.get("totalItems"),
        errors=int(status.get("errors") or 0),
        warnings=int(status.get("warnings") or 0),
        failure_reason=status.get("failureReason") or None,
        validation_errors=[str(e) for e in status.get("validationErrors") or []],
    )


def _newest_first_key(obj: Mapping[str, Any]) -> tuple[str, str]:
    meta: Mapping[str, Any] = obj.get("metadata") or {}
    status: Mapping[str, Any] = obj.get("status") or {}
    # RFC 3339 UTC timestamps sort as text; a Backup's name ends in its creation time too
    when = str(status.get("startTimestamp") or meta.get("creationTimestamp") or "")
    return when, str(meta.get("name", ""))


def backup_rows(objects: Sequence[Mapping[str, Any]]) -> list[BackupOut]:
    return [backup_row(obj) for obj in sorted(objects, key=_newest_first_key, reverse=True)]
