"""Ready must come from the applier's object for the store's current spec, whatever order the watcher
sees the cluster in: a HelmRelease whose events arrive after the Kustomization's, an Application that
a refresh reports Synced at the new commit while it still holds the old spec."""

from __future__ import annotations

import time
from typing import Any

import pytest
from fastapi.testclient import TestClient

from storefleet.reconciler_watch.watcher import ClusterWatcher
from storefleet_demo.kube.applier import Applier
from storefleet_demo.kube.cluster import KubeCluster
from storefleet_demo.kube.flux_double import HR_API, FluxDouble
from tests.kube.argo_double import API as ARGO_API
from tests.reconciler_watch.support import installed, status_of, wait_for, wait_status

LAG_S = 2.0


def change_plan(client: TestClient, account: Any, store_id: str) -> str:
    """A change that needs no new setup (so only the applier's status can hold it back); its commit."""
    before = status_of(client, account, store_id)["last_commit_sha"]
    changed = client.patch(f"/api/v1/stores/{store_id}", json={"plan": "medium"}, headers=account.headers)
    assert changed.status_code == 202, changed.text
    return str(
        wait_for(
            lambda: (sha := status_of(client, account, store_id)["last_commit_sha"]) != before and sha,
            what="the change's commit",
        )
    )


def stays_updating(client: TestClient, account: Any, store_id: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        store = status_of(client, account, store_id)
        assert store["status"] == "updating", f"{store['status']}: {store['status_message']}"
        time.sleep(0.05)


@pytest.mark.parametrize("engine", ["flux"], indirect=True)
def test_flux_ready_waits_for_the_upgraded_helmrelease_even_when_its_events_come_late(
    client: TestClient, tenant: Any, applier: Applier, watcher: ClusterWatcher, kube_api: KubeCluster
) -> None:
    assert isinstance(applier, FluxDouble)
    with applier.run_in_background():
        sid = installed(client, tenant, applier, "lagging-shop")["id"]
    kube_api.delay_watch_events(HR_API, "HelmRelease", LAG_S)
    change_plan(client, tenant, sid)

    applier.fetch()
    applier.apply()  # the Kustomization applied the commit at once; the HelmRelease's events lag
    release = applier.kube.get(HR_API, "HelmRelease", sid, sid)
    assert release is not None and release["metadata"]["generation"] == 2
    stays_updating(client, tenant, sid, LAG_S + 1.0)  # the new generation arrived, not yet upgraded

    assert applier.start_releases(sid) == [sid]
    stays_updating(client, tenant, sid, 0.5)
    assert applier.finish_releases(sid) == [sid]
    upgraded = time.monotonic()
    after = wait_status(client, tenant, sid, "ready")
    assert time.monotonic() - upgraded >= LAG_S - 0.1  # ready only once the upgrade's event arrived
    assert after["plan"] == "medium"


@pytest.mark.parametrize("engine", ["argocd"], indirect=True)
def test_argo_a_refresh_before_the_root_sync_does_not_make_the_store_ready(
    client: TestClient, tenant: Any, applier: Applier, watcher: ClusterWatcher
) -> None:
    with applier.run_in_background():
        sid = installed(client, tenant, applier, "stale-app-shop")["id"]
    sha = change_plan(client, tenant, sid)

    applier.refresh_apps(sid)  # the store's Application still has the old spec: the root has not synced
    app = applier.kube.get(ARGO_API, "Application", "argocd", sid)
    assert app is not None
    assert app["status"]["sync"]["status"] == "Synced" and app["status"]["sync"]["revision"] == sha
    assert app["status"]["health"]["status"] == "Healthy"
    assert app["spec"]["source"]["helm"]["valuesObject"]["plan"] == "small"
    stays_updating(client, tenant, sid, 1.0)

    applier.sync_root()  # the new spec, with the status of the last comparison (the old spec)
    stays_updating(client, tenant, sid, 1.0)

    with applier.run_in_background():
        after = wait_status(client, tenant, sid, "ready")
    assert after["plan"] == "medium"
