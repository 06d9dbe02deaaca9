"""The reliability suite's platform: the real API with its fleet writer on a bare remote and a
cluster (the test Kubernetes API), so that every endpoint runs its whole path."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from storefleet.api.app import create_app
from storefleet.api.fleet.local_remote import ensure_local_fleet_repo
from storefleet.api.fleet.repo import Identity
from storefleet.api.settings import Settings
from storefleet.renderer.profile import GitOpsEngine
from storefleet.renderer.template import instantiate_template
from tests.kube.fixtures import kube_api

__all__ = ["kube_api"]


@pytest.fixture
def fleet_remote(tmp_path: Path) -> Path:
    path = tmp_path / "fleet-remote.git"
    files = instantiate_template(GitOpsEngine.FLUX, "test", "http://127.0.0.1:8000/git/fleet.git", "main")
    ensure_local_fleet_repo(path, "main", Identity("storefleet", "storefleet@localhost"), files)
    return path


@pytest.fixture
def settings(settings: Settings, fleet_remote: Path, kube_api: Any, tmp_path: Path) -> Settings:
    return settings.model_copy(
        update={
            "fleet_repo_url": str(fleet_remote),
            "run_fleet_writer": True,
            "fleet_poll_interval_s": 0.2,
            "kubeconfig": kube_api.write_kubeconfig(tmp_path / "kubeconfig"),
        }
    )


@pytest.fixture
def client(settings: Settings, db: Any) -> Iterator[TestClient]:
    with TestClient(create_app(settings, migrate=False), raise_server_exceptions=False) as test_client:
        yield test_client
