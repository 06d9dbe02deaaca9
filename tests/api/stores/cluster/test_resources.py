"""GET /api/v1/stores/{id}/resources: the store namespace's objects read from the cluster, with
readiness; tenant-scoped, and an absent namespace is an empty answer, not an error."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from storefleet_demo.kube.cluster import KubeCluster
from tests.api.stores.cluster import kube_objects as k

URL = "/api/v1/stores/{id}/resources"


def _crashing(name: str) -> dict[str, Any]:
    return k.container_status(
        name,
        ready=False,
        restarts=7,
        state={"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 5m0s restarting"}},
        lastState={"terminated": {"reason": "OOMKilled", "exitCode": 137}},
    )


def _install(kube: KubeCluster, ns: str, host: str) -> None:
    """A WooCommerce store halfway there: WordPress up, MariaDB crash-looping, setup Job done."""
    k.put(
        kube,
        k.namespace(ns),
        k.deployment(ns, f"{ns}-wordpress"),
        k.statefulset(ns, f"{ns}-mariadb", ready=0),
        k.pod(ns, f"{ns}-wordpress-7d9f-abcde", labels={"app.kubernetes.io/component": "wordpress"}),
        k.pod(ns, f"{ns}-mariadb-0", ready=False, containers=[_crashing("mariadb")]),
        k.pod(
            ns,
            f"{ns}-setup-1a2b-1-xyz12",
            phase="Succeeded",
            ready=False,
            labels={"job-name": f"{ns}-setup-1a2b-1"},
            containers=[
                k.container_status(
                    "setup", ready=False, state={"terminated": {"reason": "Completed", "exitCode": 0}}
                )
            ],
        ),
        k.ingress(ns, ns, host, ip="10.0.0.7"),
    )


def test_owner_sees_the_namespace_with_readiness(
    client: TestClient, kube_api: KubeCluster, tenant: Any, new_store: Any
) -> None:
    store = new_store(tenant)
    ns, host = store["id"], f"acme-shop-{store['id'][3:]}.localhost"
    _install(kube_api, ns, host)
    k.put(kube_api, k.namespace("st-zzzzzzzzzz"), k.deployment("st-zzzzzzzzzz", "elsewhere"))

    response = client.get(URL.format(id=store["id"]), headers=tenant.headers)

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["store_id"], body["namespace"], body["namespace_present"]) == (ns, ns, True)
    assert body["namespace_phase"] == "Active" and body["unreadable"] == []
    assert body["deployments"] == [
        {"name": f"{ns}-wordpress", "replicas": 1, "ready_replicas": 1, "updated_replicas": 1, "ready": True}
    ]
    assert body["statefulsets"] == [
        {"name": f"{ns}-mariadb", "replicas": 1, "ready_replicas": 0, "updated_replicas": 1, "ready": False}
    ]
    pods = {p["name"]: p for p in body["pods"]}
    crashing = pods[f"{ns}-mariadb-0"]
    assert (crashing["status"], crashing["ready"], crashing["restarts"]) == ("CrashLoopBackOff", False, 7)
    assert crashing["containers"][0] | {"message": None} == {
        "name": "mariadb",
        "init": False,
        "ready": False,
        "state": "waiting",
        "reason": "CrashLoopBackOff",
        "message": None,
        "restarts": 7,
        "exit_code": None,
        "last_termination_reason": "OOMKilled",
    }
    setup = pods[f"{ns}-setup-1a2b-1-xyz12"]
    assert (setup["phase"], setup["status"], setup["job"]) == ("Succeeded", "Completed", f"{ns}-setup-1a2b-1")
    web = pods[f"{ns}-wordpress-7d9f-abcde"]
    assert (web["ready"], web["component"], web["status"]) == (True, "wordpress", "Running")
    assert body["ingresses"] == [
        {"name": ns, "hosts": [host], "class": "nginx", "address": "10.0.0.7", "tls": False}
    ]
    summary = body["summary"]
    assert summary["ready"] is False
    assert (summary["pods"], summary["pods_ready"], summary["ingresses"]) == (3, 1, 1)
    assert (summary["deployments"], summary["deployments_ready"]) == (1, 1)
    assert (summary["statefulsets"], summary["statefulsets_ready"]) == (1, 0)
    assert summary["problems"] == [
        f"statefulset {ns}-mariadb: 0/1 ready",
        f"pod {ns}-mariadb-0 container mariadb: CrashLoopBackOff (restarts 7)",
    ]
    assert "elsewhere" not in response.text  # only the store's namespace


def test_a_ready_store_is_ready(
    client: TestClient, kube_api: KubeCluster, tenant: Any, new_store: Any
) -> None:
    store = new_store(tenant)
    ns = store["id"]
    k.put(
        kube_api,
        k.namespace(ns),
        k.deployment(ns, "web"),
        k.pod(ns, "web-1"),
        k.ingress(ns, ns, "h.localhost"),
    )
    summary = client.get(URL.format(id=ns), headers=tenant.headers).json()["summary"]
    assert summary["ready"] is True and summary["problems"] == []


def test_a_namespace_not_there_yet_is_an_empty_answer(
    client: TestClient, kube_api: KubeCluster, tenant: Any, new_store: Any
) -> None:
    store = new_store(tenant)
    response = client.get(URL.format(id=store["id"]), headers=tenant.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["namespace_present"] is False and body["namespace_phase"] is None
    assert body["pods"] == body["deployments"] == body["statefulsets"] == body["ingresses"] == []
    assert body["summary"]["ready"] is False
    assert body["summary"]["problems"] == ["the store namespace does not exist"]


def test_tenants_see_only_their_stores_and_admins_need_no_flag(
    client: TestClient, kube_api: KubeCluster, tenant: Any, other_tenant: Any, admin: Any, new_store: Any
) -> None:
    store = new_store(tenant)
    _install(kube_api, store["id"], "h.localhost")
    theirs = client.get(URL.format(id=store["id"]), headers=other_tenant.headers)
    assert theirs.status_code == 404 and theirs.json()["error"]["code"] == "STORE_NOT_FOUND"
    as_admin = client.get(URL.format(id=store["id"]), headers=admin.headers)
    assert as_admin.status_code == 200 and len(as_admin.json()["pods"]) == 3
    assert client.get(URL.format(id="st-aaaaaaaaaa"), headers=tenant.headers).status_code == 404
    assert client.get(URL.format(id=store["id"])).status_code == 401


def test_no_cluster_configured_is_503(
    client: TestClient, other_app: Any, tenant: Any, new_store: Any
) -> None:
    store = new_store(tenant)
    with other_app(None) as no_cluster:
        response = no_cluster.get(URL.format(id=store["id"]), headers=tenant.headers)
    assert response.status_code == 503 and response.json()["error"]["code"] == "CLUSTER_NOT_CONFIGURED"


@pytest.mark.parametrize("unhealthy_kubeconfig", ["refusing", "failing", "hanging"], indirect=True)
def test_an_unreachable_or_failing_cluster_is_503_with_retry_after(
    client: TestClient, other_app: Any, tenant: Any, new_store: Any, unhealthy_kubeconfig: Path
) -> None:
    store = new_store(tenant)
    with other_app(unhealthy_kubeconfig) as down:
        response = down.get(URL.format(id=store["id"]), headers=tenant.headers)
    assert response.status_code == 503, response.text
    assert response.json()["error"]["code"] == "CLUSTER_UNAVAILABLE"
    assert int(response.headers["retry-after"]) > 0


def test_the_openapi_document_names_both_operations(client: TestClient) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    credentials = paths["/api/v1/stores/{store_id}/credentials"]["get"]
    assert credentials["operationId"] == "getStoreCredentials"
    assert any(
        p["name"] == "admin_access" and "audited" in p["description"] for p in credentials["parameters"]
    )
    assert paths["/api/v1/stores/{store_id}/resources"]["get"]["operationId"] == "getStoreResources"
