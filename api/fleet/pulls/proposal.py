"""What a pull request for one outbox change says and contains. Pure: no GitHub, no database.

A change becomes one branch `storefleet/<store-id>/<short-spec-hash>` (deletes: `.../delete`), one
commit with the same message and trailers as push mode, and one pull request whose title and body
explain the change to a reviewer: tenant, store, engine, what changes, who asked, the request id,
and how to roll it back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from storefleet.renderer.commit_message import ChangeRecord
from storefleet.renderer.model import DirectoryChange

BRANCH_PREFIX = "storefleet"
FILE_MODE = "100644"
_SHORT = 12


@dataclass(frozen=True)
class TreeEntry:
    """One path of the commit's tree: new content, or None to delete the path."""

    path: str
    content: str | None


@dataclass(frozen=True)
class Proposal:
    branch: str
    title: str
    body: str
    message: str
    entries: tuple[TreeEntry, ...]


def branch_name(record: ChangeRecord) -> str:
    suffix = "delete" if record.action == "delete" else (record.spec_hash or str(record.change_id))[:_SHORT]
    return f"{BRANCH_PREFIX}/{record.store_id}/{suffix}"


def tree_entries(change: DirectoryChange, existing: list[str]) -> tuple[TreeEntry, ...]:
    """The store directory replaced: every rendered file inline, every file it had that the new
    rendering lacks deleted. `existing`: the file names the directory has on the base branch."""
    return directory_entries(change.directory, change.files, existing)


def directory_entries(
    directory: str, files: dict[str, bytes] | None, existing: list[str]
) -> tuple[TreeEntry, ...]:
    files = files or {}
    written = [TreeEntry(f"{directory}/{name}", data.decode()) for name, data in sorted(files.items())]
    removed = [TreeEntry(f"{directory}/{name}", None) for name in sorted(set(existing) - set(files))]
    return (*written, *removed)


def propose_group(change: DirectoryChange, existing: dict[str, list[str]], group: str) -> Proposal:
    """A rollout wave (or its revert) as one pull request: every store directory of the wave in one
    commit, whose message carries the rollout's trailers; the gate starts once it is merged."""
    entries = tuple(e for d, files in change.edits for e in directory_entries(d, files, existing.get(d, [])))
    directories = [d for d, _ in change.edits]
    listed = [f"- `{d}/`" for d in directories[:50]]
    if len(directories) > 50:
        listed.append(f"- … and {len(directories) - 50} more")
    body = "\n".join([
        change.message.split("\n", 1)[0] + ".",
        "",
        "### What changes",
        f"Each store below moves only its chart version ({len(directories)} stores); nothing else of theirs.",
        *listed,
        "",
        "### After merging",
        "The platform waits for every store to be ready at the merge commit (and the rollout's soak and"
        " probe), then proposes the next wave. A failed gate is answered with a revert, proposed the same"
        " way.",
        "",
        "### Rolling back",
        "Close this pull request to refuse the wave, or revert its merge commit later: the rollout shows it.",
    ])  # fmt: skip
    return Proposal(
        f"{BRANCH_PREFIX}/rollout/{group}", change.message.split("\n", 1)[0], body, change.message, entries
    )


def propose_chart(change: DirectoryChange) -> Proposal:
    """The chart version's own commit, first in its wave's pull request."""
    entries = directory_entries(change.directory, change.files, [])
    return Proposal("", change.message.split("\n", 1)[0], "", change.message, entries)


def _values(changes: dict[str, Any]) -> list[str]:
    return [f"| `{field}` | `{old}` | `{new}` |" for field, (old, new) in sorted(changes.items())]


def _what_changes(record: ChangeRecord) -> list[str]:
    changes = record.details.get("changes") or {}
    if record.action == "create":
        return [f"A new **{record.engine}** store, `{record.store_name}`, in namespace `{record.store_id}`."]
    if record.action == "delete":
        return [
            f"The store `{record.store_name}` and everything in namespace `{record.store_id}` is removed."
        ]
    lines = []
    if record.details.get("reverts"):
        lines.append(f"Reverts commit `{str(record.details['reverts'])[:_SHORT]}`.")
    if record.details.get("restores"):
        lines.append(f"Restores the settings of commit `{str(record.details['restores'])[:_SHORT]}`.")
    if changes:
        lines += ["", "| value | now | after this change |", "|---|---|---|", *_values(changes)]
    return lines or ["The store's rendering changes (no value of its own)."]


def _how_to_roll_back(record: ChangeRecord) -> str:
    if record.action == "delete":
        return "A merged deletion cannot be rolled back; the store would have to be created again."
    return (
        "Close this pull request to refuse the change. Once merged, revert its commit "
        f"(`git revert`, or `POST /api/v1/stores/{record.store_id}/rollback`): the platform follows."
    )


def propose(record: ChangeRecord, change: DirectoryChange, existing: list[str]) -> Proposal:
    title = change.message.split("\n", 1)[0]
    body = "\n".join(
        [
            f"**{record.action}** of store `{record.store_name}` (`{record.store_id}`) for tenant "
            f"`{record.tenant}`, engine `{record.engine}`.",
            "",
            "### What changes",
            *_what_changes(record),
            "",
            "### Who asked",
            f"- requested by: {record.actor or 'the platform'}",
            f"- request id: `{record.request_id or '-'}` (in the platform's logs and audit trail)",
            f"- outbox change: {record.change_id}",
            "",
            "### Rolling back",
            _how_to_roll_back(record),
            "",
            f"Files: `{change.directory}/` (rendered by storefleet; edit the store through the platform).",
        ]
    )
    return Proposal(branch_name(record), title, body, change.message, tree_entries(change, existing))
