"""The watcher's tests: the real API and fleet writer on a real bare remote, the real `kubernetes`
client against the test Kubernetes API, the applier doubles on the same remote, and a watcher the test
starts and stops."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from storefleet.api.app import create_app
from storefleet.api.core.services import app_services
from storefleet.api.fleet.local_remote import ensure_local_fleet_repo
from storefleet.api.fleet.repo import Identity
from storefleet.api.settings import Settings
from storefleet.reconciler_watch.factory import build_watcher
from storefleet.reconciler_watch.watcher import ClusterWatcher
from storefleet.renderer.profile import GitOpsEngine
from storefleet.renderer.template import instantiate_template
from storefleet_demo.kube.applier import Applier
from storefleet_demo.kube.cluster import KubeCluster
from storefleet_demo.kube.flux_double import FluxDouble
from tests.kube.argo_double import ArgoDouble
from tests.kube.fixtures import kube_api
from tests.reconciler_watch.support import git

__all__ = ["git", "kube_api"]


@pytest.fixture(params=["flux"])
def engine(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def fleet_remote(tmp_path: Path, engine: str) -> Path:
    path = tmp_path / "fleet-remote.git"
    files = instantiate_template(GitOpsEngine(engine), "test", "http://127.0.0.1:8000/git/fleet.git", "main")
    ensure_local_fleet_repo(path, "main", Identity("storefleet", "storefleet@localhost"), files)
    return path


@pytest.fixture
def settings(settings: Settings, fleet_remote: Path, engine: str, kube_api: Any, tmp_path: Path) -> Settings:
    """The writer and the git-side sync run in the app; the watcher is started by `watcher`."""
    return settings.model_copy(
        update={
            "fleet_repo_url": str(fleet_remote),
            "gitops_engine": engine,
            "run_fleet_writer": True,
            "run_git_sync": True,
            "fleet_poll_interval_s": 0.2,
            "kubeconfig": kube_api.write_kubeconfig(tmp_path / "kubeconfig"),
            "watch_tick_s": 0.2,
        }
    )


@pytest.fixture
def client(settings: Settings, db: Any) -> Iterator[TestClient]:
    with TestClient(create_app(settings, migrate=False), raise_server_exceptions=False) as test_client:
        yield test_client


class WatcherRunner:
    """Starts and stops watchers in the app's event loop, as `storefleet up` runs one in-process."""

    def __init__(self, client: TestClient, settings: Settings) -> None:
        self.client, self.settings = client, settings
        self.current: ClusterWatcher | None = None
        self._stop: asyncio.Event | None = None
        self._done: Future[None] | None = None

    @property
    def portal(self) -> Any:
        return self.client.portal

    def start(self, **overrides: Any) -> ClusterWatcher:
        """A new watcher; `overrides` are Settings fields (e.g. deletion_timeout_s)."""
        assert self.current is None, "one watcher at a time"
        services = app_services(self.client.app)
        assert self.settings.database_url is not None and services.fleet_reader is not None
        conninfo = self.settings.database_url.get_secret_value()
        settings = self.settings.model_copy(update=overrides)
        self.current = build_watcher(settings, services.pool, conninfo, services.fleet_reader)
        self._stop = self.portal.call(asyncio.Event)
        self._done = self.portal.start_task_soon(self.current.run, self._stop)
        return self.current

    def stop(self) -> None:
        """A clean stop; the watcher's threads and streams end with it."""
        if self.current is None:
            return
        assert self._stop is not None and self._done is not None
        self.portal.call(self._stop.set)
        self._done.result(timeout=15)
        self.current = None


@pytest.fixture
def watchers(client: TestClient, settings: Settings) -> Iterator[WatcherRunner]:
    runner = WatcherRunner(client, settings)
    yield runner
    runner.stop()


@pytest.fixture
def watcher(watchers: WatcherRunner) -> ClusterWatcher:
    return watchers.start()


@pytest.fixture
def applier(kube_api: KubeCluster, fleet_remote: Path, engine: str) -> Applier:
    """The engine's applier double, reading the remote the writer pushes to."""
    double = FluxDouble if engine == "flux" else ArgoDouble
    return double(kube_api, fleet_remote)
