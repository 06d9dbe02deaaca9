"""Pull-request mode against the GitHub API double: the real API, the pull-request writer driven one
step at a time on the app's event loop, PyGithub over HTTP, and the double's bare repo as the fleet
remote the platform reads (and the applier doubles apply).

These tests cover `api/fleet/pulls/` but live beside `tests/api/fleet/`, not in it: that folder's
conftest runs every test over both ways the writer publishes, which pull-request mode does not use."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from storefleet.api.app import create_app
from storefleet.api.core.services import app_services
from storefleet.api.fleet.pulls.runtime import build_pull_request_writer
from storefleet.api.fleet.pulls.writer import PullRequestWriter
from storefleet.api.settings import Settings
from storefleet.renderer.profile import GitOpsEngine
from storefleet.renderer.template import instantiate_template
from tests.github.double import GitHubDouble, running_github
from tests.github.fixtures import TOKEN

WEBHOOK_SECRET = "webhook-secret-for-tests"


@pytest.fixture
def github(tmp_path: Path) -> Iterator[GitHubDouble]:
    """GitHub with the fleet repo as `storefleet up` seeds it (the gitops template) on `main`."""
    files = instantiate_template(GitOpsEngine.FLUX, "test", "http://127.0.0.1:8000/git/fleet.git", "main")
    text = {path: data.decode() for path, data in files.items()}
    with running_github(tmp_path / "github", files=text, token=TOKEN) as double:
        yield double


@pytest.fixture
def settings(settings: Settings, github: GitHubDouble) -> Settings:
    return settings.model_copy(
        update={
            "write_mode": "pull-request",
            "fleet_repo_url": str(github.bare_repo),
            "github_api_url": github.url,
            "github_repository": github.full_name,
            "github_token": SecretStr(TOKEN),
            "github_webhook_secret": SecretStr(WEBHOOK_SECRET),
            "github_seconds_between_requests": 0,
            "github_seconds_between_writes": 0,
            "run_fleet_writer": False,  # the tests drive the writer themselves (`propose`, `follow`)
        }
    )


@pytest.fixture
def client(settings: Settings, db: Any) -> Iterator[TestClient]:
    with TestClient(create_app(settings, migrate=False), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def writer(client: TestClient, settings: Settings) -> PullRequestWriter:
    services = app_services(client.app)
    assert settings.database_url is not None
    assert services.fleet is not None and services.fleet_reader is not None
    conninfo = settings.database_url.get_secret_value()
    return build_pull_request_writer(
        settings, services.fleet.context, services.pool, conninfo, services.fleet_reader
    )


@pytest.fixture
def propose(client: TestClient, writer: PullRequestWriter) -> Callable[[], int]:
    """Run the writer until the outbox is empty; returns how many changes it proposed."""

    def _propose() -> int:
        total = 0
        while done := client.portal.call(writer.drain_once):  # type: ignore[union-attr]
            total += done
        return total

    return _propose


@pytest.fixture
def follow(client: TestClient, writer: PullRequestWriter) -> Callable[[], int]:
    """One poll of the open pull requests (the webhooks' backup)."""
    return lambda: int(client.portal.call(writer.follow_once))  # type: ignore[union-attr]


@pytest.fixture
def deliver(client: TestClient, github: GitHubDouble) -> Callable[[], list[int]]:
    """GitHub's webhook deliveries, as the double made them (payload and signature), handed to the
    app; returns the answers' statuses. (The double also tries the registered URL, where nothing
    listens: the app under test is not served over a socket.)"""
    github.add_webhook("http://127.0.0.1:9/api/v1/webhooks/github", WEBHOOK_SECRET)
    handed: set[str] = set()

    def _deliver() -> list[int]:
        statuses = []
        for delivery in list(github.deliveries):
            if delivery.id in handed:
                continue
            handed.add(delivery.id)
            answer = client.post("/api/v1/webhooks/github", content=delivery.body, headers=delivery.headers)
            statuses.append(answer.status_code)
        return statuses

    return _deliver
