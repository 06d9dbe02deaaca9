"""Clients of apps (API replicas on the test database) with chosen API request limits."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient

from storefleet.api.app import create_app
from storefleet.api.settings import Settings
from tests.conftest import PASSWORD

LimitedClient = Callable[..., TestClient]


@pytest.fixture
def limited_client(settings: Settings, db: psycopg.Connection[Any]) -> Iterator[LimitedClient]:
    """`limited_client(ip="198.51.100.1", api_rate_limit_reads=3, ...)`: a TestClient of a new app whose
    requests come from `ip`; every API limit not named stays off (as in the `settings` fixture)."""
    with ExitStack() as stack:

        def _make(ip: str = "198.51.100.1", **overrides: Any) -> TestClient:
            app = create_app(settings.model_copy(update=overrides), migrate=False)
            client = TestClient(app, client=(ip, 40000), raise_server_exceptions=False)
            return stack.enter_context(client)

        yield _make


def bearer(client: TestClient, username: str) -> dict[str, str]:
    """Register `username` (a write of the client's address) and return headers that act as them."""
    response = client.post(
        "/api/v1/auth/register",
        json={"email": f"{username}@example.com", "username": username, "password": PASSWORD},
    )
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def limit_headers(response: Any) -> dict[str, str]:
    return {name: response.headers[name] for name in response.headers if name.startswith("ratelimit-")}
