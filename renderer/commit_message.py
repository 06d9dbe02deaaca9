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
    move = change.details.get("move")
    if isinstance(move, dict):  # a commit of a move to another cluster (docs/clusters.md)
        return _move_summary(name, change.action, move)
    if change.action == "create":
        source = change.details.get("restore_from")
        origin = f" from backup {source.get('backup')}" if isinstance(source, dict) else ""
        return f"store: create {name} ({change.engine}) for tenant {change.tenant}{origin}"
    if change.action == "delete":
        return f"store: delete {name}"
    if change.action == "rollback":
        reverted = str(change.details.get("reverts", ""))[:12]
        restored = str(change.details.get("restores", ""))[:12]
        if restored:
            return f"store: roll back {name} (to {restored})"
        return f"store: roll back {name}" + (f" (revert {reverted})" if reverted else "")
    restore = change.details.get("restore")
    if isinstance(restore, dict):  # a stage of an in-place restore (docs/backups.md)
        return f"store: restore {name} from backup {restore.get('backup')} ({restore.get('stage')})"
    changed = change.details.get("changes") or {}
    parts = [f"{key} {old} -> {new}" for key, (old, new) in sorted(changed.items())]
    return f"store: update {name}" + (f" ({', '.join(parts)})" if parts else "")


def _move_summary(name: str, action: str, move: dict[str, Any]) -> str:
    target = move.get("to")
    if action == "create":
        return f"store: move {name} to cluster {target} (create there, restore from backup)"
    if action == "update":
        return f"store: move {name} to cluster {target} (restored: start the release)"
    if move.get("stage") == "failed":
        return f"store: move {name} to cluster {target} failed (remove it there)"
    return f"store: move {name} to cluster {target} (remove it from {move.get('from') or 'the home cluster'})"


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


# ---- rollout commits: one commit for many stores (a wave, or its revert) ---------------------------
ROLLOUT_ID = "Rollout-Id"
ROLLOUT_WAVE = "Rollout-Wave"
STORE_COUNT = "Store-Count"
CHART_VERSION = "Chart-Version"
IMAGE_TAG = "Image-Tag"
VALUES_PATCH = "Values-Patch"  # the patch's digest (sha256 of its canonical JSON, 12 hex digits)
# The outbox rows committed together: lets a restarted writer find a wave it already pushed.
CHANGE_GROUP = "Change-Group"
ROLLOUT_ACTIONS = ("rollout", "rollout-revert")


@dataclass(frozen=True)
class GroupRecord:
    """A commit carrying many stores' changes: a rollout wave (`rollout`) or its revert."""

    action: str  # one of ROLLOUT_ACTIONS
    group: str
    rollout_id: str
    wave: int
    store_count: int
    change: str  # what the stores move to, in a few words: "chart 0.3.0", "image 6.7.2-php8.2-apache"
    first_change_id: int
    actor: str | None
    reason: str | None = None
    change_trailer: tuple[str, str] | None = None  # the change as a trailer, e.g. (CHART_VERSION, "0.3.0")


def group_commit_message(record: GroupRecord) -> str:
    stores = f"{record.store_count} store{'s' if record.store_count != 1 else ''}"
    if record.action == "rollout":
        summary = f"rollout {record.rollout_id}: wave {record.wave}, {stores} -> {record.change}"
    else:
        summary = f"rollout {record.rollout_id}: revert wave {record.wave}, {stores} back"
    body = f"\n\n{record.reason}" if record.reason else ""
    trailers = {
        ROLLOUT_ID: record.rollout_id,
        ROLLOUT_WAVE: str(record.wave),
        ACTION: record.action,
        STORE_COUNT: str(record.store_count),
        **(dict([record.change_trailer]) if record.change_trailer and record.action == "rollout" else {}),
        CHANGE_GROUP: record.group,
        CHANGE_ID: str(record.first_change_id),
        REQUESTED_BY: record.actor,
    }
    block = "\n".join(f"{key}: {value}" for key, value in trailers.items() if value)
    return f"{summary}{body}\n\n{block}\n"


def chart_commit_message(directory: str, version: str, rollout_id: str) -> str:
    return (
        f"chart: add {directory}\n\n"
        f"The store chart version rollout {rollout_id} moves stores to; stores move in later commits.\n\n"
        f"{ROLLOUT_ID}: {rollout_id}\n{CHART_VERSION}: {version}\n{ACTION}: chart\n"
    )
