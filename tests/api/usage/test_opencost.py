"""With OPENCOST_URL set, OpenCost's allocation of the last 30 days by namespace replaces the plan's
estimate. The OpenCost API here is a loopback double that answers `/allocation` as OpenCost documents
it; when it is away or answers nonsense, the estimate stands."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from fastapi.testclient import TestClient

from storefleet.api.app import create_app
from storefleet.api.settings import Settings
from storefleet.api.usage.opencost import parse_allocation

Answer = Callable[[dict[str, list[str]]], tuple[int, Any]]


@pytest.fixture
def opencost() -> Iterator[tuple[str, dict[str, Answer]]]:
    """(url, {"answer": fn(query) -> (status, body)}): a tiny OpenCost API on 127.0.0.1."""
    state: dict[str, Answer] = {"answer": lambda _query: (200, {"code": 200, "data": [{}]})}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            url = urlparse(self.path)
            status, body = (404, {}) if url.path != "/allocation" else state["answer"](parse_qs(url.query))
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *_: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", state
    server.shutdown()
    server.server_close()


@pytest.fixture
def client(settings: Settings, db: Any, opencost: tuple[str, dict[str, Answer]]) -> Iterator[TestClient]:
    configured = settings.model_copy(update={"opencost_url": opencost[0]})
    with TestClient(create_app(configured, migrate=False), raise_server_exceptions=False) as test_client:
        yield test_client


def allocation(costs: dict[str, float]) -> dict[str, Any]:
    return {"code": 200, "data": [{
        ns: {"name": ns, "cpuCost": total / 2, "ramCost": total / 4, "pvCost": total / 4, "totalCost": total}
        for ns, total in costs.items()
    }]}  # fmt: skip


def test_opencosts_allocation_replaces_the_estimate_per_store_and_per_group(
    client: TestClient,
    admin: Any,
    tenant: Any,
    other_tenant: Any,
    new_store: Any,
    opencost: tuple[str, dict[str, Answer]],
) -> None:
    mine = [new_store(tenant, f"shop-{n}")["id"] for n in range(2)]
    theirs = new_store(other_tenant, "shop-x")["id"]
    asked: list[dict[str, list[str]]] = []

    def answer(query: dict[str, list[str]]) -> tuple[int, Any]:
        asked.append(query)
        return 200, allocation({mine[0]: 12.0, mine[1]: 8.0, theirs: 4.0, "kube-system": 99.0})

    opencost[1]["answer"] = answer
    one = client.get(f"/api/v1/stores/{mine[0]}/usage", headers=tenant.headers).json()
    assert one["source"] == "opencost"
    assert one["estimated_monthly_cost"] == {
        "cpu": 6.0, "memory": 3.0, "storage": 3.0, "total": 12.0, "currency": "USD"
    }  # fmt: skip
    assert asked[0] == {"window": ["30d"], "aggregate": ["namespace"], "accumulate": ["true"]}
    report = client.get("/api/v1/usage?group_by=tenant", headers=admin.headers).json()
    costs = {g["key"]: g["estimated_monthly_cost"]["total"] for g in report["groups"]}
    assert report["source"] == "opencost" and costs == {tenant.id: 20.0, other_tenant.id: 4.0}
    assert report["total"]["estimated_monthly_cost"]["total"] == 24.0  # kube-system is no store's
    own = client.get("/api/v1/usage", headers=tenant.headers).json()
    assert own["total"]["estimated_monthly_cost"]["total"] == 20.0


@pytest.mark.parametrize(
    "failure",
    [(500, {"error": "down"}), (200, {"code": 200, "data": "nonsense"}), (200, ["not", "a", "map"])],
)
def test_the_estimate_stands_when_opencost_cannot_say(
    client: TestClient,
    tenant: Any,
    new_store: Any,
    opencost: tuple[str, dict[str, Answer]],
    failure: tuple[int, Any],
) -> None:
    store_id = new_store(tenant, "shop-a")["id"]
    opencost[1]["answer"] = lambda _query: failure
    answer = client.get(f"/api/v1/stores/{store_id}/usage", headers=tenant.headers)
    assert answer.status_code == 200 and answer.json()["source"] == "plan"
    assert answer.json()["estimated_monthly_cost"]["total"] > 0
    report = client.get("/api/v1/usage", headers=tenant.headers).json()
    assert report["source"] == "plan" and report["total"]["estimated_monthly_cost"]["total"] > 0


def test_an_allocation_without_its_set_is_refused() -> None:
    with pytest.raises(ValueError, match="no allocation set"):
        parse_allocation({"code": 200, "data": []})
    assert parse_allocation(allocation({"st-a": 2.0}))["st-a"].total == 2.0
