"""The git remote goes away under the running platform: creates are still accepted into the outbox,
the writer's circuit opens (metric 2, health degraded) instead of hammering the remote, and when the
remote comes back the circuit closes and every accepted store is committed exactly once."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY

from storefleet.api.settings import Settings
from tests.reconciler_watch.support import git, wait_for

STORES = 5


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"git_circuit_failures": 2, "git_circuit_reset_s": 0.5})


def _gauge() -> float | None:
    return REGISTRY.get_sample_value("circuit_breaker_state", {"dependency": "git_remote"})


def _pending(db: Any) -> int:
    return int(db.execute("SELECT count(*) AS n FROM outbox WHERE processed_at IS NULL").fetchone()["n"])


def _committed_store_ids(remote: Path) -> Counter[str]:
    log = git("log", "--format=%(trailers:key=Store-Id,valueonly)", "main", cwd=remote)
    return Counter(line.strip() for line in log.splitlines() if line.strip())


def test_creates_are_kept_while_the_remote_is_away_and_committed_once_it_is_back(
    client: TestClient, tenant: Any, new_store: Any, db: Any, fleet_remote: Path
) -> None:
    first = new_store(tenant, "before-outage")
    wait_for(lambda: _pending(db) == 0, what="the first store to be committed")
    assert _gauge() == 0

    away = fleet_remote.with_name("fleet-remote-away.git")
    fleet_remote.rename(away)
    try:
        accepted = [new_store(tenant, f"during-outage-{i}") for i in range(STORES)]  # 202 each
        wait_for(lambda: _gauge() == 2, what="the git_remote circuit to open")
        health = client.get("/api/v1/health")
        body = health.json()
        fleet = body["checks"]["fleet"]
        assert body["status"] == "degraded" and fleet["status"] == "degraded"
        assert fleet["circuit"]["state"] == "open" and fleet["circuit"]["last_error"]
        assert body["checks"]["database"]["status"] == "ok"
        # Still in the load balancer: readiness is about the database, not the remote.
        assert client.get("/health/ready").status_code == 200
        # Still accepting while open, and nothing leaves the outbox.
        accepted.append(new_store(tenant, "while-open"))
        assert _pending(db) == STORES + 1
    finally:
        away.rename(fleet_remote)

    wait_for(lambda: _pending(db) == 0, timeout_s=20, what="the outbox to drain after the outage")
    wait_for(lambda: _gauge() == 0, what="the git_remote circuit to close")
    fleet = client.get("/api/v1/health").json()["checks"]["fleet"]
    assert fleet["status"] == "ok" and fleet["circuit"]["state"] == "closed"
    commits = _committed_store_ids(fleet_remote)
    for store in [first, *accepted]:
        assert commits[store["id"]] == 1, store["name"]


def test_a_rollout_during_an_outage_waits_for_the_remote_and_commits_each_wave_once(
    client: TestClient, tenant: Any, admin: Any, new_store: Any, db: Any, fleet_remote: Path
) -> None:
    ids = [new_store(tenant, f"outage-shop-{n}")["id"] for n in range(3)]
    wait_for(lambda: _pending(db) == 0, what="the stores committed")
    body = {"chart_version": "0.4.0", "selector": {"all": True}, "steps": ["100%"]}
    away = fleet_remote.with_name("fleet-remote-away.git")
    fleet_remote.rename(away)
    try:
        refused = client.post("/api/v1/rollouts", json=body, headers=admin.headers)
        assert refused.status_code == 503 and refused.json()["error"]["code"] == "FLEET_UNAVAILABLE"
        assert refused.headers["retry-after"] == "30"
        assert db.execute("SELECT count(*) AS n FROM rollouts").fetchone()["n"] == 0
    finally:
        away.rename(fleet_remote)
    created = client.post("/api/v1/rollouts", json=body, headers=admin.headers)
    assert created.status_code == 201, created.text
    fleet_remote.rename(away)  # the remote goes away with the wave queued
    try:
        wait_for(lambda: _gauge() == 2, what="the git_remote circuit to open")
        wave = client.get(f"/api/v1/rollouts/{created.json()['id']}", headers=admin.headers).json()["waves"][
            0
        ]
        assert wave["state"] == "committing" and wave["commit_sha"] is None
    finally:
        away.rename(fleet_remote)
    wait_for(lambda: _pending(db) == 0, timeout_s=20, what="the wave committed after the outage")
    wave = wait_for(
        lambda: (w := client.get(f"/api/v1/rollouts/{created.json()['id']}", headers=admin.headers)
                 .json()["waves"][0])["state"] == "gating" and w,
        what="the wave's gate",
    )  # fmt: skip
    waves = git("log", "--format=%(trailers:key=Rollout-Wave,valueonly)", "main", cwd=fleet_remote).split()
    assert waves == ["1"] and len(ids) == 3
    assert git("rev-parse", "main", cwd=fleet_remote) == wave["commit_sha"]
