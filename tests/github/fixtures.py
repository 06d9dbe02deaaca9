"""pytest fixtures for the GitHub API double. Another test folder's conftest.py takes them with
`from tests.github.fixtures import github, github_client  # noqa: F401` (a plain import: works under
importlib mode)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from github import Auth, Github

from tests.github.double import GitHubDouble, running_github

TOKEN = "test-token"


@pytest.fixture
def github(tmp_path: Path) -> Iterator[GitHubDouble]:
    """A fresh double for each test: its own bare repo with one commit on `main`, token TOKEN."""
    with running_github(tmp_path, token=TOKEN) as double:
        yield double


def client_for(double: GitHubDouble, token: str | None = TOKEN, **options: Any) -> Github:
    """PyGithub pointed at the double without its default pacing (0.25 s between requests, 1 s between
    writes) and, unless `retry` is given, with retries off so rate-limit answers surface at once."""
    options = {"retry": None, "seconds_between_requests": None, "seconds_between_writes": None, **options}
    return Github(base_url=double.url, auth=Auth.Token(token) if token else None, **options)


@pytest.fixture
def github_client(github: GitHubDouble) -> Iterator[Github]:
    client = client_for(github)
    yield client
    client.close()
