"""A rollout in pull-request mode: each wave (and its chart version's commit) is one pull request;
its gate starts only when a person merges it, and the next wave is proposed after the gate passes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from storefleet.api.settings import Settings
from storefleet_demo.kube.cluster import KubeCluster
from storefleet_demo.kube.flux_double import HR_API, FluxDouble
from tests.github.double import GitHubDouble
from tests.kube.fixtures import kube_api
from tests.reconciler_watch.conftest import WatcherRunner
from tests.reconciler_watch.rollout_support import cluster_running, rollout, statuses, wait_rollout
from tests.reconciler_watch.support import git, wait_for

__all__ = ["kube_api"]


@pytest.fixture
def settings(settings: Settings, kube_api: KubeCluster, tmp_path: Path) -> Settings:
    kubeconfig = kube_api.write_kubeconfig(tmp_path / "kubeconfig")
    return settings.model_copy(update={"kubeconfig": kubeconfig, "watch_tick_s": 0.2, "rollout_tick_s": 0.2})


def open_pulls(github: GitHubDouble) -> list[Any]:
    return [p for p in github.pulls.search("open", None, None)]


def test_each_wave_is_a_pull_request_and_its_gate_starts_when_it_is_merged(
    client: TestClient, settings: Settings, tenant: Any, admin: Any, new_store: Any, db: Any,
    propose: Callable[[], int], deliver: Callable[[], list[int]], github: GitHubDouble, kube_api: KubeCluster,
) -> None:  # fmt: skip
    applier = FluxDouble(kube_api, github.bare_repo)
    watchers = WatcherRunner(client, settings)
    watchers.start()
    try:
        with cluster_running(applier):
            ids = [new_store(tenant, f"pr-shop-{n}")["id"] for n in range(4)]
            propose()
            for pull in open_pulls(github):
                github.merge_in_ui(pull.number)
            deliver()
            wait_for(lambda: set(statuses(db, ids).values()) == {"ready"}, timeout_s=30, what="ready stores")

            body = {
                "chart_version": "0.4.0",
                "selector": {"all": True},
                "canary": {"count": 1},
                "steps": ["100%"],
            }
            created = client.post("/api/v1/rollouts", json=body, headers=admin.headers).json()
            assert propose() == 1
            (wave_pull,) = open_pulls(github)
            assert wave_pull.head_ref.startswith(f"storefleet/rollout/{created['id']}.w1")
            commits = github.repo.commits_between(wave_pull.base_sha, wave_pull.head_sha)
            assert len(commits) == 2  # the chart version's own commit, then the wave's
            # not merged yet: no gate, whatever time passes
            wait_for(lambda: rollout(client, admin, created["id"])["waves"][0]["state"] == "committing")
            merged = github.merge_in_ui(wave_pull.number)
            deliver()
            wait_for(lambda: rollout(client, admin, created["id"])["waves"][0]["commit_sha"] == merged,
                     what="the gate on the merge commit")  # fmt: skip
            wait_for(lambda: propose() == 3, timeout_s=30, what="wave 2 proposed after the canary passed")
            (second,) = open_pulls(github)
            github.merge_in_ui(second.number, "squash")
            deliver()
            done = wait_rollout(client, admin, created["id"], "succeeded", timeout_s=60)
    finally:
        watchers.stop()
    assert [w["store_count"] for w in done["waves"]] == [1, 3]
    for sid in ids:
        release = applier.kube.get(HR_API, "HelmRelease", sid, sid)
        assert (
            release is not None
            and release["spec"]["chart"]["spec"]["chart"] == "./charts/ecommerce-store-0.4.0"
        )
    log = git("log", "--format=%s", "main", cwd=github.bare_repo)
    assert "chart: add charts/ecommerce-store-0.4.0" in log
