"""The watcher's tests: the real API and fleet writer on a real bare remote, the real `kubernetes`
client against the test Kubernetes API, and a watcher the test drives."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from storefleet.api.app import create_app
from storefleet.api.fleet.local_remote import ensure_local_fleet_repo
from storefleet.api.settings import Settings
from storefleet.renderer.gitrepo import Identity
from storefleet.renderer.profile import GitOpsEngine
from storefleet.renderer.template import instantiate_template
from tests.kube.fixtures import kube_api

__all__ = ["kube_api"]


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


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
    """The writer runs in the app; the watcher is built by each test (RUN_WATCHER off)."""
    return settings.model_copy(
        update={
            "fleet_repo_url": str(fleet_remote),
            "gitops_engine": engine,
            "run_fleet_writer": True,
            "fleet_poll_interval_s": 0.2,
            "kubeconfig": kube_api.write_kubeconfig(tmp_path / "kubeconfig"),
        }
    )


@pytest.fixture
def client(settings: Settings, db: Any) -> Iterator[TestClient]:
    with TestClient(create_app(settings, migrate=False), raise_server_exceptions=False) as test_client:
        yield test_client
