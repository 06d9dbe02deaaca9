from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from storefleet.api.core.services import app_services


def test_health_reports_the_database(client: TestClient) -> None:
    for path in ("/api/v1/health", "/health"):
        response = client.get(path)
        assert response.status_code == 200
        body = response.json()
        assert body["status"] == "ok" and body["checks"]["database"]["status"] == "ok"
        assert body["checks"]["database"]["latency_ms"] >= 0


def test_liveness_and_readiness(client: TestClient) -> None:
    assert client.get("/health/live").json() == {"status": "ok"}
    ready = client.get("/health/ready")
    assert ready.status_code == 200 and ready.json()["status"] == "ok"


def test_readiness_is_503_while_shutting_down(client: TestClient) -> None:
    app_services(client.app).lifecycle.shutting_down = True
    assert client.get("/health/ready").status_code == 503
    assert client.get("/health/live").status_code == 200


def test_health_is_503_when_the_database_is_down(client: TestClient) -> None:
    async def down() -> Any:
        from storefleet.api.health.checks import CheckResult

        return CheckResult("down", {"error": "OperationalError"})

    app_services(client.app).health_checks["database"] = down
    response = client.get("/api/v1/health")
    assert response.status_code == 503
    assert (
        response.json()["status"] == "degraded" and response.json()["checks"]["database"]["status"] == "down"
    )
    assert client.get("/health/ready").status_code == 503


def test_metrics_are_for_admins(client: TestClient, admin: Any, tenant: Any, new_store: Any) -> None:
    new_store(tenant)
    assert client.get("/api/v1/metrics").status_code == 401
    forbidden = client.get("/api/v1/metrics", headers=tenant.headers)
    assert forbidden.status_code == 403 and forbidden.json()["error"]["code"] == "FORBIDDEN"
    body = client.get("/api/v1/metrics", headers=admin.headers).text
    assert 'security_events_total{event="registered"}' in body


def test_watcher_lag_is_the_oldest_commit_the_cluster_has_not_caught_up_with(
    client: TestClient, tenant: Any, new_store: Any, db: Any
) -> None:
    from storefleet.api.health.checks import watcher_lag_check

    services = app_services(client.app)
    assert client.get("/api/v1/health").json()["checks"]["watcher"]["status"] == "not_configured"
    check = watcher_lag_check(services.pool, stuck_after_s=600)
    services.health_checks["watcher"] = check
    store = new_store(tenant)
    idle = client.get("/api/v1/health").json()["checks"]["watcher"]
    assert idle == {"status": "ok", "lag_seconds": 0.0, "stores_waiting": 0}
    db.execute(
        "UPDATE stores SET status = 'provisioning', committed_at = now() - interval '15 minutes'"
        " WHERE id = %s",
        (store["id"],),
    )
    response = client.get("/api/v1/health")
    watcher = response.json()["checks"]["watcher"]
    assert response.status_code == 503 and watcher["status"] == "degraded"
    assert watcher["stores_waiting"] == 1 and 899 < watcher["lag_seconds"] < 1000


def test_health_says_whether_the_cluster_is_set_or_simulated(client: TestClient) -> None:
    report = client.get("/api/v1/health").json()
    assert (report["cluster_configured"], report["simulated"]) == (False, False)
    assert client.get("/api/v1/health/summary").json() == {
        "status": "ok",
        "cluster_configured": False,
        "simulated": False,
    }
    settings = app_services(client.app).settings
    app_services(client.app).settings = settings.model_copy(update={"demo_cluster": True})
    assert client.get("/api/v1/health").json()["simulated"] is True


def test_the_summary_names_no_component(client: TestClient) -> None:
    async def down() -> Any:
        from storefleet.api.health.checks import CheckResult

        return CheckResult("down", {"error": "OperationalError"})

    app_services(client.app).health_checks["fleet"] = down
    summary = client.get("/api/v1/health/summary")
    assert summary.status_code == 200
    assert summary.json() == {"status": "degraded", "cluster_configured": False, "simulated": False}
