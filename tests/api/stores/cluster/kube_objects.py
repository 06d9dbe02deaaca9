"""Kubernetes objects for the store-from-cluster tests, and writing them to the test API server with
the official client (as the applier and the kubelet would: the object, then its status)."""

from __future__ import annotations

import base64
from typing import Any

import kubernetes

from storefleet_demo.kube.cluster import KubeCluster

Obj = dict[str, Any]
NOW = "2026-01-01T00:00:00Z"


def namespace(name: str) -> Obj:
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}


def secret(ns: str, name: str, data: dict[str, str]) -> Obj:
    encoded = {key: base64.b64encode(value.encode()).decode() for key, value in data.items()}
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": name, "namespace": ns},
        "data": encoded,
    }


def container_status(name: str, *, ready: bool, state: Obj, restarts: int = 0, **extra: Any) -> Obj:
    return {
        "name": name,
        "image": f"example/{name}:1",
        "imageID": "",
        "ready": ready,
        "started": ready,
        "restartCount": restarts,
        "state": state,
        **extra,
    }


def pod(
    ns: str,
    name: str,
    *,
    phase: str = "Running",
    ready: bool = True,
    containers: list[Obj] | None = None,
    labels: dict[str, str] | None = None,
) -> Obj:
    statuses = containers or [container_status("app", ready=ready, state={"running": {"startedAt": NOW}})]
    flag = "True" if ready else "False"
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": ns, "labels": labels or {}},
        "spec": {"containers": [{"name": s["name"], "image": s["image"]} for s in statuses]},
        "status": {
            "phase": phase,
            "conditions": [{"type": "PodScheduled", "status": "True"}, {"type": "Ready", "status": flag}],
            "containerStatuses": statuses,
        },
    }


def _workload(kind: str, ns: str, name: str, replicas: int, ready: int) -> Obj:
    labels = {"app.kubernetes.io/name": name}
    template = {"metadata": {"labels": labels}, "spec": {"containers": [{"name": "app", "image": "x:1"}]}}
    spec: Obj = {"replicas": replicas, "selector": {"matchLabels": labels}, "template": template}
    if kind == "StatefulSet":
        spec["serviceName"] = name
    status = {
        "observedGeneration": 1,
        "replicas": replicas,
        "updatedReplicas": replicas,
        "readyReplicas": ready,
    }
    return {
        "apiVersion": "apps/v1",
        "kind": kind,
        "metadata": {"name": name, "namespace": ns},
        "spec": spec,
        "status": status,
    }


def deployment(ns: str, name: str, *, replicas: int = 1, ready: int = 1) -> Obj:
    return _workload("Deployment", ns, name, replicas, ready)


def statefulset(ns: str, name: str, *, replicas: int = 1, ready: int = 1) -> Obj:
    return _workload("StatefulSet", ns, name, replicas, ready)


def ingress(ns: str, name: str, host: str, *, class_name: str = "nginx", ip: str | None = None) -> Obj:
    backend = {"service": {"name": "web", "port": {"number": 80}}}
    paths = [{"path": "/", "pathType": "Prefix", "backend": backend}]
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": {"name": name, "namespace": ns},
        "spec": {"ingressClassName": class_name, "rules": [{"host": host, "http": {"paths": paths}}]},
        "status": {"loadBalancer": {"ingress": [{"ip": ip}] if ip else []}},
    }


_WRITERS = {
    "Namespace": ("CoreV1Api", "namespace"),
    "Secret": ("CoreV1Api", "namespaced_secret"),
    "Pod": ("CoreV1Api", "namespaced_pod"),
    "Deployment": ("AppsV1Api", "namespaced_deployment"),
    "StatefulSet": ("AppsV1Api", "namespaced_stateful_set"),
    "Ingress": ("NetworkingV1Api", "namespaced_ingress"),
}


def put(kube: KubeCluster, *objects: Obj) -> None:
    """Create each object through the API, then write its status through the status subresource
    (a create ignores it, as a real API server does). Raw responses: no client models involved."""
    api_client = kube.api_client()
    for obj in objects:
        api_name, suffix = _WRITERS[obj["kind"]]
        api: Any = getattr(kubernetes.client, api_name)(api_client)
        ns = obj["metadata"].get("namespace")
        body = {k: v for k, v in obj.items() if k != "status"}
        args = (ns, body) if ns else (body,)
        getattr(api, f"create_{suffix}")(*args, _preload_content=False).release_conn()
        if "status" in obj and obj["kind"] != "Namespace":
            name = obj["metadata"]["name"]
            patch = getattr(api, f"patch_{suffix}_status")
            patch(name, ns, {"status": obj["status"]}, _preload_content=False).release_conn()
