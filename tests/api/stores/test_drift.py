"""Drift between git and the cluster, as a pure function of the stores table and the labelled objects."""

from __future__ import annotations

from typing import Any

from storefleet.api.stores.drift import find_drift


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


def test_a_sync_under_way_is_not_drift() -> None:
    app = labelled(
        "Application",
        "st-ready1",
        "argocd",
        sync={"status": "OutOfSync"},
        operationState={"phase": "Running"},
    )
    assert find_drift({"st-ready1": "ready"}, [app], []) == []
