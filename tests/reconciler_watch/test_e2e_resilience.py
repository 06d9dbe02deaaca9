"""The loop survives its failures: a `storefleet watch` process killed mid-way and started again, and
watch streams that break across a gap the API server no longer remembers (410 Gone)."""

from __future__ import annotations

import copy
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from storefleet.api.settings import Settings
from storefleet.reconciler_watch.cluster import SETUP_JOBS
from storefleet.reconciler_watch.watcher import ClusterWatcher
from storefleet_demo.kube.applier import Applier
from storefleet_demo.kube.cluster import KubeCluster
from storefleet_demo.kube.jobs import terminal_job_status
from storefleet_demo.kube.store import ObjectStore
from tests.reconciler_watch.conftest import WatcherRunner
from tests.reconciler_watch.support import (
    create,
    finish_setup,
    setup_jobs,
    status_of,
    transitions,
    wait_for,
    wait_status,
)

STOREFLEET = str(Path(sys.executable).parent / "storefleet")


class WatchProcess:
    """`storefleet watch` as production runs it: its own process, settings from the environment."""

    def __init__(self, settings: Settings, state_dir: Path) -> None:
        assert settings.database_url is not None and settings.kubeconfig is not None
        self.env = {
            **os.environ,
            "STOREFLEET_ENV": "test",
            "STOREFLEET_STATE_DIR": str(state_dir),
            "DATABASE_URL": settings.database_url.get_secret_value(),
            "FLEET_REPO_URL": str(settings.fleet_repo_url),
            "GITOPS_ENGINE": settings.gitops_engine,
            "KUBECONFIG": str(settings.kubeconfig),
            "WATCH_TICK_S": "0.2",
            "DB_POOL_MIN_SIZE": "1",
            "DB_POOL_MAX_SIZE": "3",
            "LOG_FORMAT": "console",
        }
        self.log = state_dir.parent / "watch.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as log:  # a file, not a pipe nobody reads, which could fill and block
            self.proc = subprocess.Popen(
                [STOREFLEET, "watch"], env=self.env, stdout=log, stderr=subprocess.STDOUT
            )

    def kill(self) -> None:
        """SIGKILL: no clean-up of any kind runs."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def watch_process(settings: Settings, tmp_path: Path) -> Iterator[WatchProcess]:
    process = WatchProcess(settings, tmp_path / "watcher-state")
    yield process
    process.stop()


def test_a_killed_watcher_restarts_without_missing_or_repeating_a_transition(
    client: TestClient, tenant: Any, applier: Applier, watch_process: WatchProcess
) -> None:
    watch_process.start()
    with applier.run_in_background():
        first = create(client, tenant, "before-kill")["id"]
        job = wait_for(lambda: setup_jobs(applier, first), timeout_s=30, what="the first setup Job")[0]
        watch_process.kill()
        # While no watcher runs: the first store's setup ends, a second store is installed.
        assert applier.finish_jobs(first) == [job["metadata"]["name"]]
        second = create(client, tenant, "while-down")["id"]
        wait_for(lambda: applier.kube.get("v1", "Namespace", None, second), what="the second store applied")
        assert status_of(client, tenant, first)["status"] == "provisioning"

        watch_process.start()
        wait_status(client, tenant, first, "ready", timeout_s=30)
        finish_setup(applier, second)
        wait_status(client, tenant, second, "ready")

    # The restarted watcher found the first Job by its name instead of starting the setup again.
    assert [j["metadata"]["name"] for j in setup_jobs(applier, first)] == [job["metadata"]["name"]]
    assert len(setup_jobs(applier, second)) == 1
    for store in (first, second):
        assert transitions(client, tenant, store) == ["requested", "provisioning", "ready"]


def _end_job_unseen(kube_api: KubeCluster, namespace: str, name: str) -> None:
    """In one step on the server: every watch ends, the Job succeeds, and the server forgets the
    event, so a watch resuming from before it gets 410 Gone and only a relist can see the change."""

    def gap(store: ObjectStore) -> None:
        store.close_watches()
        jobs = store.registry.for_kind("batch/v1", "Job")
        assert jobs is not None
        old = store.get(jobs, namespace, name)
        new = copy.deepcopy(old)
        new["status"] = terminal_job_status(old, succeed=True)
        store.update(jobs, old, new, "status")
        store.expire_history()

    kube_api.call(gap)


def test_a_410_gone_on_the_watch_relists_and_misses_nothing(
    client: TestClient, tenant: Any, applier: Applier, watcher: ClusterWatcher, kube_api: KubeCluster
) -> None:
    with applier.run_in_background():
        sid = create(client, tenant, "gone-watch")["id"]
        job = wait_for(lambda: setup_jobs(applier, sid), what="the setup Job")[0]
        jobs_informer = watcher.informers[SETUP_JOBS.key]
        relists = jobs_informer.relists
        _end_job_unseen(kube_api, sid, job["metadata"]["name"])
        wait_status(client, tenant, sid, "ready")
    assert jobs_informer.relists > relists
    assert transitions(client, tenant, sid) == ["requested", "provisioning", "ready"]


def test_a_watcher_that_cannot_reach_the_cluster_stops_at_once(
    watchers: WatcherRunner, tmp_path: Path
) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    dead = tmp_path / "dead-kubeconfig"
    dead.write_text(
        "apiVersion: v1\nkind: Config\ncurrent-context: dead\n"
        f"clusters: [{{name: dead, cluster: {{server: 'http://127.0.0.1:{port}'}}}}]\n"
        "contexts: [{name: dead, context: {cluster: dead, user: u}}]\nusers: [{name: u, user: {}}]\n"
    )
    watcher = watchers.start(kubeconfig=dead)
    wait_for(lambda: any(i.errors for i in watcher.informers.values()), what="a failed list")
    started = time.monotonic()
    watchers.stop()
    assert time.monotonic() - started < 2.0
