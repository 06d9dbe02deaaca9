"""Commit messages of the fleet repo (pure): a human summary line, then machine-readable trailers.

The trailers are a contract: the git-side sync and the watcher parse them to tell the platform's
own commits (and which outbox change each one carries) from commits made by people.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

STORE_ID = "Store-Id"
TENANT = "Tenant"
ACTION = "Action"
REQUEST_ID = "Request-Id"
SPEC_HASH = "Spec-Hash"
CHANGE_ID = "Change-Id"  # the outbox row: lets a restarted writer find changes it already pushed
REQUESTED_BY = "Requested-By"

ACTIONS = ("create", "update", "delete", "rollback")


@dataclass(frozen=True)
class ChangeRecord:
    action: str  # one of ACTIONS
    change_id: int
    store_id: str
    store_name: str
    tenant: str
    engine: str | None
    spec_hash: str | None
    request_id: str | None
    actor: str | None
    details: dict[str, Any] = field(default_factory=dict)


def _summary(change: ChangeRecord) -> str:
    name = change.store_name
    if change.action == "create":
        return f"store: create {name} ({change.engine}) for tenant {change.tenant}"
    if change.action == "delete":
        return f"store: delete {name}"
    if change.action == "rollback":
        reverted = str(change.details.get("reverts", ""))[:12]
        restored = str(change.details.get("restores", ""))[:12]
        if restored:
            return f"store: roll back {name} (to {restored})"
        return f"store: roll back {name}" + (f" (revert {reverted})" if reverted else "")
    changed = change.details.get("changes") or {}
    parts = [f"{key} {old} -> {new}" for key, (old, new) in sorted(changed.items())]
    return f"store: update {name}" + (f" ({', '.join(parts)})" if parts else "")


def commit_message(change: ChangeRecord) -> str:
    trailers = {
        STORE_ID: change.store_id,
        TENANT: change.tenant,
        ACTION: change.action,
        REQUEST_ID: change.request_id,
        SPEC_HASH: change.spec_hash,
        CHANGE_ID: str(change.change_id),
        REQUESTED_BY: change.actor,
    }
    block = "\n".join(f"{key}: {value}" for key, value in trailers.items() if value)
    return f"{_summary(change)}\n\n{block}\n"
