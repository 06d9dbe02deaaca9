"""The rows of the `stores` table as the store domain hands them out: frozen and typed, so no layer
reads a column by a string key. Built by the stores repository's row factories; no I/O here."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, fields
from datetime import datetime
from operator import itemgetter
from typing import Any, TypeVar

from storefleet.api.domain.credentials_rotation import (
    ROTATION_COLUMNS,
    CredentialsRotation,
    rotation_from_columns,
)
from storefleet.api.domain.lifecycle import StoreStatus
from storefleet.renderer.spec import StoreSpec

# The columns a StoreRow is built from (`store_row`), in SELECT order.
STORE_COLUMNS = (
    "id, owner_id, name, engine, theme, plan, template, branding, status, status_message, error, spec,"
    " spec_hash, last_commit_sha, created_at, updated_at, deleted_at, status_changed_at, committed_at,"
    f" pull_request_url, pinned_at, pinned_by, pin_reason, cluster_id, {ROTATION_COLUMNS}"
)


@dataclass(frozen=True, slots=True)
class StoreSummary:
    """A store as a list shows it: every column but the spec document."""

    id: str
    owner_id: str
    name: str
    engine: str
    theme: str | None
    plan: str
    template: str
    branding: dict[str, Any] | None
    status: StoreStatus
    status_message: str | None
    error: str | None
    spec_hash: str
    last_commit_sha: str | None
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None
    status_changed_at: datetime
    committed_at: datetime | None
    pull_request_url: str | None
    pinned_at: datetime | None  # pinned: kept out of fleet-wide rollouts (with who and why)
    pinned_by: str | None
    pin_reason: str | None
    cluster_id: str | None  # where the store runs (None: made before placement, on the home cluster)
    credentials_rotation: CredentialsRotation | None  # the latest rotation of its admin password


@dataclass(frozen=True, slots=True)
class StoreRow(StoreSummary):
    """A whole store, with its desired spec (the document `renderer.spec.StoreSpec` validates)."""

    spec: dict[str, Any]


@dataclass(frozen=True, slots=True)
class ConvergingStore:
    """A store as the cluster watcher judges it: what the cluster must converge to, and the setup and
    retry bookkeeping that decide how."""

    id: str
    owner_id: str
    engine: str
    status: StoreStatus
    status_message: str | None
    spec: dict[str, Any]
    spec_hash: str
    last_commit_sha: str | None
    status_changed_at: datetime
    committed_at: datetime | None
    setup_done_key: str | None
    setup_generation: int
    setup_started_key: str | None
    retry_token: str | None
    retry_requested_at: datetime | None
    updated_at: datetime
    last_request_id: str | None
    change_pending: bool  # a change still waits in the outbox or in an open pull request
    # A store deleted with `keep_backup`: the final Velero Backup its removal waits for (None: none).
    final_backup: str | None = None


@dataclass(frozen=True, slots=True)
class NewStore:
    """A store about to be inserted; the lifecycle service picks its first status."""

    id: str
    owner_id: str
    name: str
    engine: str
    theme: str | None
    plan: str
    template: str
    branding: dict[str, Any] | None
    status_message: str | None
    spec: dict[str, Any]
    spec_hash: str
    cluster_id: str | None = None


def new_store(spec: StoreSpec, status_message: str, cluster_id: str | None = None) -> NewStore:
    """The row of a store that starts from `spec`; its owner is the spec's tenant."""
    document = spec.to_document()
    return NewStore(
        id=spec.store_id,
        owner_id=spec.tenant,
        name=spec.name,
        engine=spec.engine.value,
        theme=spec.theme.value if spec.theme is not None else None,
        plan=spec.plan.value,
        template=spec.catalogue.value,
        branding=document.get("branding"),
        status_message=status_message,
        spec=document,
        spec_hash=spec.spec_hash,
        cluster_id=cluster_id,
    )


