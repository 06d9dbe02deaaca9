"""Fleet fixtures: a real bare remote seeded from the gitops-template, the API wired to it, and the
writer and the git-side sync driven one step at a time on the app's own event loop."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from storefleet.api.app import create_app
from storefleet.api.core.services import app_services
from storefleet.api.fleet.git_repo import FleetRepo
from storefleet.api.fleet.gitsync import GitSync
from storefleet.api.fleet.local_remote import ensure_local_fleet_repo
from storefleet.api.fleet.repo import Identity
from storefleet.api.fleet.writer import FleetWriter
from storefleet.api.settings import Settings
from storefleet.renderer.profile import GitOpsEngine
from storefleet.renderer.template import instantiate_template

CRD_DIR = (Path(__file__).parents[2] / "fixtures" / "crds").resolve()


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def fleet_remote(tmp_path: Path) -> Path:
    path = tmp_path / "fleet-remote.git"
    files = instantiate_template(GitOpsEngine.FLUX, "test", "http://127.0.0.1:8000/git/fleet.git", "main")
    ensure_local_fleet_repo(path, "main", Identity("storefleet", "storefleet@localhost"), files)
    return path


@pytest.fixture(params=["local", "file-url"])
def settings(request: pytest.FixtureRequest, settings: Settings, fleet_remote: Path) -> Settings:
    """Every fleet test runs against both ways the writer publishes: straight into a local bare repo
    (what `storefleet up` uses) and a push over a git transport (every network remote)."""
    url = str(fleet_remote) if request.param == "local" else f"file://{fleet_remote}"
    return settings.model_copy(update={"fleet_repo_url": url})


@pytest.fixture
def client(settings: Settings, db: Any) -> Iterator[TestClient]:
    with TestClient(create_app(settings, migrate=False), raise_server_exceptions=False) as test_client:
        yield test_client


def _writer(client: TestClient, settings: Settings) -> FleetWriter:
    services = app_services(client.app)
    assert services.fleet is not None and settings.database_url is not None
    ctx = services.fleet.context
    return FleetWriter(
        services.pool,
        settings.database_url.get_secret_value(),
        ctx.work_repo,
        ctx.profile,
        ctx.writer,
    )


@pytest.fixture
def writer(client: TestClient, settings: Settings) -> FleetWriter:
    return _writer(client, settings)


@pytest.fixture
def drain(client: TestClient, writer: FleetWriter) -> Callable[[], int]:
    """Run the writer until the outbox is empty; returns how many changes it completed."""

    def _drain() -> int:
        total = 0
        while done := client.portal.call(writer.drain_once):  # type: ignore[union-attr]
            total += done
        return total

    return _drain


@pytest.fixture
def sync(client: TestClient) -> Callable[[], Any]:
    services = app_services(client.app)
    assert services.fleet is not None
    git_sync = GitSync(services.pool, services.fleet.reader, services.fleet.context.repo_key, 1.0)
    return lambda: client.portal.call(git_sync.sync_once)  # type: ignore[union-attr]


class Clone:
    """A person's working clone of the fleet repo."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def git(self, *args: str) -> str:
        return git("-c", "user.name=Pat Engineer", "-c", "user.email=pat@example.com", *args, cwd=self.path)

    def pull(self) -> None:
        self.git("pull", "-q", "--ff-only")

    def head(self) -> str:
        return self.git("rev-parse", "HEAD").strip()


@pytest.fixture
def human(tmp_path: Path, fleet_remote: Path) -> Clone:
    path = tmp_path / "human"
    git("clone", "-q", str(fleet_remote), str(path), cwd=tmp_path)
    return Clone(path)


@pytest.fixture
def human_races_pushes(human: Clone, monkeypatch: pytest.MonkeyPatch) -> Callable[[int], dict[str, int]]:
    """`race(n)`: before each of the writer's next n pushes, a person pushes a commit of their own,
    so those pushes are rejected (the branch moved). Returns the count of pushes made."""

    def race(times: int) -> dict[str, int]:
        real_push = FleetRepo.push
        pushes = {"n": 0}

        def human_pushes_first(self: FleetRepo, sha: str) -> None:
            pushes["n"] += 1
            if pushes["n"] <= times:
                human.pull()
                (human.path / f"notes-{pushes['n']}.md").write_text("a person was here\n")
                human.git("add", "-A")
                human.git("commit", "-qm", f"hand edit {pushes['n']}")
                human.git("push", "-q", "origin", "HEAD:main")
            real_push(self, sha)

        monkeypatch.setattr(FleetRepo, "push", human_pushes_first)
        return pushes

    return race


@pytest.fixture
def crd_dir() -> Path:
    return CRD_DIR
