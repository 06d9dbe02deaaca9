"""The post-install check (seed 000) through the whole loop, on the test Kubernetes API with the Flux
and Argo CD doubles: a store whose namespace lost its ResourceQuota (or LimitRange) by the time its
release is healthy ends `failed` with the reason and no setup Job; one with both goes ready as before."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from storefleet.reconciler_watch.watcher import ClusterWatcher
from storefleet_demo.kube.applier import Applier
from tests.reconciler_watch.support import create, finish_setup, setup_jobs, wait_status


@pytest.mark.parametrize("engine", ["flux", "argocd"], indirect=True)
@pytest.mark.parametrize("kind", ["ResourceQuota", "LimitRange"])
def test_a_store_without_its_limits_fails_at_install_instead_of_running_setup(
    client: TestClient, tenant: Any, applier: Applier, watcher: ClusterWatcher, kind: str
) -> None:
    sid = create(client, tenant, f"unbounded-{kind.lower()}")["id"]
    applier.refuse(sid, kind)  # before the applier installs anything
    with applier.run_in_background():
        failed = wait_status(client, tenant, sid, "failed")
    assert failed["status_message"] == (
        f"the store's namespace has no {kind}: a store without its plan's limits could starve its neighbours"
    )
    assert failed["error"] == failed["status_message"]
    assert setup_jobs(applier, sid) == []  # the setup never ran
    other = "LimitRange" if kind == "ResourceQuota" else "ResourceQuota"
    assert applier.kube.get("v1", other, sid, sid) is not None  # the chart made the other one


@pytest.mark.parametrize("engine", ["flux", "argocd"], indirect=True)
def test_a_store_with_both_goes_ready_as_before(
    client: TestClient, tenant: Any, applier: Applier, watcher: ClusterWatcher
) -> None:
    with applier.run_in_background():
        sid = create(client, tenant, "bounded-shop")["id"]
        finish_setup(applier, sid)
        ready = wait_status(client, tenant, sid, "ready")
    assert ready["status_message"].startswith("ready at")
    for kind in ("ResourceQuota", "LimitRange"):
        assert applier.kube.get("v1", kind, sid, sid) is not None


def test_an_update_does_not_check_again(
    client: TestClient, tenant: Any, applier: Applier, watcher: ClusterWatcher
) -> None:
    """Only at install: a quota gone later is not the install's failure (the check is seed 000's)."""
    with applier.run_in_background():
        sid = create(client, tenant, "later-shop")["id"]
        finish_setup(applier, sid)
        wait_status(client, tenant, sid, "ready")
    applier.refuse(sid, "ResourceQuota")
    patched = client.patch(f"/api/v1/stores/{sid}", json={"theme": "astra"}, headers=tenant.headers)
    assert patched.status_code == 202, patched.text
    with applier.run_in_background():
        finish_setup(applier, sid)  # the new theme's setup runs
        wait_status(client, tenant, sid, "ready")
    assert applier.kube.get("v1", "ResourceQuota", sid, sid) is None