@dataclass(frozen=True, slots=True)
class StoreWrites:
    """Columns a batch writes with its stores' status, in the status's own UPDATE (see
    `lifecycle_service.offer_with_writes`)."""

    specs: Mapping[str, tuple[dict[str, Any], str]] = field(default_factory=dict)  # id: (spec, hash)
    # id: (commit, request id): `last_commit_sha`, `committed_at` now, `last_request_id` (None clears it)
    commits: Mapping[str, tuple[str, str | None]] = field(default_factory=dict)

    def ids(self) -> set[str]:
        return {*self.specs, *self.commits}

    def only(self, ids: AbstractSet[str]) -> StoreWrites:
        return StoreWrites(
            {i: v for i, v in self.specs.items() if i in ids},
            {i: v for i, v in self.commits.items() if i in ids},
        )


@dataclass(frozen=True, slots=True)
class ListPosition:
    """A store's place in the store list's order (newest first: `created_at`, then `id`, descending)."""

    created_at: datetime
    id: str


@dataclass(frozen=True, slots=True)
class StoreQuery:
    owner_id: str | None  # None: every owner (admins)
    status: str | None
    engine: str | None
    limit: int
    offset: int
    name_contains: str | None = None
    template: str | None = None
    pinned: bool | None = None
    after: ListPosition | None = None  # keyset page: the stores after this one (then `offset` is 0)
    count_total: bool = True  # False: skip the count (a count over 100,000 stores costs ~20 ms)


@dataclass(frozen=True, slots=True)
class StorePage:
    stores: list[StoreSummary]
    total: int | None  # None when the query asked not to count
    next_after: ListPosition | None  # the last store of the page, when more follow it


def _typed(columns: dict[str, Any]) -> dict[str, Any]:
    rotation = rotation_from_columns(columns)
    return {**columns, "status": StoreStatus(columns["status"]), "credentials_rotation": rotation}


def store_row(**columns: Any) -> StoreRow:
    return StoreRow(**_typed(columns))


Whole = TypeVar("Whole", StoreRow, StoreSummary)
_ROTATION_NAMES = [name.strip() for name in ROTATION_COLUMNS.split(",")]


def row_maker(cls: type[Whole], names: Sequence[str]) -> Callable[[Sequence[Any]], Whole]:
    """What `store_row` makes of a row of the columns `names` (a `StoreSummary` without the spec),
    made positionally: a wave reads 5,000 stores at once, and a dict of each row's ~30 columns,
    unpacked into the dataclass and its rotation, cost ~12 µs a store."""
    index = {name: i for i, name in enumerate(names)}
    order = [f.name for f in fields(cls)]
    # Each field's column (a missing one is a KeyError, as `store_row` would refuse the row); the
    # rotation, from its columns, is filled in below.
    pick = itemgetter(*(index[n] if n != "credentials_rotation" else 0 for n in order))
    status_at, rotation_at = order.index("status"), order.index("credentials_rotation")
    rotation = [index[name] for name in _ROTATION_NAMES]
    state_at = index["rotation_state"]

    def make(values: Sequence[Any]) -> Whole:
        row = list(pick(values))
        row[status_at] = StoreStatus(row[status_at])
        if values[state_at] is None:  # never rotated, as `rotation_from_columns` reads it
            row[rotation_at] = None
        else:
            row[rotation_at] = rotation_from_columns(
                dict(zip(_ROTATION_NAMES, itemgetter(*rotation)(values), strict=True))
            )
        return cls(*row)

    return make


def converging_store(**columns: Any) -> ConvergingStore:
    return ConvergingStore(**{**columns, "status": StoreStatus(columns["status"])})


# ---- which stores one cluster's watcher judges -----------------------------------------------------
SETTINGS_SCOPE = "settings"  # a watcher of the settings cluster: its stores and the unplaced ones
_SETTINGS_STORES = (
    " AND (s.cluster_id IS NULL OR s.cluster_id IN (SELECT id FROM clusters WHERE origin = 'settings'))"
)


def scope_filter(scope: str | None) -> str:
    """Which stores one cluster's watcher judges: None, every store (one cluster, or a test's
    watcher); `SETTINGS_SCOPE`, the settings cluster's and those made before placement; else the
    stores of the cluster with that id."""
    if scope is None:
        return ""
    if scope == SETTINGS_SCOPE:
        return _SETTINGS_STORES
    return " AND s.cluster_id = %(scope)s"
