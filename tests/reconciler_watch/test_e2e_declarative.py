"""The desired state may change at any time: a change made while the store is still converging is
taken at once, committed, and the store is ready only at that newest commit, never at the first."""

from __future__ import annotations

import time
from typing import Any

import pytest
from fastapi.testclient import TestClient

from storefleet.reconciler_watch.watcher import ClusterWatcher
from storefleet_demo.kube.applier import Applier
from tests.reconciler_watch.support import (
    create,
    events,
    finish_setup,
    setup_jobs,
    status_of,
    transitions,
    wait_for,
)


@pytest.mark.parametrize("engine", ["flux", "argocd"], indirect=True)
def test_a_change_during_provisioning_ends_ready_at_the_second_commit(
    client: TestClient, tenant: Any, applier: Applier, watcher: ClusterWatcher, engine: str
) -> None:
    sid = create(client, tenant, "early-shop", engine="woocommerce", theme="astra")["id"]
    first = wait_for(lambda: status_of(client, tenant, sid)["last_commit_sha"], what="the create's commit")
    # the cluster applies the first commit and its setup runs: the store is converging, not ready
    applier.reconcile()
    wait_for(lambda: setup_jobs(applier, sid), what="the first commit's setup Job")
    assert status_of(client, tenant, sid)["status"] == "provisioning"

    changed = client.patch(f"/api/v1/stores/{sid}", json={"plan": "large"}, headers=tenant.headers)
    assert changed.status_code == 202, changed.text
    assert changed.json()["status"] == "provisioning"
    second = wait_for(
        lambda: (sha := status_of(client, tenant, sid)["last_commit_sha"]) != first and sha,
        what="the change's commit",
    )
    # the first commit's setup succeeds while the cluster still runs the first spec: not ready
    finish_setup(applier, sid)
    time.sleep(1.0)  # time for the watcher to see the Job end
    assert status_of(client, tenant, sid)["status"] == "provisioning"

    def ready_at_the_newest_commit() -> bool:
        applier.finish_jobs(sid)  # a setup the change asks for, if any
        return bool(status_of(client, tenant, sid)["status"] == "ready")

    with applier.run_in_background():
        wait_for(ready_at_the_newest_commit, what="ready at the second commit")
    ready = status_of(client, tenant, sid)
    assert ready["last_commit_sha"] == second and ready["plan"] == "large"
    assert transitions(client, tenant, sid) == ["requested", "provisioning", "ready"]
    readies = [e for e in events(client, tenant, sid) if (e.get("after") or {}).get("status") == "ready"]
    assert [e["detail"]["observed_revision"] for e in readies] == [second]
