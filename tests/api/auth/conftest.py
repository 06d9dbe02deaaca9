"""Clients of apps with chosen sign-in guardrails, from chosen client addresses."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient

from storefleet.api.app import create_app
from storefleet.api.settings import Settings

# Every guardrail off: each test turns on the one it is about.
NO_LIMITS = {
    "login_rate_limit": 0,
    "login_lockout_threshold": 0,
    "registration_rate_limit": 0,
}

AppClient = Callable[..., TestClient]


@pytest.fixture
def app_client(settings: Settings, db: psycopg.Connection[Any]) -> Iterator[AppClient]:
    """`app_client(ip="198.51.100.1", **settings)`: a TestClient of a new app (one API replica) on the
    test database, whose requests come from `ip`."""
    with ExitStack() as stack:

        def _make(ip: str = "198.51.100.1", **overrides: Any) -> TestClient:
            app = create_app(settings.model_copy(update={**NO_LIMITS, **overrides}), migrate=False)
            client = TestClient(app, client=(ip, 40000), raise_server_exceptions=False)
            return stack.enter_context(client)

        yield _make
