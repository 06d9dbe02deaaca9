"""Rollback: a store's desired state taken back through a new commit, never by rewriting history.

Two shapes, each read from git (`_read_target`) and then planned against the store's current spec
(`_plan`, pure), which changes nothing, so the same steps answer previews:
- revert: `git revert` of one of the store's commits (default: its latest). The fields that commit
  changed go back to what they were before it; fields changed by later commits keep their values.
  Reverting the commit that created the store deletes it.
- restore: the settings the store had at one of its commits ("roll back to this commit"), i.e. every
  later change undone at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from storefleet.api.core.actor import Actor
from storefleet.api.core.errors import Conflict, NotFound
from storefleet.api.db.pool import Connection
from storefleet.api.domain.store_rows import StoreRow
from storefleet.api.fleet.reader import FleetReader, HistoryEntry
from storefleet.api.stores.service import delete_store, get_visible
from storefleet.api.stores.updates import apply_spec, spec_changes
from storefleet.renderer.manifests import store_dir
from storefleet.renderer.spec import StoreSpec

HISTORY_DEPTH = 500  # commits of one store searched for the target


class NothingToRollBack(Conflict):
    code = "NOTHING_TO_ROLL_BACK"


class CommitNotFound(NotFound):
    code = "COMMIT_NOT_FOUND"


@dataclass(frozen=True)
class RollbackPlan:
    mode: Literal["revert", "restore"]
    commit: str  # the full sha the rollback is about
    deletes_store: bool
    changes: dict[str, list[Any]]  # field -> [current value, value after the rollback]
    spec: StoreSpec | None  # the desired spec afterwards; None when the store is deleted


async def _find_commit(
    reader: FleetReader, store: StoreRow, directory: str, commit: str | None
) -> HistoryEntry:
    history = await reader.history(directory, limit=HISTORY_DEPTH, needs=store.last_commit_sha)
    target = next((c for c in history if commit is None or c.sha.startswith(commit)), None)
    if target is not None:
        return target
    if commit is None:
        raise NothingToRollBack("The store has no commit in the fleet repo yet.")
    raise CommitNotFound(f"Commit {commit} is not in this store's history.")


@dataclass(frozen=True)
class _Target:
    mode: Literal["revert", "restore"]
    commit: str
    wanted: dict[str, Any] | None  # the fields to set; None: the store goes (its creation reverted)


async def _read_target(
    reader: FleetReader, store: StoreRow, *, commit: str | None, to_commit: str | None
) -> _Target:
    """The git side of a rollback: which commit, and what the store's fields should become."""
    directory = store_dir(StoreSpec.model_validate(store.spec))
    target = await _find_commit(reader, store, directory, to_commit or commit)
    after = await reader.spec_at(target.sha, directory)
    if after is None:
        raise NothingToRollBack("That commit deleted the store; a deletion cannot be rolled back.")
    if to_commit is not None:
        return _Target("restore", target.sha, after.to_document())
    before = await reader.spec_at(f"{target.sha}^", directory) if target.parents else None
    if before is None:
        return _Target("revert", target.sha, None)
    earlier = before.to_document()
    reverted = spec_changes(earlier, after.to_document())
    # A field the commit set for the first time (branding, backups) is unset again: absent before.
    return _Target("revert", target.sha, {k: earlier.get(k) for k in reverted})


def _plan(target: _Target, store: StoreRow) -> RollbackPlan:
    """Pure: the target applied to the store's current spec."""
    if target.wanted is None:
        return RollbackPlan(target.mode, target.commit, True, {}, None)
    current = StoreSpec.model_validate(store.spec)
    spec = StoreSpec.model_validate({**current.to_document(), **target.wanted})
    changes = spec_changes(current.to_document(), spec.to_document())
    if not changes:
        when = "before that commit" if target.mode == "revert" else "at that commit"
        raise NothingToRollBack(f"The store already has the settings it had {when}.")
    return RollbackPlan(target.mode, target.commit, False, changes, spec)


async def preview_rollback(
    conn: Connection,
    reader: FleetReader,
    actor: Actor,
    store_id: str,
    *,
    commit: str | None,
    to_commit: str | None,
) -> RollbackPlan:
    """What the rollback would do, changing nothing."""
    store = await get_visible(conn, actor, store_id)
    return _plan(await _read_target(reader, store, commit=commit, to_commit=to_commit), store)


async def rollback_store(
    conn: Connection,
    reader: FleetReader,
    actor: Actor,
    store_id: str,
    *,
    commit: str | None,
    to_commit: str | None,
) -> StoreRow:
    """Read git outside the store's row lock; apply to the spec the lock protects."""
    store = await get_visible(conn, actor, store_id)
    target = await _read_target(reader, store, commit=commit, to_commit=to_commit)
    if target.wanted is None:
        return await delete_store(conn, actor, store_id, params={"reverts": target.commit})
    async with conn.transaction():
        store = await get_visible(conn, actor, store_id, for_update=True)
        plan = _plan(target, store)
        assert plan.spec is not None
        key = "reverts" if plan.mode == "revert" else "restores"
        params = {key: plan.commit, "changes": plan.changes}
        return await apply_spec(conn, actor, store, plan.spec, "rollback", params)
