"""Drift between git and a cluster (pure): `find_drift(stores, appliers, namespaces, elsewhere)`.

Git's side is the stores table (every live store is a directory in the fleet repo); the cluster's is
what carries the `storefleet.io/store` label. Three kinds:

- `orphan`: a HelmRelease/Application or a namespace labelled with a store that git no longer has (or
  never had): left behind by a prune that did not happen, or made by hand;
- `missing`: a store git says is running (`ready`, `degraded`) whose HelmRelease/Application the
  cluster does not have;
- `out_of_sync`: Argo CD reports a running store's Application `OutOfSync` outside an operation (its
  resources differ from git; its drift detection), with the resources that differ;
- `corrected` / `not_corrected` (Flux, `flux_drift`): helm-controller's drift detection found the
  store's objects changed in the cluster and put them back, or could not (or, in warn mode, did not).
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

STORE_LABEL = "storefleet.io/store"
RUNNING = frozenset({"ready", "degraded"})
GONE = frozenset({"deleted"})
ARRIVING = "arriving"  # the status of a store whose copy a move is bringing onto this cluster


@dataclass(frozen=True)
class Drift:
    store_id: str
    kind: str  # orphan | missing | out_of_sync
    detail: str
    resources: tuple[str, ...] = field(default_factory=tuple)


def find_drift(
    stores: Mapping[str, str],
    appliers: Sequence[Mapping[str, Any]],
    namespaces: Sequence[Mapping[str, Any]],
    elsewhere: Mapping[str, str] | None = None,
) -> list[Drift]:
    """One cluster's drift. `stores`: store id -> status, for every store git has or had on this
    cluster (deleted ones included; `ARRIVING` for one a move is bringing here); `elsewhere`: live
    stores git places on another cluster -> its name (their objects here are orphans too, left by a
    move or made by hand)."""
    found: list[Drift] = []
    applied: set[str] = set()
    for obj in appliers:
        store_id = _label(obj)
        if not store_id or (obj.get("metadata") or {}).get("deletionTimestamp"):
            continue  # one being deleted no longer runs the store
        applied.add(store_id)
        kind = obj.get("kind", "object")
        if (orphan := _orphan(store_id, f"{kind} {_name(obj)}", stores, elsewhere or {})) is not None:
            found.append(orphan)
        elif stores[store_id] in RUNNING and (out_of_sync := _out_of_sync(obj)) is not None:
            found.append(out_of_sync)
    for obj in namespaces:
        store_id = _label(obj)
        if not store_id or store_id in applied:
            continue  # its release already said it
        if (orphan := _orphan(store_id, f"namespace {_name(obj)}", stores, elsewhere or {})) is not None:
            found.append(orphan)
    for store_id, status in stores.items():
        if status in RUNNING and store_id not in applied:
            found.append(
                Drift(store_id, "missing", f"{status} in git, but the cluster has no release for it")
            )
    return sorted(found, key=lambda d: (d.kind, d.store_id))


def _orphan(
    store_id: str, what: str, stores: Mapping[str, str], elsewhere: Mapping[str, str]
) -> Drift | None:
    if store_id in elsewhere and store_id not in stores:
        return Drift(store_id, "orphan", f"{what}: git runs its store on cluster {elsewhere[store_id]}")
    if stores.get(store_id, "deleted") in GONE:
        return Drift(store_id, "orphan", f"{what} has no store in git")
    return None


# helm-controller's event reasons -> the kind of drift its latest event leaves the store in
_FLUX_KINDS = {
    "DriftCorrected": "corrected",
    "DriftCorrectionFailed": "not_corrected",
    "DriftDetected": "not_corrected",  # warn mode, or a correction not yet reported
}
_MAX_RESOURCES = 20


def flux_drift(stores: Mapping[str, str], events: Sequence[Mapping[str, Any]]) -> list[Drift]:
    """Per live store, what helm-controller's latest drift event on its HelmRelease (named after
    the store, in the store's namespace) says: `corrected`, or `not_corrected`, with the objects
    its message lists."""
    latest: dict[str, Mapping[str, Any]] = {}
    for event in events:
        involved = event.get("involvedObject") or {}
        store_id = str(involved.get("name") or "")
        if event.get("reason") not in _FLUX_KINDS or involved.get("namespace") != store_id:
            continue
        if stores.get(store_id, "deleted") in GONE:
            continue
        if store_id not in latest or _event_time(event) >= _event_time(latest[store_id]):
            latest[store_id] = event
    found = []
    for store_id, event in latest.items():
        lines = [line.strip() for line in str(event.get("message") or "").splitlines() if line.strip()]
        resources = tuple(line.split()[0] for line in lines[1:] if "/" in line.split()[0])
        at = _event_time(event)
        when = at.strftime("%Y-%m-%d %H:%M:%S UTC") if at > _NEVER else "an unknown time"
        kind = _FLUX_KINDS[str(event["reason"])]
        verb = "corrected" if kind == "corrected" else "found, not corrected"
        detail = f"Flux {verb} drift at {when}: {lines[0] if lines else event['reason']}"
        found.append(Drift(store_id, kind, detail, resources[:_MAX_RESOURCES]))
    return sorted(found, key=lambda d: (d.kind, d.store_id))


_NEVER = datetime.min.replace(tzinfo=UTC)


def _event_time(event: Mapping[str, Any]) -> datetime:
    """When the event last happened (an events.k8s.io series, or core/v1's timestamps)."""
    series = event.get("series") or {}
    meta = event.get("metadata") or {}
    for value in (series.get("lastObservedTime"), event.get("lastTimestamp"), event.get("eventTime"),
                  event.get("firstTimestamp"), meta.get("creationTimestamp")):  # fmt: skip
        with contextlib.suppress(TypeError, ValueError):
            parsed = datetime.fromisoformat(str(value))
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return _NEVER


def _out_of_sync(app: Mapping[str, Any]) -> Drift | None:
    status = app.get("status") or {}
    if (status.get("sync") or {}).get("status") != "OutOfSync":
        return None
    if ((status.get("operationState") or {}).get("phase")) == "Running":
        return None  # a sync under way: not drift yet
    resources = tuple(
        f"{r.get('kind')}/{r.get('name')}"
        for r in status.get("resources") or []
        if r.get("status") == "OutOfSync"
    )
    detail = f"Argo CD reports {len(resources) or 'some'} resources out of sync with git"
    return Drift(_label(app) or _name(app), "out_of_sync", detail, resources)


def _label(obj: Mapping[str, Any]) -> str | None:
    labels = (obj.get("metadata") or {}).get("labels") or {}
    value = labels.get(STORE_LABEL)
    return str(value) if value else None


def _name(obj: Mapping[str, Any]) -> str:
    meta = obj.get("metadata") or {}
    namespace = meta.get("namespace")
    return f"{namespace}/{meta.get('name')}" if namespace else str(meta.get("name"))
