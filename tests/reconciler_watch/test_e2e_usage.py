"""A store's live usage read from the cluster's metrics API (metrics.k8s.io PodMetrics, as
metrics-server serves them) on the test Kubernetes API: absent without a metrics API, the sum of
its pods' containers once there is one."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from storefleet.reconciler_watch.watcher import ClusterWatcher
from storefleet_demo.kube.applier import Applier
from storefleet_demo.kube.resources import ResourceType
from tests.reconciler_watch.support import create, finish_setup, wait_status

POD_METRICS = ResourceType("metrics.k8s.io", "v1beta1", "pods", "PodMetrics")


def pod_metrics(namespace: str, name: str, **usage: dict[str, str]) -> dict[str, Any]:
    return {
        "apiVersion": "metrics.k8s.io/v1beta1",
        "kind": "PodMetrics",
        "metadata": {"name": name, "namespace": namespace},
        "window": "30s",
        "containers": [{"name": container, "usage": used} for container, used in usage.items()],
    }


def test_live_usage_comes_from_the_metrics_api_when_the_cluster_has_one(
    client: TestClient, tenant: Any, applier: Applier, watcher: ClusterWatcher
) -> None:
    with applier.run_in_background():
        sid = create(client, tenant, "metered-shop")["id"]
        finish_setup(applier, sid)
        wait_status(client, tenant, sid, "ready")
    without = client.get(f"/api/v1/stores/{sid}/usage", headers=tenant.headers)
    assert without.status_code == 200 and without.json()["live"] is None  # no metrics API: the plan only

    # the metrics API appears (metrics-server installed): served by the cluster, known to the test client
    applier.cluster.call(lambda store: store.registry.add(POD_METRICS))
    applier.kube.registry.add(POD_METRICS)
    applier.kube.create(pod_metrics(sid, "web-0", wordpress={"cpu": "125000000n", "memory": "262144Ki"}))
    applier.kube.create(pod_metrics(sid, "db-0", mariadb={"cpu": "125m", "memory": "256Mi"}))
    live = client.get(f"/api/v1/stores/{sid}/usage", headers=tenant.headers).json()["live"]
    assert live == {"cpu_cores": 0.25, "memory_gib": 0.5, "pods": 2}
