"""Two processes running the git-side sync on one database and fleet repo: one leads it, the other
stands by and its health names the leader (api/db/leadership.py)."""

from __future__ import annotations

import time
from typing import Any

from fastapi.testclient import TestClient

from storefleet.api.app import create_app
from storefleet.api.core.services import app_services
from storefleet.api.settings import Settings


def _sync_health(client: TestClient) -> dict[str, Any]:
    body = client.get("/health").json()
    return dict(body["checks"]["fleet"]["sync"])


def test_one_process_leads_the_sync_and_the_other_names_it(settings: Settings, db: Any) -> None:
    settings = settings.model_copy(update={"run_git_sync": True, "leader_poll_s": 0.1, "leader_check_s": 0.1})
    with TestClient(create_app(settings, migrate=False)) as first:
        deadline = time.monotonic() + 10
        while _sync_health(first).get("role") != "leader":
            assert time.monotonic() < deadline, _sync_health(first)
            time.sleep(0.05)
        with TestClient(create_app(settings, migrate=False)) as second:
            time.sleep(0.5)  # several of its polls: the lock stays with the first
            standby = _sync_health(second)
            assert standby["role"] == "standby"
            assert standby["leader"].startswith("storefleet git-sync ")
            lead = app_services(first.app).fleet
            assert lead is not None and lead.sync_leadership is not None
            assert standby["leader"] == lead.sync_leadership.identity
        assert _sync_health(first)["role"] == "leader"
