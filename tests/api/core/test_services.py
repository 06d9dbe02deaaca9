"""The app's services: one typed object the composition root builds and every request reads (nothing
is built per request), completed by the lifespan and reachable by injection too."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from fastapi import Request
from fastapi.testclient import TestClient

from storefleet.api.app import create_app
from storefleet.api.core.services import AppServices, Lifecycle, Services, app_services, services
from storefleet.api.settings import Settings


def test_every_request_reads_the_one_services_object(settings: Settings, db: psycopg.Connection[Any]) -> None:
    app = create_app(settings, migrate=False)
    seen: list[AppServices] = []

    @app.get("/probe")
    async def probe(request: Request, injected: Services) -> dict[str, bool]:
        seen.append(services(request))
        return {"injected_is_the_same": injected is services(request)}

    with TestClient(app) as client:
        answers = [client.get("/probe").json() for _ in range(3)]
    assert answers == [{"injected_is_the_same": True}] * 3
    assert len(seen) == 3 and all(one is app_services(app) for one in seen)


def test_the_lifespan_opens_the_pool_and_registers_the_checks(
    settings: Settings, db: psycopg.Connection[Any]
) -> None:
    installed = app_services(create_app(settings, migrate=False))
    with pytest.raises(AttributeError):
        _ = installed.pool  # nothing connects before the lifespan
    assert installed.health_checks == {}
    with TestClient(create_app(settings, migrate=False)) as client:
        running = app_services(client.app)
        assert not running.pool.closed
        # No cluster and no fleet repo in these settings: each says so in the health report.
        assert list(running.health_checks) == ["database", "watcher", "cluster", "fleet"]
        assert running.fleet is None and running.fleet_reader is None and running.cluster is None
    assert running.pool.closed


def test_the_lifecycle_given_is_the_one_readiness_reads(
    settings: Settings, db: psycopg.Connection[Any]
) -> None:
    lifecycle = Lifecycle()
    with TestClient(create_app(settings, lifecycle=lifecycle, migrate=False)) as client:
        assert app_services(client.app).lifecycle is lifecycle
        assert client.get("/health/ready").status_code == 200
        lifecycle.shutting_down = True
        assert client.get("/health/ready").status_code == 503
