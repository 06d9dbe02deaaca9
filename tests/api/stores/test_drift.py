"""Drift between git and the cluster, as a pure function of the stores table and the labelled objects."""

from __future__ import annotations

from typing import Any

from storefleet.api.stores.drift import ARRIVING, find_drift, flux_drift


def labelled(kind: str, store_id: str, namespace: str | None = None, **status: Any) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": store_id, "labels": {"storefleet.io/store": store_id}}
    if namespace:
        meta["namespace"] = namespace
    return {"kind": kind, "metadata": meta, "status": status}


def test_orphans_both_ways_and_argo_cd_out_of_sync() -> None:
    stores = {"st-ready1": "ready", "st-gone1": "deleted", "st-degr1": "degraded", "st-prov1": "provisioning"}
    appliers = [
        labelled("Application", "st-ready1", "argocd", sync={"status": "Synced"}),
        labelled("Application", "st-gone1", "argocd"),  # its store was deleted: left behind
        labelled("Application", "st-stray1", "argocd"),  # made by hand: no store ever
        labelled(
            "Application",
            "st-degr1",
            "argocd",
            sync={"status": "OutOfSync"},
            resources=[
                {"kind": "Deployment", "name": "web", "status": "OutOfSync"},
                {"kind": "Service", "name": "web", "status": "Synced"},
            ],
        ),
    ]
    namespaces = [labelled("Namespace", "st-gone1"), labelled("Namespace", "st-lost1")]
    found = {(d.kind, d.store_id): d for d in find_drift(stores, appliers, namespaces)}
    assert set(found) == {
        ("orphan", "st-gone1"), ("orphan", "st-stray1"), ("orphan", "st-lost1"),
        ("out_of_sync", "st-degr1"),
    }  # fmt: skip
    assert found[("out_of_sync", "st-degr1")].resources == ("Deployment/web",)
    assert "namespace st-lost1" in found[("orphan", "st-lost1")].detail
    # a provisioning store without a release yet is not drift; a running one would be
    assert (
        find_drift({"st-ready1": "ready"}, [], []) == [find_drift({"st-ready1": "ready"}, [], [])[0]]
        and find_drift({"st-ready1": "ready"}, [], [])[0].kind == "missing"
    )


def test_a_store_git_runs_on_another_cluster_is_an_orphan_here_and_not_missing() -> None:
    here = {"st-here00001": "ready"}
    elsewhere = {"st-moved0001": "fra-1"}
    appliers = [
        labelled("HelmRelease", "st-here00001", "st-here00001"),
        labelled("HelmRelease", "st-moved0001", "st-moved0001"),
    ]
    namespaces = [labelled("Namespace", "st-moved0001")]
    (orphan,) = find_drift(here, appliers, namespaces, elsewhere)
    assert (orphan.kind, orphan.store_id) == ("orphan", "st-moved0001")
    assert orphan.detail == "HelmRelease st-moved0001/st-moved0001: git runs its store on cluster fra-1"
    # the cluster it runs on has it: nothing there; a cluster that lacks it says it is missing
    assert find_drift({"st-moved0001": "ready"}, appliers[1:], [], {"st-here00001": "home"}) == []
    assert [d.kind for d in find_drift({"st-moved0001": "ready"}, [], [], here)] == ["missing"]


def test_a_sync_under_way_is_not_drift() -> None:
    app = labelled(
        "Application",
        "st-ready1",
        "argocd",
        sync={"status": "OutOfSync"},
        operationState={"phase": "Running"},
    )
    assert find_drift({"st-ready1": "ready"}, [app], []) == []


def flux_event(
    store_id: str, reason: str, at: str, message: str, namespace: str | None = None
) -> dict[str, Any]:
    """An Event as helm-controller's recorder writes it on a HelmRelease."""
    return {
        "kind": "Event",
        "metadata": {"name": f"{store_id}.{reason.lower()}", "namespace": namespace or store_id},
        "involvedObject": {"kind": "HelmRelease", "name": store_id, "namespace": namespace or store_id},
        "reason": reason,
        "type": "Normal" if reason == "DriftCorrected" else "Warning",
        "message": message,
        "lastTimestamp": at,
        "source": {"component": "helm-controller"},
    }


DETECTED = (
    "Cluster state of release st-ready1/st-ready1.v2 has drifted from the desired state:\n"
    "Deployment/st-ready1/st-ready1-wordpress changed (0 additions, 1 changes, 0 removals)\n"
    "Service/st-ready1/st-ready1-wordpress removed"
)
CORRECTED = (
    "Cluster state of release st-ready1/st-ready1.v2 has been corrected:\n"
    "Deployment/st-ready1/st-ready1-wordpress configured\nService/st-ready1/st-ready1-wordpress created"
)


def test_flux_drift_is_what_helm_controllers_latest_event_says() -> None:
    stores = {"st-ready1": "ready", "st-degr1": "degraded", "st-gone1": "deleted"}
    events = [
        flux_event("st-ready1", "DriftDetected", "2026-12-06T10:00:00Z", DETECTED),
        flux_event("st-ready1", "DriftCorrected", "2026-12-06T10:00:01Z", CORRECTED),
        flux_event(
            "st-degr1", "DriftDetected", "2026-12-06T10:00:00Z", "Cluster state … drifted:\nA/b/c changed"
        ),
        flux_event("st-degr1", "DriftCorrectionFailed", "2026-12-06T10:00:02Z", "Failed to correct …:\nx"),
        flux_event(
            "st-gone1", "DriftCorrected", "2026-12-06T10:00:00Z", CORRECTED
        ),  # no store: orphans say it
        flux_event("st-other", "DriftCorrected", "2026-12-06T10:00:00Z", CORRECTED),  # not a store
        flux_event("st-ready1", "DriftDetected", "2026-12-06T11:00:00Z", DETECTED, namespace="elsewhere"),
    ]
    found = {(d.kind, d.store_id): d for d in flux_drift(stores, events)}
    assert set(found) == {("corrected", "st-ready1"), ("not_corrected", "st-degr1")}
    corrected = found[("corrected", "st-ready1")]
    assert corrected.resources == (
        "Deployment/st-ready1/st-ready1-wordpress",
        "Service/st-ready1/st-ready1-wordpress",
    )
    assert "2026-12-06 10:00:01 UTC" in corrected.detail and "has been corrected" in corrected.detail

    # a later detection with no correction yet (warn mode) is drift not corrected
    later = [*events, flux_event("st-ready1", "DriftDetected", "2026-12-06T12:00:00Z", DETECTED)]
    again = {(d.kind, d.store_id): d for d in flux_drift(stores, later)}
    assert ("not_corrected", "st-ready1") in again
    assert again[("not_corrected", "st-ready1")].resources[1] == "Service/st-ready1/st-ready1-wordpress"
    assert flux_drift(stores, []) == []


def test_a_store_a_move_is_bringing_here_is_neither_an_orphan_nor_missing() -> None:
    stores = {"st-arrive001": ARRIVING}
    namespaces = [labelled("Namespace", "st-arrive001")]
    assert find_drift(stores, [], namespaces, {}) == []  # its namespace comes first, for the restore
    release = [labelled("HelmRelease", "st-arrive001", "st-arrive001")]
    assert find_drift(stores, release, namespaces, {}) == []
