"""What a Velero Backup's and a Restore's status share, as the watcher reads it (pure): its name,
phase, failure reason, validation errors and error count (velero.io/v1 BackupStatus and
RestoreStatus), read defensively from a raw object whose status Velero may not have written yet."""

from __future__ import annotations

from typing import Any, Protocol


def mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def common_fields(obj: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the shared fields, as keyword arguments; the raw status, for what differs by kind)."""
    meta, status = mapping(obj.get("metadata")), mapping(obj.get("status"))
    validation = status.get("validationErrors")
    fields = {
        "name": str(meta.get("name") or ""),
        "phase": str(status.get("phase") or ""),
        "failure_reason": str(status.get("failureReason") or ""),
        "validation_errors": tuple(str(v) for v in validation) if isinstance(validation, list) else (),
        "errors": count(status.get("errors")) or 0,
    }
    return fields, status


class VeleroOperation(Protocol):
    """The shared fields, as a parsed Backup or Restore holds them."""

    @property
    def name(self) -> str: ...
    @property
    def failure_reason(self) -> str: ...
    @property
    def validation_errors(self) -> tuple[str, ...]: ...
    @property
    def errors(self) -> int: ...


def failure_text(kind: str, operation: VeleroOperation) -> str:
    """Why Velero failed a Backup or Restore (`kind`: backup | restore), in the words it gives."""
    if operation.failure_reason:
        return operation.failure_reason
    if operation.validation_errors:
        return "; ".join(operation.validation_errors)
    if operation.errors:
        return f"{operation.errors} errors (see `velero {kind} describe {operation.name} --details`)"
    return "no reason given"
