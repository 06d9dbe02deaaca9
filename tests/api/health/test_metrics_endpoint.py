"""`/api/v1/metrics` after exercising the app: every metric the platform promises, HTTP series by
route template, and the store and outbox gauges computed from the database at scrape time."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

PROMISED = {
    "http_requests_total": "counter",
    "http_request_duration_seconds": "histogram",
    "stores_total": "gauge",
    "active_provisioning_operations": "gauge",
    "store_oldest_transitional_age_seconds": "gauge",
    "store_provisioning_duration_seconds": "histogram",
    "store_provisioning_failures_total": "counter",
    "security_events_total": "counter",
    "process_cpu_seconds_total": "counter",
    "process_resident_memory_bytes": "gauge",
    "fleet_commits_total": "counter",
    "fleet_push_seconds": "histogram",
    "fleet_push_conflicts_total": "counter",
    "outbox_depth": "gauge",
    "outbox_oldest_age_seconds": "gauge",
    "reconcile_lag_seconds": "histogram",
    "watcher_events_total": "counter",
    "circuit_breaker_state": "gauge",
}


def _scrape(client: TestClient, admin: Any) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = client.get("/api/v1/metrics", headers=admin.headers)
    assert response.status_code == 200
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(response.text)
        for s in family.samples
    }


def _value(samples: dict[Any, float], name: str, **labels: str) -> float | None:
    return samples.get((name, tuple(sorted(labels.items()))))


def _families(client: TestClient, admin: Any) -> dict[str, str]:
    text = client.get("/api/v1/metrics", headers=admin.headers).text
    # The parser names a counter family without `_total`; the promise is about the exposed name.
    return {
        (f.name + "_total" if f.type == "counter" else f.name): f.type
        for f in text_string_to_metric_families(text)
    }


def test_every_promised_metric_is_exposed(client: TestClient, admin: Any) -> None:
    families = _families(client, admin)
    missing = {name for name in PROMISED if name not in families}
    assert not missing
    assert {name: families[name] for name in PROMISED} == PROMISED


def test_http_series_are_labelled_by_route_template(
    client: TestClient, admin: Any, tenant: Any, new_store: Any
) -> None:
    store = new_store(tenant)
    assert client.get(f"/api/v1/stores/{store['id']}", headers=tenant.headers).status_code == 200
    assert client.get("/api/v1/no-such-thing/abc123").status_code == 404
    assert client.put(f"/api/v1/stores/{store['id']}", headers=tenant.headers).status_code == 405
    response = client.get("/api/v1/metrics", headers=admin.headers)
    assert store["id"] not in response.text and "abc123" not in response.text
    samples = _scrape(client, admin)
    route = "/api/v1/stores/{store_id}"
    assert (_value(samples, "http_requests_total", method="GET", route=route, status="200") or 0) >= 1
    assert _value(samples, "http_requests_total", method="GET", route="<unmatched>", status="404")
    assert (_value(samples, "http_request_duration_seconds_count", method="GET", route=route) or 0) >= 1
    assert _value(samples, "http_requests_total", method="PUT", route=route, status="405")


def test_store_and_outbox_gauges_come_from_the_database(
    client: TestClient,
    admin: Any,
    tenant: Any,
    other_tenant: Any,
    register: Any,
    new_store: Any,
    set_status: Any,
    db: Any,
) -> None:
    # One store per account: creation guardrails (cooldowns, quotas) are per tenant.
    stuck = new_store(tenant, "stuck-shop")
    done = new_store(other_tenant, "done-shop")
    set_status(stuck["id"], "provisioning")
    set_status(done["id"], "ready")
    db.execute(
        "UPDATE stores SET status_changed_at = now() - interval '700 seconds' WHERE id = %s", (stuck["id"],)
    )
    new_store(register("carol"), "new-shop")
    samples = _scrape(client, admin)
    assert _value(samples, "stores_total", status="provisioning") == 1
    assert _value(samples, "stores_total", status="ready") == 1
    assert _value(samples, "stores_total", status="requested") == 1
    assert _value(samples, "stores_total", status="failed") == 0
    assert _value(samples, "active_provisioning_operations") == 2
    assert (_value(samples, "store_oldest_transitional_age_seconds") or 0) >= 700
    assert _value(samples, "outbox_depth") == 3  # no fleet writer runs in these tests
    assert (_value(samples, "outbox_oldest_age_seconds") or 0) > 0


def test_circuit_breakers_start_closed(client: TestClient, admin: Any) -> None:
    samples = _scrape(client, admin)
    for dependency in ("git_remote", "github", "kubernetes"):
        assert _value(samples, "circuit_breaker_state", dependency=dependency) == 0
