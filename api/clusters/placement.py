"""Where a new store runs (pure): the clusters it may go to, and the one the policy picks.

A store may name its cluster (explicit), or ask for a region and labels; either way only an `active`
cluster with room for one more store of the plan takes it (`capacity.py` weighs the room). Among the
clusters that qualify the policy picks:
- `least_loaded` (the default): the one whose fullest limit would be least full with the store
  (a cluster without limits counts as empty), then the one with the fewest stores;
- `spread`: the one with the fewest stores of the same tenant, then as `least_loaded`, so one
  tenant's shops are spread over clusters (a cluster's outage takes fewer of them at once).
Ties go to the name, so the choice is deterministic.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from storefleet.api.clusters.capacity import Limits, Use, headroom, plan_requests
from storefleet.renderer.spec import Plan


@dataclass(frozen=True)
class ClusterName:
    """Where a store runs, as its answer names it."""

    name: str
    region: str | None


class PlacementPolicy(StrEnum):
    LEAST_LOADED = "least_loaded"
    SPREAD = "spread"


@dataclass(frozen=True)
class Wanted:
    """What the request asks for: a cluster by name, or a region and labels (all optional)."""

    plan: Plan
    cluster: str | None = None
    region: str | None = None
    labels: Mapping[str, str] = field(default_factory=dict)

    @property
    def selective(self) -> bool:
        return self.cluster is not None or self.region is not None or bool(self.labels)


@dataclass(frozen=True)
class Candidate:
    id: str
    name: str
    region: str | None
    labels: Mapping[str, str]
    state: str
    limits: Limits
    use: Use = field(default_factory=lambda: Use(0, 0.0, 0.0))  # its live stores and what they reserve
    tenant_stores: int = 0  # the live stores of the requesting tenant on it

    @property
    def limited(self) -> bool:
        return any(v is not None for v in (self.limits.max_stores, self.limits.max_cpu_cores,
                                            self.limits.max_memory_gib))  # fmt: skip


@dataclass(frozen=True)
class Refusal:
    """Why no cluster takes the store: `unknown` (a named cluster that does not exist), `unmatched`
    (no cluster has the region and labels), `not_active` (the named cluster is cordoned or
    draining), `full` (every cluster that matches is full, cordoned or draining)."""

    kind: str
    message: str


def matching(wanted: Wanted, clusters: list[Candidate]) -> list[Candidate] | Refusal:
    """The clusters the request may land on, whatever their state and room."""
    if wanted.cluster is not None:
        named = [c for c in clusters if c.name == wanted.cluster]
        return named or Refusal("unknown", f"There is no cluster named '{wanted.cluster}'.")
    found = [
        c for c in clusters
        if (wanted.region is None or c.region == wanted.region)
        and all(c.labels.get(key) == value for key, value in wanted.labels.items())
    ]  # fmt: skip
    if not found:
        return Refusal("unmatched", f"No cluster matches {_describe(wanted)}.")
    return found


def needs_use(candidates: list[Candidate]) -> bool:
    """Whether the choice depends on what the clusters hold (else their stores need not be counted)."""
    active = [c for c in candidates if c.state == "active"]
    return len(active) > 1 or any(c.limited for c in active)


def choose(wanted: Wanted, candidates: list[Candidate], policy: PlacementPolicy) -> Candidate | Refusal:
    """The cluster among `candidates` (from `matching`, with their use counted when `needs_use`)."""
    active = [c for c in candidates if c.state == "active"]
    if wanted.cluster is not None and not active:
        (named,) = candidates
        return Refusal("not_active", f"Cluster '{named.name}' is {named.state}: it takes no new store.")
    fitting = [c for c in active if fits(c, wanted.plan)]
    if not fitting:
        where = (
            f"cluster '{wanted.cluster}'" if wanted.cluster else f"any cluster matching {_describe(wanted)}"
        )
        return Refusal("full", f"There is no room for a {wanted.plan.value} store on {where}.")
    if policy is PlacementPolicy.SPREAD:
        return min(fitting, key=lambda c: (c.tenant_stores, _load(c, wanted.plan), c.use.stores, c.name))
    return min(fitting, key=lambda c: (_load(c, wanted.plan), c.use.stores, c.name))


def fits(candidate: Candidate, plan: Plan) -> bool:
    """Whether one more store of `plan` stays within every limit of the cluster."""
    cpu, memory = plan_requests(plan)
    room = headroom(candidate.limits, candidate.use)
    return (
        (room.stores is None or room.stores >= 1)
        and (room.cpu_cores is None or room.cpu_cores >= cpu - 1e-9)
        and (room.memory_gib is None or room.memory_gib >= memory - 1e-9)
    )


def _load(candidate: Candidate, plan: Plan) -> float:
    """The fullest limit's share once the store is added (0 without limits)."""
    cpu, memory = plan_requests(plan)
    limits, use = candidate.limits, candidate.use
    shares = [
        (use.stores + 1) / limits.max_stores if limits.max_stores else 0.0,
        (use.cpu_cores + cpu) / limits.max_cpu_cores if limits.max_cpu_cores else 0.0,
        (use.memory_gib + memory) / limits.max_memory_gib if limits.max_memory_gib else 0.0,
    ]
    return max(shares)


def _describe(wanted: Wanted) -> str:
    parts = [f"region '{wanted.region}'"] if wanted.region else []
    parts += [f"{key}={value}" for key, value in sorted(wanted.labels.items())]
    return ", ".join(parts) or "the request"
