"""What protects the API from a bad cluster: a circuit breaker (a failing cluster is not called
again until its reset time) and a bulkhead (a slow one gets a bounded number of waiting requests;
beyond that, 503 OVERLOADED at once instead of a pile-up)."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY

from storefleet.api.core.bulkhead import Bulkhead, Overloaded
from storefleet.api.core.circuit import KUBERNETES, RemoteCircuit
from storefleet.api.core.services import app_services
from storefleet.api.stores.cluster_service import not_a_cluster_failure
from storefleet.reconciler_watch.cluster import Cluster

URL = "/api/v1/stores/{id}/resources"


def _kube_gauge() -> float | None:
    return REGISTRY.get_sample_value("circuit_breaker_state", {"dependency": "kubernetes"})


def test_a_failing_cluster_opens_the_circuit_and_is_not_called_until_the_trial(
    client: TestClient,
    other_app: Any,
    tenant: Any,
    new_store: Any,
    failing_kubeconfig: Path,
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store = new_store(tenant)
    calls = {"n": 0}
    real = Cluster.namespace_objects

    def counted(self: Cluster, namespace: str) -> Any:
        calls["n"] += 1
        return real(self, namespace)

    monkeypatch.setattr(Cluster, "namespace_objects", counted)
    with other_app(failing_kubeconfig) as down:
        app_services(down.app).kube_circuit = RemoteCircuit(2, 0.5, KUBERNETES, not_a_cluster_failure)
        answers = [down.get(URL.format(id=store["id"]), headers=tenant.headers) for _ in range(4)]
        assert [a.status_code for a in answers] == [503] * 4
        assert calls["n"] == 2  # the third and fourth were refused by the open circuit, not by the cluster
        assert "failed repeatedly" in answers[3].json()["error"]["message"]
        assert 1 <= int(answers[3].headers["retry-after"]) <= 1
        assert _kube_gauge() == 2
        time.sleep(0.6)
        down.get(URL.format(id=store["id"]), headers=tenant.headers)
        assert calls["n"] == 3  # the trial call after the reset time reaches the cluster again


def test_a_missing_object_is_an_answer_not_a_failure(client: TestClient, tenant: Any, new_store: Any) -> None:
    """404s and other refusals of one request show the cluster is up: the circuit stays closed."""
    services = app_services(client.app)
    store = new_store(tenant)
    for _ in range(8):
        assert client.get(URL.format(id=store["id"]), headers=tenant.headers).status_code == 200
        assert (
            client.get(f"/api/v1/stores/{store['id']}/credentials", headers=tenant.headers).status_code == 409
        )
    assert services.kube_circuit.state == "closed"


def test_a_full_bulkhead_answers_503_overloaded_at_once_with_retry_after(
    client: TestClient, tenant: Any, new_store: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    services = app_services(client.app)
    services.kube_bulkhead = Bulkhead("kubernetes", limit=1, queue=1)
    store = new_store(tenant)
    release = threading.Event()
    real = Cluster.namespace_objects

    def slow(self: Cluster, namespace: str) -> Any:
        release.wait(10)
        return real(self, namespace)

    monkeypatch.setattr(Cluster, "namespace_objects", slow)
    results: list[int] = []
    workers = [
        threading.Thread(
            target=lambda: results.append(
                client.get(URL.format(id=store["id"]), headers=tenant.headers).status_code
            )
        )
        for _ in range(2)
    ]
    for worker in workers:  # one holds the slot, one waits in the queue
        worker.start()
    deadline = time.monotonic() + 5
    while services.kube_bulkhead.waiting < 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    started = time.monotonic()
    refused = client.get(URL.format(id=store["id"]), headers=tenant.headers)
    assert time.monotonic() - started < 1
    assert refused.status_code == 503 and refused.json()["error"]["code"] == "OVERLOADED"
    assert refused.headers["retry-after"] == "1"
    release.set()
    for worker in workers:
        worker.join(timeout=10)
    assert results == [200, 200]
    rejected = REGISTRY.get_sample_value("outbound_rejected_total", {"dependency": "kubernetes"})
    assert rejected is not None and rejected >= 1


def test_the_bulkhead_queues_up_to_its_bound() -> None:
    async def scenario() -> list[str]:
        bulkhead = Bulkhead("test_dependency", limit=2, queue=2)
        gate = asyncio.Event()
        outcomes: list[str] = []

        async def call(n: int) -> None:
            try:
                async with bulkhead.slot():
                    await gate.wait()
                    outcomes.append(f"done-{n}")
            except Overloaded:
                outcomes.append(f"refused-{n}")

        tasks = [asyncio.create_task(call(n)) for n in range(6)]
        await asyncio.sleep(0.05)
        gate.set()
        await asyncio.gather(*tasks)
        return outcomes

    outcomes = asyncio.run(scenario())
    assert sorted(o for o in outcomes if o.startswith("refused")) == ["refused-4", "refused-5"]
    assert len([o for o in outcomes if o.startswith("done")]) == 4
