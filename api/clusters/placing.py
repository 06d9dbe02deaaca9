"""Placing a new store on a cluster: the clusters and their use read from the database, the choice
made by `placement.py` (pure), and the room of a limited cluster taken under its row's lock.

The common case costs one small read: one active cluster without limits needs no count of what the
clusters hold. Counting happens only when several clusters compete or one has limits; a limited
cluster's count is taken again under its row's lock inside the create's transaction, so two creates
never both take its last room (on any replica)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

from storefleet.api.clusters import repository
from storefleet.api.clusters.capacity import Limits, use_of
from storefleet.api.clusters.placement import (
    Candidate,
    PlacementPolicy,
    Refusal,
    Wanted,
    choose,
    fits,
    matching,
    needs_use,
)
from storefleet.api.clusters.repository import ClusterRow
from storefleet.api.core.errors import AppError, Conflict, ValidationFailed
from storefleet.api.db.pool import Connection


class ClusterCapacity(AppError):
    status_code: ClassVar[int] = 429
    code: ClassVar[str] = "CLUSTER_CAPACITY"


class UnknownCluster(ValidationFailed):
    code: ClassVar[str] = "UNKNOWN_CLUSTER"


class NoMatchingCluster(ValidationFailed):
    code: ClassVar[str] = "NO_MATCHING_CLUSTER"


class ClusterNotActive(Conflict):
    code: ClassVar[str] = "CLUSTER_NOT_ACTIVE"


PLACEMENT_REFUSALS: tuple[type[AppError], ...] = (
    ClusterCapacity, UnknownCluster, NoMatchingCluster, ClusterNotActive,
)  # fmt: skip
_REFUSED = {
    "unknown": UnknownCluster, "unmatched": NoMatchingCluster, "not_active": ClusterNotActive,
    "full": ClusterCapacity,
}  # fmt: skip


@dataclass(frozen=True)
class Placed:
    """Where the store goes: its cluster's id (None: no cluster is registered, the pre-placement
    layout) and the name its spec carries (None: the home cluster, whose root is `tenants/`)."""

    cluster_id: str | None
    spec_cluster: str | None
    name: str | None = None
    limited: bool = False  # the room must be taken under the row's lock (`take_room`)


async def place(conn: Connection, wanted: Wanted, tenant: str, policy: PlacementPolicy) -> Placed:
    """The cluster for a new store, or a typed refusal (4xx)."""
    rows = await repository.list_all(conn)
    if not rows:
        return Placed(None, None)
    found = matching(wanted, [_candidate(row) for row in rows])
    if isinstance(found, Refusal):
        raise _REFUSED[found.kind](found.message)
    if needs_use(found):
        found = await _with_use(conn, found, tenant if policy is PlacementPolicy.SPREAD else None)
    chosen = choose(wanted, found, policy)
    if isinstance(chosen, Refusal):
        raise _REFUSED[chosen.kind](chosen.message)
    row = next(row for row in rows if row.id == chosen.id)
    return Placed(row.id, None if row.home else row.name, row.name, chosen.limited)


async def home_cluster_name(conn: Connection) -> str | None:
    """The name of the cluster whose root is `tenants/` (None: no cluster is registered)."""
    return next((row.name for row in await repository.list_all(conn) if row.home), None)


async def take_room(conn: Connection, placed: Placed, wanted: Wanted) -> None:
    """Inside the create's transaction: lock a limited cluster's row and check its room again."""
    if not placed.limited or placed.cluster_id is None:
        return
    row = await repository.lock_for_placement(conn, placed.cluster_id)
    if row is None or row.state != "active":
        raise ClusterNotActive(f"Cluster '{placed.name}' takes no new store now.")
    (candidate,) = await _with_use(conn, [_candidate(row)], None)
    if not fits(candidate, wanted.plan):
        raise ClusterCapacity(f"There is no room for a {wanted.plan.value} store on cluster '{row.name}'.")


async def _with_use(conn: Connection, candidates: list[Candidate], tenant: str | None) -> list[Candidate]:
    ids = [c.id for c in candidates]
    per_plan: dict[str, dict[str, int]] = {}
    for count in await repository.live_stores_by_plan(conn, ids):
        per_plan.setdefault(count.cluster_id, {})[count.plan] = count.stores
    mine = await repository.tenant_stores_by_cluster(conn, tenant) if tenant is not None else {}
    return [
        Candidate(c.id, c.name, c.region, c.labels, c.state, c.limits, use_of(per_plan.get(c.id, {})),
                  mine.get(c.id, 0))
        for c in candidates
    ]  # fmt: skip


def _candidate(row: ClusterRow) -> Candidate:
    limits = Limits(row.max_stores, _float(row.max_cpu_cores), _float(row.max_memory_gib))
    return Candidate(row.id, row.name, row.region, row.labels, row.state, limits)


def _float(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None
