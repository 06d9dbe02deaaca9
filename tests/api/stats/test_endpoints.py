"""`GET /api/v1/fleet/stats` on real PostgreSQL: seeded stores, outbox rows and transitions at known
times, and the exact numbers each series must give; a tenant sees only their own stores."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

T0 = datetime(2026, 1, 1, tzinfo=UTC)
WINDOW = {"since": T0.isoformat(), "until": (T0 + timedelta(hours=4)).isoformat()}


def _at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


class Seeder:
    def __init__(self, db: Any) -> None:
        self.db = db

    def store(self, store: dict[str, Any], created: float, status: str, deleted: float | None = None) -> str:
        self.db.execute(
            "UPDATE stores SET created_at = %s, status = %s, deleted_at = %s WHERE id = %s",
            (_at(created), status, None if deleted is None else _at(deleted), store["id"]),
        )
        # the API's own create row: enqueued when the store was created, not yet committed
        self.db.execute("UPDATE outbox SET created_at = %s WHERE store_id = %s", (_at(created), store["id"]))
        return str(store["id"])

    def change(self, store_id: str, action: str, enqueued: float, committed: float | None = None) -> None:
        row = self.db.execute("SELECT tenant FROM outbox WHERE store_id = %s LIMIT 1", (store_id,)).fetchone()
        self.db.execute(
            "INSERT INTO outbox (store_id, tenant, action, created_at, processed_at, commit_sha)"
            " VALUES (%s, %s, %s, %s, %s, %s)",
            (store_id, row["tenant"], action, _at(enqueued), None if committed is None else _at(committed),
             None if committed is None else "c0ffee"),
        )  # fmt: skip

    def commit_create(self, store_id: str, committed: float) -> None:
        self.db.execute(
            "UPDATE outbox SET processed_at = %s, commit_sha = 'c0ffee'"
            " WHERE store_id = %s AND action = 'create'",
            (_at(committed), store_id),
        )

    def transition(self, store_id: str, to: str, at: float, event: str = "converged") -> None:
        tenant = self.db.execute("SELECT owner_id FROM stores WHERE id = %s", (store_id,)).fetchone()
        self.db.execute(
            "INSERT INTO audit_events (created_at, event, actor, store_id, tenant, before, after)"
            " VALUES (%s, 'store.transition', 'system:test', %s, %s, %s, %s)",
            (_at(at), store_id, tenant["owner_id"], json.dumps({"status": "x"}),
             json.dumps({"status": to, "event": event})),
        )  # fmt: skip


@pytest.fixture
def seeded(db: Any, tenant: Any, other_tenant: Any, new_store: Any) -> dict[str, str]:
    """a, b, d are the tenant's; c, e the other tenant's. The window is T0 → T0 + 4 h (4 hourly buckets)."""
    seed = Seeder(db)
    a = seed.store(new_store(tenant, "shop-a"), created=10, status="ready")
    b = seed.store(new_store(tenant, "shop-b", plan="large"), created=70, status="deleted", deleted=210)
    c = seed.store(new_store(other_tenant, "shop-c", engine="medusa"), created=125, status="failed")
    d = seed.store(new_store(tenant, "shop-d"), created=-60, status="degraded")
    e = seed.store(new_store(other_tenant, "shop-e"), created=300, status="ready")  # after the window
    seed.commit_create(a, 12)
    seed.transition(a, "ready", 15)  # provisioned in 300 s, 180 s after its commit
    seed.commit_create(b, 71)
    seed.transition(b, "ready", 72)  # 120 s; 60 s after its commit
    seed.change(b, "delete", 209, committed=209.5)  # a deletion: no lag measured
    seed.commit_create(c, 130)
    seed.transition(c, "failed", 140, event="timed_out")  # never ready
    seed.transition(c, "failed", 400, event="failed")  # after the window
    seed.change(d, "update", 59, committed=60)  # superseded by the next commit before any ready
    seed.change(d, "update", 64, committed=65)
    seed.transition(d, "ready", 70)  # 300 s after the second commit
    seed.transition(d, "degraded", 80, event="degraded")
    seed.change(e, "update", 290)
    return {"a": a, "b": b, "c": c, "d": d, "e": e}


def _stats(client: TestClient, account: Any, **params: str) -> dict[str, Any]:
    response = client.get("/api/v1/fleet/stats", params=params, headers=account.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_the_fleet_as_an_admin_sees_it(client: TestClient, admin: Any, seeded: dict[str, str]) -> None:
    stats = _stats(client, admin, **WINDOW)
    assert stats["scope"] == "fleet" and stats["window"]["bucket"] == "hour"
    counts = stats["counts"]
    assert counts["total"] == 4
    by_status = [(c["key"], c["stores"]) for c in counts["by_status"]]
    assert by_status == [("failed", 1), ("degraded", 1), ("ready", 2)]  # failed and degraded first
    assert {c["key"]: c["stores"] for c in counts["by_engine"]} == {"medusa": 1, "woocommerce": 3}
    assert {c["key"]: c["stores"] for c in counts["by_plan"]} == {"small": 4}
    over_time = [(p["at"], p["stores"], p["created"], p["deleted"]) for p in stats["stores_over_time"]]
    assert over_time == [
        ("2026-01-01T00:00:00Z", 2, 1, 0),  # a and d at 01:00
        ("2026-01-01T01:00:00Z", 3, 1, 0),  # b
        ("2026-01-01T02:00:00Z", 4, 1, 0),  # c
        ("2026-01-01T03:00:00Z", 3, 0, 1),  # b deleted
    ]
    provisioning = stats["provisioning"]  # a: 300 s, b: 120 s; c never ready
    summary = (provisioning["count"], provisioning["p50_seconds"], provisioning["p95_seconds"])
    assert summary == (2, 210.0, 291.0)
    bins = {(h["from_seconds"], h["to_seconds"]): h["stores"] for h in provisioning["histogram"]}
    assert bins[(120.0, 300.0)] == 1 and bins[(300.0, 600.0)] == 1 and sum(bins.values()) == 2
    assert bins[(1800.0, None)] == 0
    lag = stats["commit_to_ready"]  # a 180 s (bucket 0); b 60 s and d's second commit 300 s (bucket 1)
    assert (lag["count"], lag["p50_seconds"], lag["p95_seconds"]) == (3, 180.0, 288.0)
    assert [(p["count"], p["p50_seconds"], p["p95_seconds"]) for p in lag["series"]] == [
        (1, 180.0, 180.0), (2, 180.0, 288.0), (0, None, None), (0, None, None),
    ]  # fmt: skip
    changes = [{k: v for k, v in p.items() if k != "at" and v} for p in stats["changes"]]
    assert changes == [{"create": 1, "update": 1}, {"create": 1, "update": 1}, {"create": 1}, {"delete": 1}]
    assert stats["failures"] == [{"reason": "timed_out", "failures": 1}]


def test_a_tenant_sees_only_their_own_stores(client: TestClient, tenant: Any, seeded: dict[str, str]) -> None:
    stats = _stats(client, tenant, **WINDOW)
    assert stats["scope"] == "tenant"
    assert [(c["key"], c["stores"]) for c in stats["counts"]["by_status"]] == [("degraded", 1), ("ready", 1)]
    assert [p["stores"] for p in stats["stores_over_time"]] == [2, 3, 3, 2]
    assert stats["provisioning"]["count"] == 2 and stats["commit_to_ready"]["count"] == 3
    assert [p["create"] for p in stats["changes"]] == [1, 1, 0, 0]
    assert stats["failures"] == []


def test_a_preset_range_ends_now_in_hourly_or_daily_buckets(client: TestClient, admin: Any) -> None:
    day = _stats(client, admin, range="24h")
    assert day["window"]["bucket"] == "hour" and len(day["stores_over_time"]) in (24, 25)
    month = _stats(client, admin, range="30d")
    assert month["window"]["bucket"] == "day" and len(month["changes"]) in (30, 31)
    assert month["provisioning"] == {
        "count": 0, "p50_seconds": None, "p95_seconds": None, "histogram": month["provisioning"]["histogram"]
    }  # fmt: skip


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"range": "1y"}, "VALIDATION_ERROR"),
        ({"since": "2026-01-01T00:00:00Z", "until": "2026-05-01T00:00:00Z"}, "STATS_RANGE_TOO_LONG"),
        ({"since": "2026-01-02T00:00:00Z", "until": "2026-01-01T00:00:00Z"}, "STATS_RANGE_INVALID"),
        ({"until": "2026-01-01T00:00:00Z"}, "STATS_RANGE_INVALID"),
        ({"range": "7d", "since": "2026-01-01T00:00:00Z"}, "STATS_RANGE_INVALID"),
    ],
)
def test_a_bad_window_is_a_422_with_its_code(
    client: TestClient, admin: Any, params: dict[str, str], code: str
) -> None:
    response = client.get("/api/v1/fleet/stats", params=params, headers=admin.headers)
    assert response.status_code == 422 and response.json()["error"]["code"] == code


def test_signing_in_is_required(client: TestClient) -> None:
    assert client.get("/api/v1/fleet/stats").status_code == 401
