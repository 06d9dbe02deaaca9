"""Helm chart tests on the real Helm v4 engine (helm-python-sdk: render, lint, schema) and the Kubernetes
OpenAPI schemas of kubernetes-validate's newest minor. No cluster: `lookup` returns nothing."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Iterator
from functools import cache
from importlib import resources
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import helm_python as helm
import jsonschema
import pytest
import referencing
import yaml
from kubernetes_validate.utils import latest_version

ROOT = Path(__file__).resolve().parents[2]
STORE_CHART = ROOT / "helm" / "ecommerce-store"
PLATFORM_CHART = ROOT / "helm" / "storefleet"
KUBERNETES = latest_version()
PROFILES = ("values.yaml", "values-local.yaml", "values-vps.yaml")
ENGINES = ("woocommerce", "medusa")
STORE_ID = "st-abcdefgh23"

Obj = dict[str, Any]


def store_values(engine: str, **extra: Any) -> dict[str, Any]:
    """What the renderer always sends (renderer/values.py): identity, engine, host."""
    values: dict[str, Any] = {
        "store": {"id": STORE_ID, "name": "acme-shop", "tenant": "u-abcdefgh23"},
        "engine": engine,
        "ingress": {"host": "acme-shop-abcdefgh23.localhost"},
    }
    if engine == "woocommerce":
        values["theme"] = "storefront"
    return deep_merge(values, extra)


def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def profile_values(profile: str, engine: str) -> dict[str, Any]:
    """A values file layered under the store values, as `helm install -f <file> --set ...` would."""
    file_values = {} if profile == "values.yaml" else yaml.safe_load((STORE_CHART / profile).read_text())
    return deep_merge(file_values, store_values(engine))


def parse(manifests: dict[str, str]) -> list[Obj]:
    objects: list[Obj] = []
    for path, text in sorted(manifests.items()):
        if path.endswith("NOTES.txt"):
            continue
        for doc in yaml.safe_load_all(text):
            if doc:
                doc.setdefault("metadata", {}).setdefault("annotations", {})
                doc["_template"] = path
                objects.append(doc)
    return objects


@pytest.fixture(scope="session")
def store_chart() -> Iterator[helm.Chart]:
    with helm.Chart.load(STORE_CHART) as chart:
        yield chart


@pytest.fixture(scope="session")
def platform_chart() -> Iterator[helm.Chart]:
    with helm.Chart.load(PLATFORM_CHART) as chart:
        yield chart


Render = Callable[[dict[str, Any]], list[Obj]]


@pytest.fixture(scope="session")
def render_store(store_chart: helm.Chart) -> Render:
    def _render(values: dict[str, Any]) -> list[Obj]:
        out = store_chart.render(values, name=STORE_ID, namespace=STORE_ID, is_install=True)
        return parse(out)

    return _render


@pytest.fixture(scope="session")
def render_platform(platform_chart: helm.Chart) -> Render:
    def _render(values: dict[str, Any]) -> list[Obj]:
        out = platform_chart.render(values, name="storefleet", namespace="storefleet", is_install=True)
        return parse(out)

    return _render


# --- Kubernetes schema validation (one compiled validator per kind, strict: unknown fields fail) ---


@cache
def _schema_dir() -> Any:
    return resources.files("kubernetes_validate") / "kubernetes-json-schema" / f"v{KUBERNETES}-local-strict"


@cache
def _registry() -> referencing.Registry[Any]:
    definitions = json.loads((_schema_dir() / "_definitions.json").read_text())
    resource: referencing.Resource[Any] = referencing.Resource.from_contents(
        definitions, default_specification=referencing.jsonschema.DRAFT202012
    )
    return resource @ referencing.Registry()


@cache
def _validator(kind: str, api_version: str) -> jsonschema.protocols.Validator:
    group_version = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
    schema = json.loads((_schema_dir() / f"{kind.lower()}-{group_version}.json").read_text())
    return jsonschema.Draft202012Validator(schema, registry=_registry())


def k8s_errors(obj: Obj) -> list[str]:
    body = {k: v for k, v in obj.items() if not k.startswith("_")}
    validator = _validator(body["kind"], body["apiVersion"])
    return [
        f"{obj['_template']}: {'.'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator.iter_errors(body)
    ]


# --- Helpers over rendered objects -----------------------------------------------------------------

WORKLOADS = ("Deployment", "StatefulSet")


def pod_specs(objects: list[Obj]) -> Iterator[tuple[Obj, Obj, int]]:
    """(object, pod spec, replicas) for every workload and bare Pod (helm test hooks)."""
    for obj in objects:
        if obj["kind"] in WORKLOADS:
            yield obj, obj["spec"]["template"]["spec"], obj["spec"].get("replicas", 1)
        elif obj["kind"] == "Pod":
            yield obj, obj["spec"], 1


def setup_config(objects: list[Obj]) -> Obj:
    """The setup ConfigMap `<release>-setup`."""
    (config,) = [
        o
        for o in objects
        if o["kind"] == "ConfigMap" and o["metadata"]["labels"]["app.kubernetes.io/component"] == "setup"
    ]
    return config


def setup_job(objects: list[Obj]) -> Obj:
    """The Job in the setup ConfigMap's job.yaml, named and placed as the watcher creates it:
    `<store id>-setup-<spec hash prefix>` in the store's namespace (the release's name)."""
    config = setup_config(objects)
    job: Obj = yaml.safe_load(config["data"]["job.yaml"])
    release = config["metadata"]["labels"]["app.kubernetes.io/instance"]
    job["metadata"] |= {"name": f"{release}-setup-0123abcd", "namespace": release}
    job["metadata"].setdefault("annotations", {})
    job["_template"] = f"{config['_template']} (job.yaml)"
    return job


def is_hook(obj: Obj) -> bool:
    return "helm.sh/hook" in obj["metadata"]["annotations"]


def kinds(objects: list[Obj]) -> list[str]:
    return [obj["kind"] for obj in objects]


_UNITS = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "k": 10**3, "M": 10**6, "G": 10**9, "m": 1e-3}


def quantity(value: str | int) -> float:
    text = str(value)
    for suffix, factor in _UNITS.items():
        if text.endswith(suffix):
            return float(text[: -len(suffix)]) * factor
    return float(text)


def check_quota_fit(objects: list[Obj]) -> None:
    """The plan's pods fit the namespace: every container (init containers too) within the LimitRange
    minimum and maximum, the sum of all pods (workloads at their replicas, Recreate so no surge, plus
    the setup Job and the test pods) under the quota; every volume claim within the LimitRange's
    bounds and the quota; the Services within the quota, none a LoadBalancer or NodePort."""
    assert kinds(objects).count("ResourceQuota") == 1 and kinds(objects).count("LimitRange") == 1
    quota = next(o for o in objects if o["kind"] == "ResourceQuota")["spec"]["hard"]
    limits = {
        item["type"]: item for item in next(o for o in objects if o["kind"] == "LimitRange")["spec"]["limits"]
    }
    assert set(limits) == {"Container", "PersistentVolumeClaim"}
    container_limits = limits["Container"]
    minimum, maximum = container_limits["min"], container_limits["max"]
    for resource in ("cpu", "memory"):  # what a container that states nothing gets is allowed too
        low, high = quantity(minimum[resource]), quantity(maximum[resource])
        assert low <= quantity(container_limits["defaultRequest"][resource]) <= high, resource
        assert low <= quantity(container_limits["default"][resource]) <= high, resource
    totals = {"requests.cpu": 0.0, "limits.cpu": 0.0, "requests.memory": 0.0, "limits.memory": 0.0}
    pods = 0
    job = setup_job(objects)
    for obj, spec, replicas in [*pod_specs(objects), (job, job["spec"]["template"]["spec"], 1)]:
        pods += replicas
        for container in spec.get("initContainers", []):
            check_container_bounds(obj, container, minimum, maximum)
        for container in spec["containers"]:
            check_container_bounds(obj, container, minimum, maximum)
            for resource in ("cpu", "memory"):
                limit = quantity(container["resources"]["limits"][resource])
                totals[f"limits.{resource}"] += replicas * limit
                totals[f"requests.{resource}"] += replicas * quantity(
                    container["resources"]["requests"][resource]
                )
    for key, total in totals.items():
        assert total <= quantity(quota[key]), (key, total, quota[key])
    assert pods <= int(quota["pods"])
    claims = [o for o in objects if o["kind"] == "PersistentVolumeClaim"]
    assert len(claims) <= int(quota["persistentvolumeclaims"])
    bounds = limits["PersistentVolumeClaim"]
    assert quantity(bounds["min"]["storage"]) <= quantity(bounds["max"]["storage"])
    assert quantity(bounds["max"]["storage"]) <= quantity(quota["requests.storage"])
    for claim in claims:
        size = quantity(claim["spec"]["resources"]["requests"]["storage"])
        assert quantity(bounds["min"]["storage"]) <= size <= quantity(bounds["max"]["storage"]), claim[
            "_template"
        ]
    storage = sum(quantity(c["spec"]["resources"]["requests"]["storage"]) for c in claims)
    assert storage <= quantity(quota["requests.storage"])
    services = [o for o in objects if o["kind"] == "Service"]
    assert 0 < len(services) <= int(quota["services"])
    assert quota["services.loadbalancers"] == "0" and quota["services.nodeports"] == "0"
    assert all(s["spec"].get("type", "ClusterIP") == "ClusterIP" for s in services)


def check_container_bounds(obj: Obj, container: Obj, minimum: Obj, maximum: Obj) -> None:
    """LimitRanger's rule for a container: min <= request, request <= limit, limit <= max."""
    where = (obj["_template"], container["name"])
    for resource in ("cpu", "memory"):
        request = quantity(container["resources"]["requests"][resource])
        limit = quantity(container["resources"]["limits"][resource])
        assert quantity(minimum[resource]) <= request <= limit <= quantity(maximum[resource]), (
            *where,
            resource,
        )


@pytest.fixture(scope="session")
def kit() -> SimpleNamespace:
    """The helpers above, for the test modules (conftest is not importable under importlib mode)."""
    return SimpleNamespace(**{name: value for name, value in globals().items() if not name.startswith("_")})
