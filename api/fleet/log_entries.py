"""A fleet-repo commit as a fleet-log entry (pure): who made it, what it did, which stores it touched.

Who made it is read from the commit alone, plus the merge commits of the platform's pull requests:
- `rollout`: a rollout's wave, its revert or its chart commit (`Rollout-Id` trailer);
- `platform`: a change the platform wrote (`Change-Id` and `Store-Id` trailers), named by who asked;
- `pull_request`: the merge commit of one of the platform's pull requests (`#<number>`);
- `push`: anything else, a person's commit, named by its author (a commit without trailers by the
  platform's own git identity, such as the repo's first commit from the gitops-template, is `platform`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from storefleet.renderer.commit_message import (
    ACTION,
    CHANGE_ID,
    REQUESTED_BY,
    ROLLOUT_ID,
    ROLLOUT_WAVE,
    STORE_ID,
)
from storefleet.renderer.manifests import parse_store_dir
from storefleet.renderer.model import CommitInfo

EXTERNAL = "external"


class ActorKind(StrEnum):
    PLATFORM = "platform"
    PUSH = "push"
    PULL_REQUEST = "pull_request"
    ROLLOUT = "rollout"


@dataclass(frozen=True, slots=True)
class TouchedStore:
    store_id: str
    tenant: str


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One commit of the fleet branch as the fleet log keeps it."""

    sha: str
    committed_at: str  # ISO 8601
    summary: str
    actor_kind: ActorKind
    actor: str
    action: str
    rollout_id: str | None
    rollout_wave: int | None
    stores: tuple[TouchedStore, ...]


def touched_stores(paths: tuple[str, ...]) -> tuple[TouchedStore, ...]:
    """Each store directory among `paths` once, in first-seen order (a store under two roots, moved
    between clusters, is one store)."""
    seen: dict[str, TouchedStore] = {}
    for path in paths:
        found = parse_store_dir(path)
        if found is not None:
            _, tenant, store_id = found
            seen.setdefault(store_id, TouchedStore(store_id, tenant))
    return tuple(seen.values())


def _actor(
    commit: CommitInfo, merged_pulls: Mapping[str, int], platform_author: str
) -> tuple[ActorKind, str]:
    trailers = commit.trailers
    if commit.sha in merged_pulls:
        return ActorKind.PULL_REQUEST, f"#{merged_pulls[commit.sha]}"
    if trailers.get(ROLLOUT_ID):
        return ActorKind.ROLLOUT, trailers[ROLLOUT_ID]
    if trailers.get(CHANGE_ID) and trailers.get(STORE_ID):
        return ActorKind.PLATFORM, trailers.get(REQUESTED_BY) or commit.author
    if not trailers and commit.author == platform_author:
        return ActorKind.PLATFORM, commit.author
    return ActorKind.PUSH, commit.author


def _action(commit: CommitInfo, kind: ActorKind) -> str:
    # A person's commit may copy trailers (a cherry-pick): its action is still theirs, not ours.
    action = commit.trailers.get(ACTION, "") if kind is not ActorKind.PUSH else ""
    return action[:40] or EXTERNAL


def log_entry(commit: CommitInfo, merged_pulls: Mapping[str, int], platform_author: str = "") -> LogEntry:
    """`merged_pulls`: {merge commit: pull request number} of the platform's merged pull requests;
    `platform_author`: the name the platform's commits are authored by."""
    kind, actor = _actor(commit, merged_pulls, platform_author)
    wave = commit.trailers.get(ROLLOUT_WAVE, "")
    return LogEntry(
        sha=commit.sha,
        committed_at=commit.time,
        summary=commit.summary[:500],
        actor_kind=kind,
        actor=actor[:200],
        action=_action(commit, kind),
        rollout_id=commit.trailers.get(ROLLOUT_ID),
        rollout_wave=int(wave) if wave.isdigit() else None,
        stores=touched_stores(commit.paths),
    )


def revert_refusal(actor_kind: ActorKind, store_count: int, store_live: bool) -> str | None:
    """Why a commit cannot be reverted from the fleet log (None: it can, through its store's rollback):
    a rollout's commit is undone by the rollout (abort, which reverts its waves); a commit of no store
    or of several has no one store whose rollback would undo it; a deleted store has nothing to roll
    back."""
    if actor_kind is ActorKind.ROLLOUT:
        return "a rollout's commit: abort or revert the rollout instead"
    if store_count == 0:
        return "it changes no store"
    if store_count > 1:
        return "it changes several stores: revert it in git"
    if not store_live:
        return "the store is deleted"
    return None
