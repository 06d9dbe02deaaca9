"""A running store the cluster reports unhealthy: through the whole loop (the Flux and Argo CD doubles,
the watcher, the lifecycle table) it goes `degraded` with the applier's reason and back to `ready`
when the applier reports it healthy again, with no commit either way; a degraded store still takes a
change."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from storefleet.reconciler_watch.watcher import ClusterWatcher
from tests.kube.applier import Applier
from tests.reconciler_watch.support import (
    create,
    finish_setup,
    git,
    status_of,
    transitions,
    wait_status,
)


def commits(remote: Path) -> int:
    return int(git("rev-list", "--count", "main", cwd=remote))


@pytest.mark.parametrize("engine", ["flux", "argocd"], indirect=True)
def test_a_ready_store_goes_degraded_and_back_to_ready_without_a_commit(
    client: TestClient, tenant: Any, applier: Applier, watcher: ClusterWatcher, fleet_remote: Path
) -> None:
    with applier.run_in_background():
        sid = create(client, tenant, "wobbly-shop")["id"]
        finish_setup(applier, sid)
        ready = wait_status(client, tenant, sid, "ready")
    before = commits(fleet_remote)

    applier.break_running(sid, "pods crash-looping: CrashLoopBackOff")
    degraded = wait_status(client, tenant, sid, "degraded")
    assert "CrashLoopBackOff" in degraded["status_message"] and "CrashLoopBackOff" in degraded["error"]
    assert degraded["last_commit_sha"] == ready["last_commit_sha"]
    assert degraded["store_url"] == ready["store_url"] and degraded["admin_url"]  # still installed

    applier.heal_running(sid)
    healed = wait_status(client, tenant, sid, "ready")
    assert healed["status_message"].startswith("healthy again")
    assert transitions(client, tenant, sid)[-3:] == ["ready", "degraded", "ready"]
    assert commits(fleet_remote) == before  # neither move was a commit


def test_a_degraded_store_takes_a_change_and_converges_on_it(
    client: TestClient, tenant: Any, applier: Applier, watcher: ClusterWatcher
) -> None:
    with applier.run_in_background():
        sid = create(client, tenant, "patched-shop")["id"]
        finish_setup(applier, sid)
        wait_status(client, tenant, sid, "ready")
    applier.break_running(sid, "chart source unavailable")
    wait_status(client, tenant, sid, "degraded")
    patched = client.patch(f"/api/v1/stores/{sid}", json={"plan": "medium"}, headers=tenant.headers)
    assert patched.status_code == 202, patched.text
    assert status_of(client, tenant, sid)["status"] == "updating"
    with applier.run_in_background():
        wait_status(client, tenant, sid, "ready", timeout_s=30)
