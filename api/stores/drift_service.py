"""The fleet-wide drift report: each cluster the platform can read, against the stores git places on
it. A cluster that cannot be read is named in `unread` and the others are still reported; only when
no cluster answers is the request refused, as the single-cluster report was."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from storefleet.api.core.errors import AppError
from storefleet.api.domain.store_counts import Placement
from storefleet.api.stores.cluster_service import ClusterAccess
from storefleet.api.stores.drift import ARRIVING, Drift, find_drift, flux_drift


@dataclass(frozen=True)
class ClusterView:
    id: str
    name: str
    applier: str  # flux | argocd
    access: ClusterAccess


@dataclass
class FleetDrift:
    items: list[tuple[str, Drift]] = field(default_factory=list)  # (cluster name, drift)
    unread: list[str] = field(default_factory=list)


async def fleet_drift(
    views: Sequence[ClusterView], placements: Mapping[str, Placement], argocd_namespace: str
) -> FleetDrift:
    report = FleetDrift()
    names = {view.id: view.name for view in views}
    failures: list[AppError] = []
    for view in views:
        # a store moving here is neither an orphan (git declares its copy here) nor missing yet
        here = {
            sid: p.status if p.cluster_id == view.id else ARRIVING
            for sid, p in placements.items()
            if view.id in (p.cluster_id, p.arriving_on)
        }
        elsewhere = {
            sid: names.get(p.cluster_id or "", "another cluster")
            for sid, p in placements.items()
            if sid not in here and p.status != "deleted"
        }
        try:
            items, unread = await _cluster_drift(view, here, elsewhere, argocd_namespace)
        except AppError as exc:
            failures.append(exc)
            report.unread.append(f"cluster {view.name}: {exc.message}")
            continue
        report.items.extend((view.name, item) for item in items)
        report.unread.extend(f"cluster {view.name}: {why}" for why in unread)
    if failures and len(failures) == len(views):
        raise failures[0]  # nothing read at all: the report would say nothing true
    report.items.sort(key=lambda found: (found[1].kind, found[1].store_id, found[0]))
    return report


async def _cluster_drift(
    view: ClusterView, here: Mapping[str, str], elsewhere: Mapping[str, str], argocd_namespace: str
) -> tuple[list[Drift], list[str]]:
    access = view.access
    found = await access.call(access.cluster.storefleet_objects, view.applier, argocd_namespace)
    items = find_drift(here, found.get("appliers") or [], found.get("namespaces") or [], elsewhere)
    unread: list[str] = []
    if view.applier == "flux":
        events = await access.call(access.cluster.flux_drift_events)
        if events is None:
            unread.append("Flux drift events: the platform may not list Events (its ClusterRole)")
        items.extend(flux_drift(here, events or []))
    return items, unread
