"""The control-plane database restarted under the running API: requests fail fast with 503 (never
hang, never 500) while it is down, and the same app serves again once it is back."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from storefleet.api.app import create_app
from storefleet.api.db.embedded import EmbeddedPostgres
from storefleet.api.db.migrate import apply_migrations
from storefleet.api.settings import Settings
from tests.conftest import TEST_JWT_SECRET
from tests.reconciler_watch.support import wait_for

pytestmark = pytest.mark.slow
CONNECT_TIMEOUT_S = 1.0


def test_a_database_restart_fails_fast_and_recovers_without_restarting_the_app(tmp_path: Path) -> None:
    server = EmbeddedPostgres(tmp_path / "pg", database="restart_test", durable=False)
    conninfo = server.start()
    try:
        apply_migrations(conninfo)
        settings = Settings(
            DATABASE_URL=conninfo, STOREFLEET_ENV="test", STOREFLEET_STATE_DIR=str(tmp_path / "state"),
            JWT_SECRET=TEST_JWT_SECRET, PASSWORD_HASH_PROFILE="cheapest", DB_POOL_MIN_SIZE=1,
            DB_POOL_MAX_SIZE=4, DB_CONNECT_TIMEOUT_S=CONNECT_TIMEOUT_S,
        )  # fmt: skip
        with TestClient(create_app(settings, migrate=False), raise_server_exceptions=False) as client:
            body = {"email": "db@example.com", "username": "dbuser", "password": "password1"}
            headers = {
                "Authorization": f"Bearer {client.post('/api/v1/auth/register', json=body).json()['token']}"
            }
            assert client.get("/api/v1/stores", headers=headers).status_code == 200

            server.stop()
            attempts = [("GET", None), ("POST", {"name": "while-down", "engine": "medusa"})]
            for method, json in attempts:
                started = time.monotonic()
                response = client.request(method, "/api/v1/stores", json=json, headers=headers)
                assert response.status_code == 503, response.text
                assert response.json()["error"]["code"] and response.headers["retry-after"]
                assert time.monotonic() - started < CONNECT_TIMEOUT_S * 4 + 1
            ready = client.get("/health/ready")
            assert ready.status_code == 503 or ready.json().get("status") != "ok"

            server.start()
            wait_for(lambda: client.get("/api/v1/stores", headers=headers).status_code == 200,
                     timeout_s=20, what="the API to use the restarted database")  # fmt: skip
            created = client.post("/api/v1/stores", json={"name": "after-restart", "engine": "medusa"},
                                  headers=headers)  # fmt: skip
            assert created.status_code == 202, created.text
            names = [s["name"] for s in client.get("/api/v1/stores", headers=headers).json()["stores"]]
            assert names == ["after-restart"]  # the request refused while down left nothing behind
    finally:
        server.stop()
