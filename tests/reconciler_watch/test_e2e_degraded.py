"""A running store the cluster reports unhealthy: through the whole loop (the Flux and Argo CD doubles,
the watcher, the lifecycle table) it goes `degraded` with the applier's reason and back to `ready`
when the applier reports it healthy again, with no commit either way; a degraded store still takes a
change. A store whose container crash-loops goes `degraded` too, naming it, and back to `ready` once
the container has run for the window (DEGRADED_RESTARTS, DEGRADED_WINDOW_S)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from storefleet.reconciler_watch.watcher import ClusterWatcher
from storefleet_demo.kube.applier import Applier
from tests.reconciler_watch.conftest import WatcherRunner
from tests.reconciler_watch.support import (
    create,
    finish_setup,
    git,
    status_of,
    transitions,
    wait_for,
    wait_status,
)


def commits(remote: Path) -> int:
    return int(git("rev-list", "--count", "main", cwd=remote))


@pytest.mark.parametrize("engine", ["flux", "argocd"], indirect=True)
def test_a_ready_store_goes_degraded_and_back_to_ready_without_a_commit(
    client: TestClient,
    tenant: Any,
    applier: Applier,
    watcher: ClusterWatcher,
    fleet_remote: Path,
    engine: str,
) -> None:
    with applier.run_in_background():
        sid = create(client, tenant, "wobbly-shop")["id"]
        finish_setup(applier, sid)
        ready = wait_status(client, tenant, sid, "ready")
    before = commits(fleet_remote)

    applier.break_running(sid, "pods crash-looping: CrashLoopBackOff")
    degraded = wait_status(client, tenant, sid, "degraded")
    assert "CrashLoopBackOff" in degraded["status_message"] and "CrashLoopBackOff" in degraded["error"]
    # Argo CD's Degraded app crash-loops too (the double's pod): the applier's reason is the one shown
    with_message(client, tenant, sid, "Argo CD: degraded: " if engine == "argocd" else "Helm: ")
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


WINDOW_S = 3.0


def store_pod(applier: Applier, store_id: str) -> dict[str, Any]:
    """The store's running pod (its setup Job's has succeeded)."""
    pods = applier.kube.list_objects("v1", "Pod", store_id, labels=f"storefleet.io/store={store_id}")
    (pod,) = [pod for pod in pods if pod["status"].get("phase") == "Running"]
    return pod


def container_status(pod: dict[str, Any], restarts: int, *, backing_off: bool) -> dict[str, Any]:
    """As the kubelet writes it: backing off after a crash, or running again; the last run ended now."""
    (container,) = pod["status"]["containerStatuses"]
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    state = {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 40s restarting failed container"}}
    return {
        **container, "restartCount": restarts, "ready": not backing_off, "started": not backing_off,
        "state": state if backing_off else {"running": {"startedAt": stamp}},
        "lastState": {"terminated": {"reason": "OOMKilled", "exitCode": 137, "finishedAt": stamp}},
    }  # fmt: skip


def with_message(client: TestClient, tenant: Any, store_id: str, prefix: str) -> dict[str, Any]:
    def seen() -> dict[str, Any] | None:
        store = status_of(client, tenant, store_id)
        return store if store["status_message"].startswith(prefix) else None

    return wait_for(seen, what=f"the message {prefix!r}")  # type: ignore[no-any-return]


@pytest.mark.parametrize("engine", ["flux", "argocd"], indirect=True)
def test_a_crash_looping_container_degrades_a_ready_store_until_it_has_run_a_window(
    client: TestClient, tenant: Any, applier: Applier, watchers: WatcherRunner, fleet_remote: Path
) -> None:
    watchers.start(degraded_restarts=3, degraded_window_s=WINDOW_S)
    with applier.run_in_background():
        sid = create(client, tenant, "crashy-shop")["id"]
        finish_setup(applier, sid)
        ready = wait_status(client, tenant, sid, "ready")
    before = commits(fleet_remote)
    pod = store_pod(applier, sid)
    name = pod["metadata"]["name"]

    crashed = container_status(pod, 2, backing_off=True)  # under the threshold: nothing
    applier.kube.write_status(pod, {**pod["status"], "containerStatuses": [crashed]})
    crashed = container_status(pod, 3, backing_off=True)
    applier.kube.write_status(pod, {**pod["status"], "containerStatuses": [crashed]})
    degraded = wait_status(client, tenant, sid, "degraded")
    expected = f"CrashLoopBackOff: container wordpress of pod {name} restarted 3 times, last ended: OOMKilled"
    assert degraded["status_message"].startswith(expected) and degraded["error"].startswith(expected)
    assert degraded["last_commit_sha"] == ready["last_commit_sha"]

    # it runs again (one restart more): still degraded until it has run a whole window (damping)
    running = container_status(pod, 4, backing_off=False)
    applier.kube.write_status(pod, {**pod["status"], "containerStatuses": [running]})
    again = with_message(
        client, tenant, sid, f"CrashLoopBackOff: container wordpress of pod {name} restarted 4"
    )
    assert again["status"] == "degraded"

    # no event comes when the window ends: the watcher judges the store again by itself
    healed = wait_status(client, tenant, sid, "ready", timeout_s=30)
    assert healed["status_message"].startswith("healthy again")
    assert transitions(client, tenant, sid)[-3:] == ["ready", "degraded", "ready"]
    assert commits(fleet_remote) == before  # neither move was a commit
