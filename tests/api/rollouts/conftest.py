"""The rollouts API on a real fleet remote; no writer, no controller, no cluster: what a request
records and queues is read straight from PostgreSQL and git."""

from __future__ import annotations

import subprocess
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


@pytest.fixture
def fleet_remote(tmp_path: Path) -> Path:
    path = tmp_path / "fleet-remote.git"
    files = instantiate_template(GitOpsEngine.FLUX, "test", "http://127.0.0.1:8000/git/fleet.git", "main")
    ensure_local_fleet_repo(path, "main", Identity("storefleet", "storefleet@localhost"), files)
    return path


@pytest.fixture
def settings(settings: Settings, fleet_remote: Path) -> Settings:
    return settings.model_copy(update={"fleet_repo_url": str(fleet_remote), "run_rollouts": False})


@pytest.fixture
def client(settings: Settings, db: Any) -> Iterator[TestClient]:
    with TestClient(create_app(settings, migrate=False), raise_server_exceptions=False) as test_client:
        yield test_client


def push_files(remote: Path, files: dict[str, str], workdir: Path, message: str = "add a chart") -> str:
    """A platform engineer's commit on main (e.g. a new chart version)."""
    clone = workdir / f"clone-{len(list(workdir.iterdir()))}"
    subprocess.run(["git", "clone", "-q", str(remote), str(clone)], check=True)
    for rel, text in files.items():
        (clone / rel).parent.mkdir(parents=True, exist_ok=True)
        (clone / rel).write_text(text)
    ident = ["-c", "user.name=Pat", "-c", "user.email=pat@example.com"]
    subprocess.run(["git", "-C", str(clone), "add", "-A"], check=True)
    subprocess.run(["git", "-C", str(clone), *ident, "commit", "-qm", message], check=True)
    subprocess.run(["git", "-C", str(clone), "push", "-q", "origin", "HEAD:main"], check=True)
    return subprocess.run(["git", "-C", str(clone), "rev-parse", "HEAD"], check=True, capture_output=True,
                          text=True).stdout.strip()  # fmt: skip
