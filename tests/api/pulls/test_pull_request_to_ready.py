"""The whole loop in pull-request mode: API -> pull request on GitHub (the double) -> merged with each
method -> the merge result on the fleet branch -> the Flux double applies it -> the watcher sees the
store ready at that commit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from storefleet.api.settings import Settings
from storefleet_demo.kube.cluster import KubeCluster
from storefleet_demo.kube.flux_double import FluxDouble
from tests.github.double import GitHubDouble
from tests.kube.fixtures import kube_api
from tests.reconciler_watch.conftest import WatcherRunner
from tests.reconciler_watch.support import finish_setup, wait_status

__all__ = ["kube_api"]


@pytest.fixture
def settings(settings: Settings, kube_api: KubeCluster, tmp_path: Path) -> Settings:
    return settings.model_copy(
        update={"kubeconfig": kube_api.write_kubeconfig(tmp_path / "kubeconfig"), "watch_tick_s": 0.2}
    )


@pytest.mark.parametrize("method", ["merge", "squash", "rebase"])
def test_a_merged_pull_request_becomes_a_ready_store(
    client: TestClient,
    settings: Settings,
    tenant: Any,
    new_store: Any,
    propose: Any,
    deliver: Any,
    github: GitHubDouble,
    kube_api: KubeCluster,
    method: str,
) -> None:
    applier = FluxDouble(kube_api, github.bare_repo)
    watchers = WatcherRunner(client, settings)
    watchers.start()
    try:
        with applier.run_in_background():
            store = new_store(tenant, "acme-shop")
            propose()
            assert wait_status(client, tenant, store["id"], "pending_approval")
            (pull,) = (p for p in github.pulls.search("all", None, None))
            merged = github.merge_in_ui(pull.number, method)
            deliver()
            finish_setup(applier, store["id"])
            ready = wait_status(client, tenant, store["id"], "ready")
    finally:
        watchers.stop()
    assert ready["last_commit_sha"] == merged
    assert ready["status_message"] == f"ready at {merged[:12]}"
