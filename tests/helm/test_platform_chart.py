"""helm/storefleet (the platform): defaults and the ci/ value sets lint, render valid Kubernetes objects,
and keep the invariants: labels, probes on /health/live and /health/ready, resources, least-privilege
RBAC, secrets by reference, generated in the cluster."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import helm_python as helm
import pytest
import yaml

CHART = Path(__file__).resolve().parents[2] / "helm" / "storefleet"
VALUE_SETS = {"defaults": {}} | {
    p.stem: yaml.safe_load(p.read_text()) for p in sorted((CHART / "ci").glob("*.yaml"))
}
# ServiceMonitor and PodMonitor are Prometheus Operator CRDs: kubernetes-validate has no schema for them.
NO_SCHEMA = {"ServiceMonitor", "PodMonitor"}


@pytest.fixture(params=list(VALUE_SETS), ids=list(VALUE_SETS))
def rendered(request: pytest.FixtureRequest, render_platform: Any) -> tuple[str, list[dict[str, Any]]]:
    return request.param, render_platform(VALUE_SETS[request.param])


@pytest.mark.parametrize("name", list(VALUE_SETS))
def test_helm_lint_has_no_errors(name: str) -> None:
    report = helm.lint(CHART, VALUE_SETS[name], strict=True, namespace="storefleet")
    assert [m for m in report["messages"] if m["severity"] >= 2] + report["errors"] == []


def test_objects_are_valid_kubernetes(rendered: tuple[str, list[dict[str, Any]]], kit: Any) -> None:
    _, objects = rendered
    assert [e for o in objects if o["kind"] not in NO_SCHEMA for e in kit.k8s_errors(o)] == []


def test_defaults(render_platform: Any, kit: Any) -> None:
    objects = render_platform({})
    names = {(o["kind"], o["metadata"]["name"]) for o in objects}
    assert {
        ("Deployment", "storefleet-api"),
        ("Deployment", "storefleet-writer"),
        ("Service", "storefleet"),
        ("Secret", "storefleet"),
        ("ServiceAccount", "storefleet"),
        ("ClusterRole", "storefleet"),
        ("ClusterRoleBinding", "storefleet"),
        ("PodDisruptionBudget", "storefleet-api"),
        ("PodDisruptionBudget", "storefleet-writer"),
        ("PodDisruptionBudget", "storefleet-watcher"),
        ("Pod", "storefleet-test-health"),
    } <= names
    assert not {"Ingress", "ServiceMonitor"} & set(kit.kinds(objects))
    assert ("Deployment", "storefleet-watcher") in names


def test_every_component_runs_two_replicas_spread_over_nodes(render_platform: Any) -> None:
    """Two of each (the writer and the watcher lead by a PostgreSQL lock, the others stand by), a PDB
    each, and replicas kept apart: preferred by default, required or off on request."""
    deployments = [o for o in render_platform({}) if o["kind"] == "Deployment"]
    assert {d["metadata"]["name"]: d["spec"]["replicas"] for d in deployments} == {
        "storefleet-api": 2, "storefleet-writer": 2, "storefleet-watcher": 2,
    }  # fmt: skip
    for deployment in deployments:
        spec = deployment["spec"]["template"]["spec"]
        (preferred,) = spec["affinity"]["podAntiAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"]
        term = preferred["podAffinityTerm"]
        assert term["topologyKey"] == "kubernetes.io/hostname"
        assert term["labelSelector"]["matchLabels"] == deployment["spec"]["selector"]["matchLabels"]
    hard = [o for o in render_platform({"podAntiAffinity": "hard"}) if o["kind"] == "Deployment"]
    assert all(
        d["spec"]["template"]["spec"]["affinity"]["podAntiAffinity"][
            "requiredDuringSchedulingIgnoredDuringExecution"
        ]
        for d in hard
    )
    none = [o for o in render_platform({"podAntiAffinity": "none"}) if o["kind"] == "Deployment"]
    assert all("affinity" not in d["spec"]["template"]["spec"] for d in none)
    single = render_platform({"watcher": {"replicas": 1}})
    assert ("PodDisruptionBudget", "storefleet-watcher") not in {
        (o["kind"], o["metadata"]["name"]) for o in single
    }


def test_the_api_can_scale_on_cpu_and_then_leaves_its_count_to_the_autoscaler(render_platform: Any) -> None:
    objects = render_platform({"api": {"replicas": 3, "autoscaling": {"enabled": True, "maxReplicas": 8}}})
    (hpa,) = [o for o in objects if o["kind"] == "HorizontalPodAutoscaler"]
    api = next(o for o in objects if o["kind"] == "Deployment" and o["metadata"]["name"] == "storefleet-api")
    assert hpa["spec"]["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": "storefleet-api",
    }
    assert (hpa["spec"]["minReplicas"], hpa["spec"]["maxReplicas"]) == (3, 8)
    assert hpa["spec"]["metrics"][0]["resource"]["target"] == {
        "type": "Utilization",
        "averageUtilization": 70,
    }
    assert "replicas" not in api["spec"]  # an upgrade must not reset what the autoscaler chose
    assert ("PodDisruptionBudget", "storefleet-api") in {(o["kind"], o["metadata"]["name"]) for o in objects}
    assert not [o for o in render_platform({}) if o["kind"] == "HorizontalPodAutoscaler"]


@pytest.mark.parametrize(
    ("api", "why"),
    [
        ({"replicas": 1, "autoscaling": {"enabled": True}}, helm.HelmValuesError),  # the schema: two at least
        ({"replicas": 5, "autoscaling": {"enabled": True, "maxReplicas": 4}}, helm.HelmRenderError),
    ],
)
def test_an_autoscaler_below_two_replicas_or_with_a_maximum_under_its_minimum_is_refused(
    render_platform: Any, api: dict[str, Any], why: type[Exception]
) -> None:
    with pytest.raises(why):
        render_platform({"api": api})


def test_labels_resources_probes(rendered: tuple[str, list[dict[str, Any]]], kit: Any) -> None:
    _, objects = rendered
    for obj in objects:
        labels = obj["metadata"]["labels"]
        assert labels["app.kubernetes.io/name"] == "storefleet", obj["_template"]
        assert labels["app.kubernetes.io/instance"] == "storefleet"
        assert labels["app.kubernetes.io/part-of"] == "storefleet"
    for obj, spec, _ in kit.pod_specs(objects):
        for container in spec["containers"]:
            assert set(container["resources"]["limits"]) == {"cpu", "memory"}
            assert set(container["resources"]["requests"]) == {"cpu", "memory"}
            assert container["securityContext"]["readOnlyRootFilesystem"] is True
            if kit.is_hook(obj):
                continue
            assert container["livenessProbe"]["httpGet"]["path"] == "/health/live"
            assert container["readinessProbe"]["httpGet"]["path"] == "/health/ready"
        if not kit.is_hook(obj):
            assert spec["securityContext"]["runAsNonRoot"] is True


def test_roles_and_commands(render_platform: Any) -> None:
    deployments = {
        o["metadata"]["name"]: o
        for o in render_platform(VALUE_SETS["all-on-values"])
        if o["kind"] == "Deployment"
    }

    def env(name: str) -> dict[str, Any]:
        container = deployments[name]["spec"]["template"]["spec"]["containers"][0]
        return {e["name"]: e.get("value", e.get("valueFrom")) for e in container["env"]}

    assert deployments["storefleet-api"]["spec"]["template"]["spec"]["containers"][0]["args"][0] == "api"
    assert env("storefleet-api")["RUN_FLEET_WRITER"] == "false"
    assert env("storefleet-writer")["RUN_FLEET_WRITER"] == "true"
    # the watcher runs as `api` (probes, metrics) with only the watcher on
    assert deployments["storefleet-watcher"]["spec"]["template"]["spec"]["containers"][0]["args"][0] == "api"
    assert env("storefleet-watcher")["RUN_WATCHER"] == "true"
    assert env("storefleet-watcher")["RUN_FLEET_WRITER"] == "false"
    assert all(env(name)["KUBE_IN_CLUSTER"] == "true" for name in deployments)
    assert env("storefleet-api")["DATABASE_URL"] == {
        "secretKeyRef": {"name": "storefleet-db-app", "key": "uri"}
    }
    assert env("storefleet-api")["FLEET_REPO_TOKEN"] == {
        "secretKeyRef": {"name": "storefleet-fleet-token", "key": "token"}
    }


def test_secret_generated_or_existing(render_platform: Any) -> None:
    (secret,) = [o for o in render_platform({}) if o["kind"] == "Secret"]
    assert set(secret["data"]) == {"JWT_SECRET", "FLEET_WEBHOOK_SECRET"} and "stringData" not in secret
    assert all(len(base64.b64decode(v)) >= 48 for v in secret["data"].values())
    (again,) = [o for o in render_platform({}) if o["kind"] == "Secret"]
    assert again["data"]["JWT_SECRET"] != secret["data"]["JWT_SECRET"]  # generated, not from values
    objects = render_platform(VALUE_SETS["existing-secret-values"])
    assert "Secret" not in [o["kind"] for o in objects]
    api = next(o for o in objects if o["metadata"]["name"] == "storefleet-api")
    container = api["spec"]["template"]["spec"]["containers"][0]
    assert container["envFrom"] == [{"secretRef": {"name": "storefleet-secrets"}}]
    assert not {"JWT_SECRET", "DATABASE_URL"} & {e["name"] for e in container["env"]}


def test_cluster_role_is_least_privilege(render_platform: Any) -> None:
    def rules(values: dict[str, Any]) -> list[dict[str, Any]]:
        return next(o for o in render_platform(values) if o["kind"] == "ClusterRole")["rules"]

    for values in ({}, VALUE_SETS["all-on-values"]):
        for rule in rules(values):
            assert "*" not in rule["verbs"] and "*" not in rule["resources"] and "*" not in rule["apiGroups"]
            assert not {"escalate", "bind", "impersonate"} & set(rule["verbs"])
    granted = {(g, r) for rule in rules({}) for g in rule["apiGroups"] for r in rule["resources"]}
    assert {
        ("helm.toolkit.fluxcd.io", "helmreleases"),
        ("argoproj.io", "applications"),
        ("kustomize.toolkit.fluxcd.io", "kustomizations"),
        ("source.toolkit.fluxcd.io", "gitrepositories"),
    } <= granted
    secret_verbs = {v for rule in rules({}) if "secrets" in rule["resources"] for v in rule["verbs"]}
    assert secret_verbs == {"create"}  # reading any Secret is granted per store namespace only
    # a store cleared for a restore has no release left, so no store chart Role: its PVCs are listed
    # with the platform's own cluster-wide grant, which allows nothing more
    claim_verbs = {
        v for rule in rules({}) if "persistentvolumeclaims" in rule["resources"] for v in rule["verbs"]
    }
    assert claim_verbs == {"list"}
    # a delete with `retain_volumes` reads a store's bound volumes and patches them to Retain: no more
    volume_verbs = {
        v for rule in rules({}) if "persistentvolumes" in rule["resources"] for v in rule["verbs"]
    }
    assert volume_verbs == {"get", "patch"}
    # the post-install check reads a store's quota and LimitRange whatever its chart's Role allows
    for kind in ("resourcequotas", "limitranges"):
        assert {v for rule in rules({}) if kind in rule["resources"] for v in rule["verbs"]} == {"get"}
    # the crash-loop signal watches store pods cluster-wide; their logs stay per store namespace
    pod_verbs = {v for rule in rules({}) if "pods" in rule["resources"] and "" in rule["apiGroups"]
                 for v in rule["verbs"]}  # fmt: skip
    assert pod_verbs == {"list", "watch"} and ("", "pods/log") not in granted
    wide = {
        (g, r)
        for rule in rules(VALUE_SETS["all-on-values"])
        for g in rule["apiGroups"]
        for r in rule["resources"]
    }
    assert {("", "secrets"), ("batch", "jobs"), ("", "pods/log"), ("", "configmaps")} <= wide
    assert {("apps", "deployments"), ("networking.k8s.io", "ingresses")} <= wide


def test_store_chart_role_binds_the_platform_service_account(
    render_platform: Any, render_store: Any, kit: Any
) -> None:
    account = next(o for o in render_platform({}) if o["kind"] == "ServiceAccount")
    binding = next(o for o in render_store(kit.store_values("medusa")) if o["kind"] == "RoleBinding")
    assert binding["subjects"] == [
        {"kind": "ServiceAccount", "name": account["metadata"]["name"], "namespace": "storefleet"}
    ]


# Every request the watcher and the API make in a store namespace: (verb, group, resource, name or None).
STORE_NAMESPACE_CALLS = [
    ("get", "", "configmaps", "{id}-setup"),  # the setup Job's manifest
    ("create", "batch", "jobs", None),
    ("list", "", "pods", None),  # the Job's pod, and the dashboard's resources view
    ("get", "", "pods/log", None),  # the failed setup's log tail, the Medusa publishable key
    ("get", "", "secrets", "{id}-credentials"),  # GET /stores/{id}/credentials
    ("create", "", "secrets", None),  # the storefront key
    ("patch", "", "secrets", "{id}-storefront-key"),
    ("list", "apps", "deployments", None),
    ("list", "apps", "statefulsets", None),
    ("list", "networking.k8s.io", "ingresses", None),
]


def _allows(rules: list[dict[str, Any]], verb: str, group: str, resource: str, name: str | None) -> bool:
    return any(
        verb in rule["verbs"]
        and group in rule["apiGroups"]
        and resource in rule["resources"]
        and (not rule.get("resourceNames") or name in rule["resourceNames"])
        for rule in rules
    )


def test_store_chart_role_grants_every_call_the_platform_makes_in_the_namespace(
    render_store: Any, kit: Any
) -> None:
    values = kit.store_values("medusa")
    store_id = values["store"]["id"]
    role = next(o for o in render_store(values) if o["kind"] == "Role")
    for verb, group, resource, name in STORE_NAMESPACE_CALLS:
        named = name.format(id=store_id) if name else None
        assert _allows(role["rules"], verb, group, resource, named), (verb, group, resource, named)
    assert not _allows(role["rules"], "get", "", "secrets", f"{store_id}-other")


@pytest.mark.parametrize(
    "values",
    [
        {"config": {"gitopsEngine": "jenkins"}},
        {"config": {"extraEnv": {"JWT_SECRET": "x"}}},
        {"config": {"fleetRepoUrl": "https://user:token@git.example.com/fleet.git"}},
        {"api": {"replicas": 0}},
        {"rbac": {"storeAccess": "admin"}},
        {"secret": {"databaseUrlFrom": {"name": "", "key": "uri"}}},
    ],
    ids=["engine", "secret-in-extraEnv", "credentials-in-url", "no-api", "rbac", "no-database"],
)
def test_schema_rejects(values: dict[str, Any], platform_chart: helm.Chart) -> None:
    with pytest.raises(helm.HelmValuesError):
        platform_chart.validate_schema(values)


def test_the_worker_pods_are_scraped_beside_the_service(render_platform: Any) -> None:
    objects = render_platform({"serviceMonitor": {"enabled": True}})
    monitor = next(o for o in objects if o["kind"] == "PodMonitor")
    (expression,) = monitor["spec"]["selector"]["matchExpressions"]
    assert set(expression["values"]) == {"writer", "watcher"}
    (endpoint,) = monitor["spec"]["podMetricsEndpoints"]
    assert endpoint["path"] == "/api/v1/metrics" and endpoint["authorization"]["type"] == "Bearer"
    workers = [o for o in objects if o["kind"] == "Deployment" and
               o["metadata"]["labels"]["app.kubernetes.io/component"] in expression["values"]]  # fmt: skip
    assert len(workers) == 2


def test_backups_grant_velero_objects_in_the_velero_namespace_only(render_platform: Any) -> None:
    assert not [o for o in render_platform({}) if o["kind"] in ("Role", "RoleBinding")]  # backups off
    objects = render_platform({"backups": {"enabled": True, "veleroNamespace": "velero-system"}})
    role = next(o for o in objects if o["kind"] == "Role")
    binding = next(o for o in objects if o["kind"] == "RoleBinding")
    assert role["metadata"]["namespace"] == binding["metadata"]["namespace"] == "velero-system"
    granted = {(r, v) for rule in role["rules"] for r in rule["resources"] for v in rule["verbs"]}
    assert granted == {
        ("backups", "get"), ("backups", "list"), ("backups", "watch"), ("backups", "create"),
        ("restores", "get"), ("restores", "list"), ("restores", "watch"),
    }  # fmt: skip
    assert binding["roleRef"]["name"] == role["metadata"]["name"]
    api = next(o for o in objects if o["metadata"]["name"] == "storefleet-api")
    env = {e["name"]: e.get("value") for e in api["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert env["BACKUPS_ENABLED"] == "true" and env["VELERO_NAMESPACE"] == "velero-system"
