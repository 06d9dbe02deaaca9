"""The drift view on the test Kubernetes API with the Flux and Argo CD doubles: a running store whose
release was removed by hand, objects labelled with a store git does not have, and (Argo CD) an
Application out of sync with git."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY

from storefleet.reconciler_watch.watcher import ClusterWatcher
from storefleet_demo.kube.applier import Applier
from storefleet_demo.kube.flux_double import HR_API, FluxDouble
from tests.kube.argo_double import API as ARGO_API
from tests.kube.argo_double import ArgoDouble
from tests.reconciler_watch.support import create, finish_setup, wait_status


def applier_object(applier: Applier, store_id: str) -> dict[str, Any]:
    if isinstance(applier, ArgoDouble):
        found = applier.kube.get(ARGO_API, "Application", "argocd", store_id)
    else:
        found = applier.kube.get(HR_API, "HelmRelease", store_id, store_id)
    assert found is not None
    return found


@pytest.mark.parametrize("engine", ["flux", "argocd"], indirect=True)
def test_drift_names_missing_releases_orphans_and_out_of_sync_apps(
    client: TestClient, admin: Any, tenant: Any, applier: Applier, watcher: ClusterWatcher
) -> None:
    with applier.run_in_background():
        ids = [create(client, tenant, f"drift-shop-{n}")["id"] for n in range(3)]
        for sid in ids:
            finish_setup(applier, sid)
        for sid in ids:
            wait_status(client, tenant, sid, "ready")
    clean = client.get("/api/v1/drift", headers=admin.headers)
    assert clean.status_code == 200, clean.text
    assert clean.json()["items"] == []

    removed, changed = ids[0], ids[1]
    applier.kube.delete(applier_object(applier, removed))  # by hand, outside git
    stray = "st-strayaaaaa"
    applier.kube.create({"apiVersion": "v1", "kind": "Namespace",
                         "metadata": {"name": stray, "labels": {"storefleet.io/store": stray}}})  # fmt: skip
    expected = {("missing", removed), ("orphan", stray)}
    if isinstance(applier, ArgoDouble):
        app = applier_object(applier, changed)
        differs = [{"kind": "Deployment", "name": f"{changed}-wordpress", "status": "OutOfSync"}]
        sync = {**app["status"]["sync"], "status": "OutOfSync"}
        status = {**app["status"], "sync": sync, "resources": differs}
        # Argo CD's Application has no status subresource: Argo CD writes the whole object
        applier.kube.json_patch(app, [{"op": "add", "path": "/status", "value": status}])
        expected.add(("out_of_sync", changed))
    else:  # helm-controller put a changed object back, and failed to for another store
        assert isinstance(applier, FluxDouble)
        applier.drift(changed, corrected=True)
        applier.drift(ids[2], corrected=False)
        expected |= {("corrected", changed), ("not_corrected", ids[2])}

    report = client.get("/api/v1/drift", headers=admin.headers).json()
    assert {(i["kind"], i["store_id"]) for i in report["items"]} == expected
    assert report["counts"]["missing"] == 1 and report["counts"]["orphan"] == 1
    assert report["unread"] == []
    if isinstance(applier, FluxDouble):
        corrected = next(i for i in report["items"] if i["kind"] == "corrected")
        assert corrected["resources"] == [f"Deployment/{changed}/{changed}-web"]
        assert "has been corrected" in corrected["detail"]
    gauge = REGISTRY.get_sample_value("fleet_drift_stores", {"kind": "missing"})
    assert gauge == 1
    assert client.get("/api/v1/drift", headers=tenant.headers).status_code == 403
