"""`kill -9` of `storefleet up` during a rollout, twice: right after the rollout is accepted (its first
wave queued, perhaps not committed) and while a wave waits for its gate. After each restart the
rollout goes on where the database says: every wave is exactly one commit, none is missing, and it
ends succeeded with every store at the version."""

from __future__ import annotations

import signal
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from storefleet.api.db.embedded import EmbeddedPostgres
from storefleet_demo.kube.cluster import KubeCluster
from storefleet_demo.kube.flux_double import HR_API, FluxDouble
from tests.api.test_cli import Platform
from tests.kube.fixtures import kube_api
from tests.reconciler_watch.rollout_support import cluster_running, trailers
from tests.reconciler_watch.support import git, wait_for

__all__ = ["kube_api"]
pytestmark = pytest.mark.slow
STORES = 10


def wave_commits(fleet: Path, rollout_id: str) -> Counter[str]:
    """Wave number -> how many commits carry it (reverts apart)."""
    counts: Counter[str] = Counter()
    for sha in git("rev-list", "main", cwd=fleet).split():
        found = trailers(fleet, sha)
        if found.get("Rollout-Id") == rollout_id and found.get("Action") == "rollout":
            counts[found["Rollout-Wave"]] += 1
    return counts


def test_a_rollout_survives_kill_9_with_no_wave_committed_twice_or_lost(
    tmp_path: Path, kube_api: KubeCluster
) -> None:
    kubeconfig = kube_api.write_kubeconfig(tmp_path / "kubeconfig")
    platform = Platform(tmp_path / "state", MAX_STORES_PER_USER="0", STORE_CREATION_COOLDOWN_S="0",
                        KUBECONFIG=str(kubeconfig), RUN_WATCHER="true", WATCH_TICK_S="0.2",
                        ROLLOUT_TICK_S="0.2", FLEET_POLL_INTERVAL_S="0.2")  # fmt: skip
    try:
        platform.start()
        body = {"email": "ops@example.com", "username": "ops", "password": "password1"}
        registered = platform.api("POST", "/api/v1/auth/register", json=body).json()
        assert registered["user"]["role"] == "admin"
        headers = {"Authorization": f"Bearer {registered['token']}"}

        def get(path: str) -> Any:
            return platform.api("GET", path, headers=headers).json()

        applier = FluxDouble(kube_api, platform.state_dir / "fleet.git")
        with cluster_running(applier):
            ids = [platform.api("POST", "/api/v1/stores", headers=headers,
                                json={"name": f"kill-{n}", "engine": "woocommerce"}).json()["id"]
                   for n in range(STORES)]  # fmt: skip
            wait_for(lambda: get("/api/v1/stores?status=ready&limit=100")["total"] == STORES, timeout_s=60,
                     what="the stores ready")  # fmt: skip
        rollout = {
            "chart_version": "0.4.0",
            "selector": {"all": True},
            "canary": {"count": 2},
            "steps": ["100%"],
        }
        created = platform.api("POST", "/api/v1/rollouts", headers=headers, json=rollout)
        assert created.status_code == 201, created.text
        rid = created.json()["id"]
        platform.signal(signal.SIGKILL)  # wave 1 is queued; its commit may or may not have been made

        platform.start()
        with cluster_running(applier):
            wait_for(lambda: get(f"/api/v1/rollouts/{rid}")["waves"][0]["state"] == "passed", timeout_s=60,
                     what="the canary passed after the restart")  # fmt: skip
        # the cluster stands still: wave 2 is committed and waits for its gate when the platform dies
        wait_for(lambda: get(f"/api/v1/rollouts/{rid}")["waves"][1]["state"] == "gating", timeout_s=30,
                 what="wave 2 committed")  # fmt: skip
        platform.signal(signal.SIGKILL)

        platform.start()
        with cluster_running(applier):
            done = wait_for(lambda: (r := get(f"/api/v1/rollouts/{rid}"))["state"] == "succeeded" and r,
                            timeout_s=60, what="the rollout succeeded")  # fmt: skip
        fleet = platform.state_dir / "fleet.git"
        assert wave_commits(fleet, rid) == Counter({"1": 1, "2": 1})
        assert [w["commit_sha"] for w in done["waves"]] == [
            git("log", "-1", "--format=%H", f"--grep=Rollout-Wave: {n}", "main", cwd=fleet) for n in (1, 2)
        ]
        for sid in ids:
            release = applier.kube.get(HR_API, "HelmRelease", sid, sid)
            assert (
                release is not None
                and release["spec"]["chart"]["spec"]["chart"] == "./charts/ecommerce-store-0.4.0"
            )
        assert platform.signal(signal.SIGTERM) == 0
    finally:
        if platform.proc and platform.proc.poll() is None:
            platform.signal(signal.SIGKILL)
        time.sleep(0.1)
        EmbeddedPostgres(platform.state_dir / "postgres").stop()
