"""What one external commit means for one store directory it touched (the I/O step of the git-side
sync). `sync_batch` applies the common cases of a whole batch in bulk and brings the rest here, one
directory at a time (a savepoint inside the batch's transaction)."""

from __future__ import annotations

from dataclasses import dataclass

from psycopg import errors as pg_errors

from storefleet.api.auth import repository as users
from storefleet.api.core.actor import Actor
from storefleet.api.db.pool import Connection
from storefleet.api.domain import audit, move_stages, stores_repository
from storefleet.api.domain import lifecycle_service as lifecycle
from storefleet.api.domain import move_repository as moves
from storefleet.api.domain.lifecycle import Event, StoreStatus
from storefleet.api.domain.lifecycle_service import Occurrence
from storefleet.api.domain.store_rows import StoreRow, new_store
from storefleet.renderer.manifests import fleet_root, parse_store_yaml
from storefleet.renderer.model import CommitInfo
from storefleet.renderer.spec import StoreSpec

SYNC = Actor.system("git-sync")
GONE = (StoreStatus.DELETING, StoreStatus.DELETED)


@dataclass(frozen=True)
class Location:
    """Where a store directory is: its cluster's root (None: the home root), tenant and store id."""

    cluster: str | None
    tenant: str
    store_id: str


@dataclass(frozen=True)
class DirState:
    """A store directory at a commit: gone, present without store.yaml, or present with it."""

    exists: bool
    store_yaml: bytes | None


def origin(commit: CommitInfo) -> dict[str, str]:
    return {"commit": commit.sha, "author": commit.author, "summary": commit.summary}


async def apply_directory(conn: Connection, commit: CommitInfo, located: Location, state: DirState) -> str:
    store_id = located.store_id
    async with conn.transaction():
        store = await stores_repository.get_store(conn, store_id, for_update=True)
        if store is not None and cluster_of(store) != located.cluster:
            copy = await _moving_copy(conn, commit, store, located, state)
            if copy is not None:
                return copy
        if not state.exists:
            if store is not None and cluster_of(store) != located.cluster:
                return f"nothing to delete: {store_id} is under {fleet_root(cluster_of(store))}"
            return await _removed(conn, commit, store)
        spec, problem = read_spec(state, located)
        if spec is None:
            await audit.record(
                conn,
                "fleet.invalid_store_dir",
                SYNC,
                store_id=store_id,
                tenant=store.owner_id if store else None,
                detail={**origin(commit), "problem": problem},
            )
            return f"ignored {store_id}: {problem}"
        if store is None:
            return await _adopt(conn, commit, spec)
        return await _changed(conn, commit, store, spec)


def read_spec(state: DirState, located: Location) -> tuple[StoreSpec | None, str]:
    if state.store_yaml is None:
        return None, "the directory has no store.yaml"
    try:
        spec = parse_store_yaml(state.store_yaml)
    except ValueError as exc:
        return None, f"store.yaml is not valid: {exc}"
    if (spec.store_id, spec.tenant) != (located.store_id, located.tenant):
        return None, "store.yaml names another store or tenant than its directory"
    if spec.cluster != located.cluster:
        named = spec.cluster or "(home)"
        return None, f"store.yaml names cluster {named} but lies under {fleet_root(located.cluster)}"
    return spec, ""


async def _moving_copy(
    conn: Connection, commit: CommitInfo, store: StoreRow, located: Location, state: DirState
) -> str | None:
    """The store's directory under the root a move in flight is copying it to (docs/clusters.md
    "Moving a store"): its removal (a `git revert` of the move's create commit) ends the move; a
    change to it is not the store's spec and is left to the move. None: no such move."""
    move = await moves.move_in_flight(conn, store.id, for_update=True)
    if move is None or not move.target_created or (move.target_spec or {}).get("cluster") != located.cluster:
        return None
    if not state.exists:
        reason = (
            f"the store's directory on {move.target_cluster} was removed in git by {commit.author}"
            f" ({commit.sha[:12]})"
        )
        await move_stages.end_reverted(conn, store.id, located.cluster, reason, SYNC)
        return f"move of {store.id} to {move.target_cluster} ended: {reason}"
    await audit.record(
        conn, "fleet.move_copy_changed", SYNC, store_id=store.id, tenant=store.owner_id,
        detail={**origin(commit), "cluster": move.target_cluster},
    )  # fmt: skip
    return f"ignored {store.id}: its directory on {move.target_cluster} belongs to a move in flight"


def cluster_of(store: StoreRow) -> str | None:
    cluster = (store.spec or {}).get("cluster")
    return str(cluster) if cluster else None


async def _removed(conn: Connection, commit: CommitInfo, store: StoreRow | None) -> str:
    if store is None or store.status in GONE:
        return "nothing to delete"
    message = f"removed from the fleet repo by {commit.author} in {commit.sha[:12]}"
    await lifecycle.offer(conn, Occurrence(store, Event.DELETE, message, detail=origin(commit)), SYNC)
    await stores_repository.set_store_fields(conn, "last_commit_sha", {store.id: commit.sha})
    return f"deleting {store.id}"


async def _changed(conn: Connection, commit: CommitInfo, store: StoreRow, spec: StoreSpec) -> str:
    await stores_repository.set_store_fields(conn, "last_commit_sha", {store.id: commit.sha})
    if spec.spec_hash == store.spec_hash:
        return f"unchanged {store.id}"
    status = store.status
    if status in GONE:
        return f"ignored {store.id}: it is {status}"
    before = StoreSpec.model_validate(store.spec).to_document()
    await stores_repository.update_spec(conn, store.id, spec.to_document(), spec.spec_hash)
    if spec.cluster != cluster_of(store):  # moved by hand to another cluster's root (no data moves)
        await stores_repository.place_by_spec(conn, store.id)
    message = f"changed in git by {commit.author} ({commit.sha[:12]}); waiting for the cluster to apply"
    await lifecycle.offer(conn, Occurrence(store, Event.SPEC_CHANGED, message, detail=origin(commit)), SYNC)
    await audit.record(
        conn,
        "store.changed_in_git",
        SYNC,
        store_id=store.id,
        tenant=store.owner_id,
        before=before,
        after=spec.to_document(),
        detail=origin(commit),
    )
    return f"updated {store.id}"


async def _adopt(conn: Connection, commit: CommitInfo, spec: StoreSpec) -> str:
    owner = await users.get_user(conn, spec.tenant)
    if owner is None or not owner.is_active:
        await audit.record(conn, "fleet.unknown_tenant", SYNC, store_id=spec.store_id, detail=origin(commit))
        return f"ignored {spec.store_id}: unknown tenant {spec.tenant}"
    message = f"adopted from the fleet repo ({commit.sha[:12]}); waiting for the cluster to apply"
    new = new_store(spec, message)
    try:
        async with conn.transaction():
            await lifecycle.create(conn, new, Event.ADOPTED)
    except pg_errors.UniqueViolation:
        await audit.record(
            conn,
            "fleet.adopt_conflict",
            SYNC,
            store_id=spec.store_id,
            tenant=spec.tenant,
            detail={**origin(commit), "problem": f"the tenant already has a store named {spec.name}"},
        )
        return f"ignored {spec.store_id}: name taken"
    await stores_repository.set_store_fields(conn, "last_commit_sha", {spec.store_id: commit.sha})
    await stores_repository.place_by_spec(conn, spec.store_id)
    await audit.record(
        conn,
        "store.adopted",
        SYNC,
        store_id=spec.store_id,
        tenant=spec.tenant,
        after=spec.to_document(),
        detail=origin(commit),
    )
    return f"adopted {spec.store_id}"
