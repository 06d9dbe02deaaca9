"""Many external commits applied in one transaction (the git-side sync's batch; its caller records the
batch's position in the same transaction).

The store directories the batch's commits touched are locked at once (`FOR UPDATE`, in id order) and
each (commit, directory) is decided in order against the rows as the earlier ones left them in
memory: edits, removals and unreadable directories become bulk writes (the specs, the lifecycle
events offered together, `last_commit_sha`, the audit rows), flushed in a few statements. The rare
cases that need more than the row — an adoption (its tenant, the name's uniqueness), a directory of
another cluster's root than the store's (a move's copy, a store moved by hand) — flush what is
pending and go through `sync_apply.apply_directory`, so that every effect keeps its commit order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from storefleet.api.db.pool import Connection
from storefleet.api.domain import audit, stores_repository
from storefleet.api.domain import lifecycle_service as lifecycle
from storefleet.api.domain.audit_repository import AuditEventRow
from storefleet.api.domain.lifecycle import Event, next_status
from storefleet.api.domain.lifecycle_service import Occurrence
from storefleet.api.domain.store_rows import StoreRow
from storefleet.api.fleet import sync_apply
from storefleet.api.fleet.sync_apply import SYNC, DirState, Location
from storefleet.renderer.model import CommitInfo
from storefleet.renderer.spec import StoreSpec


@dataclass(frozen=True)
class Touched:
    """One store directory one external commit touched, read (and its store.yaml parsed) at it."""

    commit: CommitInfo
    located: Location
    state: DirState
    spec: StoreSpec | None  # None: removed, or not a valid store.yaml (`problem` says why)
    problem: str = ""


def touched(commit: CommitInfo, located: Location, state: DirState) -> Touched:
    """Parse once, where the directory is read (the worker thread, off the event loop)."""
    if not state.exists:
        return Touched(commit, located, state, None)
    spec, problem = sync_apply.read_spec(state, located)
    return Touched(commit, located, state, spec, problem)


@dataclass
class _Pending:
    """The bulk writes decided so far, in the order they must reach the database."""

    specs: dict[str, tuple[StoreSpec, dict[str, object]]] = field(default_factory=dict)  # last wins
    occurrences: list[Occurrence[StoreRow]] = field(default_factory=list)
    commits: dict[str, str] = field(default_factory=dict)  # store id -> its last commit
    audits: list[AuditEventRow] = field(default_factory=list)

    async def flush(self, conn: Connection) -> None:
        changes = [(store_id, document, spec.spec_hash) for store_id, (spec, document) in self.specs.items()]
        await stores_repository.update_specs(conn, changes)
        await lifecycle.offer_many(conn, self.occurrences, SYNC)
        await stores_repository.set_store_fields(conn, "last_commit_sha", self.commits)
        if self.audits:
            await audit.record_many(conn, self.audits)
        self.specs, self.occurrences, self.commits, self.audits = {}, [], {}, []


async def apply_batch(conn: Connection, batch: Sequence[Touched]) -> list[str]:
    """Apply every touched directory in order, inside the caller's transaction; one action each."""
    ids = sorted({item.located.store_id for item in batch})
    rows: dict[str, StoreRow] = await stores_repository.get_stores(conn, ids, for_update=True)
    pending = _Pending()
    actions = []
    for item in batch:
        store_id = item.located.store_id
        store = rows.get(store_id)
        if _needs_whole_path(item, store):
            await pending.flush(conn)
            actions.append(await sync_apply.apply_directory(conn, item.commit, item.located, item.state))
            reread = await stores_repository.get_store(conn, store_id, for_update=True)
            if reread is None:
                rows.pop(store_id, None)
            else:
                rows[store_id] = reread
            continue
        action, after = _decide(item, store, pending)
        if after is not None:
            rows[store_id] = after
        actions.append(action)
    await pending.flush(conn)
    return actions


def _needs_whole_path(item: Touched, store: StoreRow | None) -> bool:
    if store is None:
        return item.spec is not None  # an adoption (a removal or a bad directory of no store is cheap)
    return sync_apply.cluster_of(store) != item.located.cluster


def _decide(item: Touched, store: StoreRow | None, pending: _Pending) -> tuple[str, StoreRow | None]:
    """What `sync_apply.apply_directory` would do for a store of this root (or no store, for a removal
    or a bad directory), as pending writes; the store row as it leaves it (None: unchanged)."""
    commit, origin = item.commit, sync_apply.origin(item.commit)
    if not item.state.exists:
        if store is None or store.status in sync_apply.GONE:
            return "nothing to delete", None
        message = f"removed from the fleet repo by {commit.author} in {commit.sha[:12]}"
        pending.occurrences.append(Occurrence(store, Event.DELETE, message, detail=origin))
        pending.commits[store.id] = commit.sha
        return f"deleting {store.id}", _after_event(store, Event.DELETE)
    if item.spec is None:
        tenant = store.owner_id if store else None
        row = audit.event_row(
            "fleet.invalid_store_dir", SYNC, store_id=item.located.store_id, tenant=tenant,
            detail={**origin, "problem": item.problem},
        )  # fmt: skip
        pending.audits.append(row)
        return f"ignored {item.located.store_id}: {item.problem}", None
    assert store is not None  # `_needs_whole_path` took the adoptions
    return _changed(item, item.spec, store, pending)


def _changed(
    item: Touched, spec: StoreSpec, store: StoreRow, pending: _Pending
) -> tuple[str, StoreRow | None]:
    commit, origin = item.commit, sync_apply.origin(item.commit)
    pending.commits[store.id] = commit.sha
    if spec.spec_hash == store.spec_hash:
        return f"unchanged {store.id}", None
    if store.status in sync_apply.GONE:
        return f"ignored {store.id}: it is {store.status}", None
    before = StoreSpec.model_validate(store.spec).to_document()
    after = spec.to_document()
    pending.specs[store.id] = (spec, after)
    message = f"changed in git by {commit.author} ({commit.sha[:12]}); waiting for the cluster to apply"
    pending.occurrences.append(Occurrence(store, Event.SPEC_CHANGED, message, detail=origin))
    pending.audits.append(
        audit.event_row(
            "store.changed_in_git", SYNC, store_id=store.id, tenant=store.owner_id, before=before,
            after=after, detail=origin,
        )
    )  # fmt: skip
    return f"updated {store.id}", replace(
        _after_event(store, Event.SPEC_CHANGED), spec=after, spec_hash=spec.spec_hash
    )


def _after_event(store: StoreRow, event: Event) -> StoreRow:
    """The row once the lifecycle took `event` (the batch holds the row's lock: nothing else moves it)."""
    return replace(store, status=next_status(store.status, event) or store.status)
