"""helm/ecommerce-store: {woocommerce, medusa} x {values.yaml, values-local.yaml, values-vps.yaml} render,
lint, validate against the Kubernetes schemas, and keep the per-object invariants."""

from __future__ import annotations

import base64
import re
from pathlib import Path
from typing import Any

import helm_python as helm
import pytest
import yaml

from storefleet.reconciler_watch.credentials import ADMIN_PASSWORD_KEY, CREDENTIAL_KEYS

ENGINES = ("woocommerce", "medusa")
PROFILES = ("values.yaml", "values-local.yaml", "values-vps.yaml")
MATRIX = [(engine, profile) for engine in ENGINES for profile in PROFILES]
CHART = Path(__file__).resolve().parents[2] / "helm" / "ecommerce-store"
CI_SETS = sorted(p.name for p in (CHART / "ci").glob("*.yaml"))
INGRESS_CONTROLLER_NAMESPACES = ("ingress-nginx", "kube-system")


@pytest.fixture(params=MATRIX, ids=[f"{e}-{p.removesuffix('.yaml')}" for e, p in MATRIX])
def case(request: pytest.FixtureRequest, kit: Any, render_store: Any) -> dict[str, Any]:
    engine, profile = request.param
    values = kit.profile_values(profile, engine)
    return {"engine": engine, "profile": profile, "values": values, "objects": render_store(values)}


def test_helm_lint_has_no_errors(kit: Any) -> None:
    for engine, profile in MATRIX:
        report = helm.lint(CHART, kit.profile_values(profile, engine), strict=True, namespace=kit.STORE_ID)
        problems = [m for m in report["messages"] if m["severity"] >= 2] + report["errors"]
        assert problems == [], (engine, profile, problems)


def test_every_object_is_valid_kubernetes(case: dict[str, Any], kit: Any) -> None:
    errors = [error for obj in case["objects"] for error in kit.k8s_errors(obj)]
    assert errors == []


def test_engine_objects(case: dict[str, Any], kit: Any) -> None:
    names = {(o["kind"], o["metadata"]["name"]) for o in case["objects"]}
    if case["engine"] == "woocommerce":
        expected = {("Deployment", "st-abcdefgh23-wordpress"), ("StatefulSet", "st-abcdefgh23-mariadb")}
        absent = "medusa"
    else:
        expected = {
            ("Deployment", "st-abcdefgh23-medusa"),
            ("Deployment", "st-abcdefgh23-storefront"),
            ("StatefulSet", "st-abcdefgh23-postgresql"),
        }
        absent = "wordpress"
    assert expected <= names
    assert not [n for _, n in names if absent in n]
    assert ("ConfigMap", "st-abcdefgh23-setup") in names
    assert ("ServiceAccount", "st-abcdefgh23") in names
    sa = next(o for o in case["objects"] if o["kind"] == "ServiceAccount")
    assert sa["automountServiceAccountToken"] is False
    tests = [o for o in case["objects"] if o["kind"] == "Pod"]
    assert len(tests) == 2 and all(o["metadata"]["annotations"]["helm.sh/hook"] == "test" for o in tests)


def test_labels_on_every_object(case: dict[str, Any], kit: Any) -> None:
    expected = {
        "storefleet.io/tenant": "u-abcdefgh23",
        "storefleet.io/store": kit.STORE_ID,
        "storefleet.io/engine": case["engine"],
        "app.kubernetes.io/instance": kit.STORE_ID,
        "app.kubernetes.io/managed-by": "Helm",
        "app.kubernetes.io/part-of": "storefleet",
    }
    for obj in case["objects"]:
        labels = obj["metadata"].get("labels", {})
        assert expected.items() <= labels.items(), obj["_template"]
    for obj in case["objects"]:
        if obj["kind"] in kit.WORKLOADS:
            pod_labels = obj["spec"]["template"]["metadata"]["labels"]
            assert {k: expected[k] for k in ("storefleet.io/store", "storefleet.io/tenant")}.items() <= (
                pod_labels.items()
            )
            assert obj["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()


def test_resources_and_probes_on_every_container(case: dict[str, Any], kit: Any) -> None:
    for obj, spec, _ in kit.pod_specs(case["objects"]):
        for container in spec.get("initContainers", []) + spec["containers"]:
            for bound in ("requests", "limits"):
                assert set(container["resources"][bound]) >= {"cpu", "memory"}, (obj["_template"], container)
        if kit.is_hook(obj):
            continue  # run-to-completion `helm test` pods: a probe means nothing there
        for container in spec["containers"]:
            assert "readinessProbe" in container and "livenessProbe" in container, obj["_template"]


def test_no_container_runs_privileged_or_with_a_token(case: dict[str, Any], kit: Any) -> None:
    for obj, spec, _ in kit.pod_specs(case["objects"]):
        assert spec["automountServiceAccountToken"] is False, obj["_template"]
        for container in spec.get("initContainers", []) + spec["containers"]:
            context = container["securityContext"]
            assert context["allowPrivilegeEscalation"] is False
            assert context["capabilities"]["drop"] == ["ALL"]
            assert not context.get("privileged")
            # Only WordPress's Apache starts as root (binds :80, drops to www-data).
            if container["name"] != "wordpress":
                assert context["runAsNonRoot"] is True, (obj["_template"], container["name"])


def _target_ports(objects: list[dict[str, Any]], service: dict[str, Any]) -> set[int]:
    selector = service["spec"]["selector"]
    ports: set[int] = set()
    for port in service["spec"]["ports"]:
        target = port["targetPort"]
        if isinstance(target, int):
            ports.add(target)
            continue
        for obj in objects:
            if obj["kind"] in ("Deployment", "StatefulSet") and selector.items() <= (
                obj["spec"]["template"]["metadata"]["labels"].items()
            ):
                for container in obj["spec"]["template"]["spec"]["containers"]:
                    ports |= {p["containerPort"] for p in container.get("ports", []) if p["name"] == target}
    return ports


def test_network_policy_admits_both_ingress_controllers(case: dict[str, Any]) -> None:
    objects = case["objects"]
    policies = [o for o in objects if o["kind"] == "NetworkPolicy"]
    if case["profile"] == "values-local.yaml":
        assert policies == []  # laptop CNIs that ignore NetworkPolicy: none rendered
        return
    (policy,) = policies
    assert policy["spec"]["podSelector"] == {} and set(policy["spec"]["policyTypes"]) == {"Ingress", "Egress"}
    ingress = next(o for o in objects if o["kind"] == "Ingress")
    backends = {
        path["backend"]["service"]["name"]
        for rule in ingress["spec"]["rules"]
        for path in rule["http"]["paths"]
    }
    services = [o for o in objects if o["kind"] == "Service" and o["metadata"]["name"] in backends]
    needed = set().union(*(_target_ports(objects, s) for s in services))
    assert needed == ({80} if case["engine"] == "woocommerce" else {9000, 8080})
    for namespace in INGRESS_CONTROLLER_NAMESPACES:
        admitted: set[int] = set()
        for rule in policy["spec"]["ingress"]:
            sources = [peer.get("namespaceSelector", {}).get("matchLabels", {}) for peer in rule["from"]]
            if {"kubernetes.io/metadata.name": namespace} in sources:
                admitted |= {p["port"] for p in rule.get("ports", [])}
        assert needed <= admitted, (namespace, needed, admitted)
    # app -> database inside the namespace; egress has DNS and no private range
    assert {"from": [{"podSelector": {}}]} in policy["spec"]["ingress"]
    blocks = [
        peer["ipBlock"]
        for rule in policy["spec"]["egress"]
        for peer in rule.get("to", [])
        if "ipBlock" in peer
    ]
    assert "10.0.0.0/8" in blocks[0]["except"] and "169.254.0.0/16" in blocks[0]["except"]
    assert any(p.get("port") == 53 for rule in policy["spec"]["egress"] for p in rule.get("ports", []))


PULL_SECRETS = [{"name": "regcred"}, {"name": "mirror.example.com"}]


@pytest.mark.parametrize("engine", ENGINES)
def test_every_pod_pulls_with_the_pull_secrets_and_none_without(
    engine: str, kit: Any, render_store: Any
) -> None:
    for pull_secrets in (PULL_SECRETS, [], None):
        values = kit.store_values(engine, redis={"enabled": True})
        if pull_secrets is not None:
            values["imagePullSecrets"] = pull_secrets
        objects = render_store(values)
        job = kit.setup_job(objects)
        pods = [*kit.pod_specs(objects), (job, job["spec"]["template"]["spec"], 1)]
        # workloads of the engine (Redis too), the setup Job and both `helm test` pods
        assert len(pods) == (2 if engine == "woocommerce" else 4) + 1 + 2
        for obj, spec, _ in pods:
            assert spec.get("imagePullSecrets") == (pull_secrets or None), obj["_template"]
        assert [e for o in [*objects, job] for e in kit.k8s_errors(o)] == []
        if not pull_secrets:  # the key appears nowhere, not even as an empty list
            assert "imagePullSecrets" not in setup_text(objects) + str(objects)


def setup_text(objects: list[dict[str, Any]]) -> str:
    return "".join(
        o["data"]["job.yaml"] for o in objects if o["kind"] == "ConfigMap" and "job.yaml" in o["data"]
    )


def test_pull_secrets_come_from_one_helper() -> None:
    """Every pod template includes `store.imagePullSecrets`; no template spells the key itself."""
    files = {p.name: p.read_text() for p in (CHART / "templates").rglob("*") if p.is_file()}
    users = sorted(name for name, text in files.items() if 'include "store.imagePullSecrets"' in text)
    pods = sorted(
        name
        for name, text in files.items()
        if re.search(r"^kind: (Deployment|StatefulSet|Job|Pod)$", text, re.M)
    )
    assert users == pods and len(users) == 9, (users, pods)
    for name, text in files.items():
        if name != "_helpers.tpl":
            assert "imagePullSecrets" not in text.replace('include "store.imagePullSecrets"', ""), name


def test_quota_and_limit_range_present_and_fit(case: dict[str, Any], kit: Any) -> None:
    kit.check_quota_fit(case["objects"])


def test_secrets_are_generated_never_from_values(case: dict[str, Any], kit: Any, render_store: Any) -> None:
    secrets = [o for o in case["objects"] if o["kind"] == "Secret"]
    assert [s["metadata"]["name"] for s in secrets] == [f"{kit.STORE_ID}-credentials"]
    (secret,) = secrets
    assert "stringData" not in secret
    assert secret["metadata"]["annotations"]["helm.sh/resource-policy"] == "keep"
    scalars = {str(v) for v in _scalars(case["values"])}
    decoded = {base64.b64decode(v).decode() for v in secret["data"].values()}
    assert not decoded & scalars
    assert all(len(v) >= 32 for v in decoded)
    again = next(o for o in render_store(case["values"]) if o["kind"] == "Secret")
    assert set(again["data"].values()).isdisjoint(secret["data"].values())  # random: made at render time
    # No password anywhere else: env values never carry one, only secretKeyRefs and *_FILE paths.
    text = yaml.safe_dump([{k: v for k, v in o.items() if k != "_template"} for o in case["objects"]])
    assert not any(value in text for value in decoded)


def _scalars(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in _scalars(v)]
    if isinstance(value, list):
        return [s for v in value for s in _scalars(v)]
    return [value]


def test_existing_secret_renders_no_secret_and_is_used(kit: Any, render_store: Any) -> None:
    for engine in ENGINES:
        values = kit.store_values(engine, credentials={"existingSecret": f"{kit.STORE_ID}-credentials"})
        objects = render_store(values)
        assert "Secret" not in kit.kinds(objects)
        text = yaml.safe_dump([{k: v for k, v in o.items() if k != "_template"} for o in objects])
        assert f"{kit.STORE_ID}-credentials" in text


def test_secret_template_keeps_values_with_lookup() -> None:
    template = (CHART / "templates" / "secret.yaml").read_text()
    assert 'lookup "v1" "Secret"' in template and "randAlphaNum" in template
    assert ".Values.credentials.existingSecret" in template


def test_tls_block_exactly_in_vps_profile(case: dict[str, Any], kit: Any) -> None:
    ingress = next(o for o in case["objects"] if o["kind"] == "Ingress")
    if case["profile"] == "values-vps.yaml":
        assert ingress["spec"]["tls"] == [
            {"hosts": ["acme-shop-abcdefgh23.localhost"], "secretName": f"{kit.STORE_ID}-tls"}
        ]
        assert ingress["metadata"]["annotations"]["cert-manager.io/cluster-issuer"] == "letsencrypt"
        assert ingress["spec"]["ingressClassName"] == "traefik"
    else:
        assert "tls" not in ingress["spec"]
        assert "cert-manager.io/cluster-issuer" not in ingress["metadata"]["annotations"]
        assert ingress["spec"]["ingressClassName"] == "nginx"


def test_medusa_ingress_routes_api_paths_to_the_backend(kit: Any, render_store: Any) -> None:
    objects = render_store(kit.store_values("medusa"))
    ingress = next(o for o in objects if o["kind"] == "Ingress")
    routes = {
        p["path"]: p["backend"]["service"]["name"] for p in ingress["spec"]["rules"][0]["http"]["paths"]
    }
    medusa, storefront = f"{kit.STORE_ID}-medusa", f"{kit.STORE_ID}-storefront"
    assert routes == {
        **dict.fromkeys(("/store", "/auth", "/admin", "/health", "/app", "/static"), medusa),
        "/": storefront,
    }


def test_storage_class_and_sizes_follow_values(kit: Any, render_store: Any) -> None:
    for engine in ENGINES:
        values = kit.store_values(
            engine, plan="medium", persistence={"size": "5Gi", "databaseSize": "10Gi", "storageClass": "fast"}
        )
        claims = [o for o in render_store(values) if o["kind"] == "PersistentVolumeClaim"]
        assert sorted(c["spec"]["resources"]["requests"]["storage"] for c in claims) == ["10Gi", "5Gi"]
        assert {c["spec"]["storageClassName"] for c in claims} == {"fast"}
        default = [o for o in render_store(kit.store_values(engine)) if o["kind"] == "PersistentVolumeClaim"]
        assert all("storageClassName" not in c["spec"] for c in default)


PLANS = ("small", "medium", "large")


@pytest.mark.parametrize("plan", PLANS)
def test_limit_range_and_quota_follow_the_plan(plan: str, kit: Any, render_store: Any) -> None:
    defaults = yaml.safe_load((CHART / "values.yaml").read_text())
    expected = defaults["plans"][plan]
    sizes = {"size": "2Gi", "databaseSize": "2Gi"}  # within every plan's volume bounds
    objects = render_store(kit.store_values("medusa", plan=plan, persistence=sizes))
    (limit_range,) = [o for o in objects if o["kind"] == "LimitRange"]
    container, claim = limit_range["spec"]["limits"]
    assert container["type"] == "Container" and claim["type"] == "PersistentVolumeClaim"
    assert container["min"] == defaults["limitRange"]["min"] == {"cpu": "5m", "memory": "8Mi"}
    assert container["max"] == expected["maxContainer"]
    assert claim == {
        "type": "PersistentVolumeClaim",
        "min": {"storage": expected["pvc"]["min"]},
        "max": {"storage": expected["pvc"]["max"]},
    }
    assert kit.quantity(claim["max"]["storage"]) <= kit.quantity(expected["quota"]["requests.storage"])
    (quota,) = [o for o in objects if o["kind"] == "ResourceQuota"]
    assert quota["spec"]["hard"] == expected["quota"]
    assert {k: quota["spec"]["hard"][k] for k in ("services.loadbalancers", "services.nodeports")} == {
        "services.loadbalancers": "0",
        "services.nodeports": "0",
    }


@pytest.mark.parametrize("engine", ENGINES)
def test_the_services_quota_holds_the_chart_services_with_headroom(
    engine: str, kit: Any, render_store: Any
) -> None:
    for plan in PLANS:
        values = kit.store_values(
            engine, plan=plan, redis={"enabled": True}, persistence={"size": "2Gi", "databaseSize": "2Gi"}
        )
        objects = render_store(values)
        services = [o for o in objects if o["kind"] == "Service"]
        assert len(services) == (2 if engine == "woocommerce" else 4)
        quota = next(o for o in objects if o["kind"] == "ResourceQuota")["spec"]["hard"]
        assert int(quota["services"]) >= 2 * len(services), (plan, quota["services"])


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        ({"persistence": {"size": "6Gi"}}, "persistence.size 6Gi is outside the small plan's volume bounds"),
        ({"persistence": {"databaseSize": "512Mi"}}, "persistence.databaseSize 512Mi is outside"),
        ({"plan": "medium", "persistence": {"databaseSize": "1Ti"}}, "(plans.medium.pvc: 1Gi to 15Gi)"),
        (
            {"plans": {"small": {"pvc": {"min": "6Gi", "max": "5Gi"}}}},
            "plans.small.pvc: min 6Gi is above max 5Gi",
        ),
    ],
)
def test_a_volume_outside_the_plan_bounds_fails_the_render(
    extra: dict[str, Any], says: str, kit: Any, store_chart: helm.Chart
) -> None:
    """The LimitRange would refuse the claim in the cluster: say so at render time (a rollout's dry run)."""
    with pytest.raises(helm.HelmRenderError, match=re.escape(says)):
        store_chart.render(
            kit.store_values("woocommerce", **extra), name=kit.STORE_ID, namespace=kit.STORE_ID
        )
    values = kit.store_values("woocommerce", **extra, limitRange={"enabled": False})
    if "plans" not in extra:  # without the LimitRange nothing bounds the volumes
        assert "LimitRange" not in kit.kinds(render_store_raw(store_chart, values, kit))


def render_store_raw(chart: helm.Chart, values: dict[str, Any], kit: Any) -> list[dict[str, Any]]:
    return list(kit.parse(chart.render(values, name=kit.STORE_ID, namespace=kit.STORE_ID)))


@pytest.mark.parametrize("ci_set", CI_SETS)
def test_ci_value_sets(ci_set: str, kit: Any, render_store: Any) -> None:
    values = yaml.safe_load((CHART / "ci" / ci_set).read_text())
    report = helm.lint(CHART, values, strict=True)
    assert [m for m in report["messages"] if m["severity"] >= 2] + report["errors"] == []
    objects = render_store(values)
    assert [e for o in objects for e in kit.k8s_errors(o)] == []
    kit.check_quota_fit(objects)


def test_notes_name_the_urls(store_chart: helm.Chart, kit: Any) -> None:
    out = store_chart.render(
        kit.profile_values("values-vps.yaml", "medusa"), name=kit.STORE_ID, namespace=kit.STORE_ID
    )
    notes = out["ecommerce-store/templates/NOTES.txt"]
    assert "https://acme-shop-abcdefgh23.localhost/" in notes and "helm test" in notes


def test_chart_version_is_the_renderers() -> None:
    from storefleet.renderer.profile import RenderProfile

    chart = yaml.safe_load((CHART / "Chart.yaml").read_text())
    assert chart["apiVersion"] == "v2"
    assert chart["version"] == RenderProfile().chart_version


def test_the_watcher_makes_the_same_credential_keys_as_the_chart(kit: Any, render_store: Any) -> None:
    """Argo CD stores get their Secret from the watcher, Flux stores from the chart: same keys."""
    for engine in ENGINES:
        secret = next(o for o in render_store(kit.store_values(engine)) if o["kind"] == "Secret")
        assert sorted(secret["data"]) == sorted(CREDENTIAL_KEYS[engine]), engine
        assert ADMIN_PASSWORD_KEY[engine] in secret["data"]


def test_the_storefront_gets_its_runtime_config_from_env_and_its_key_from_the_secret(
    render_store: Any, kit: Any
) -> None:
    objects = render_store(
        kit.profile_values("values-vps.yaml", "medusa") | {"storefront": {"logoUrl": "/logo.svg"}}
    )
    deployment = next(o for o in objects if o["metadata"]["name"] == f"{kit.STORE_ID}-storefront")
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    env = {e["name"]: e.get("value") for e in container["env"]}
    assert env["STORE_NAME"] and env["MEDUSA_BACKEND_URL"].startswith("https://")
    assert env["LOGO_URL"] == "/logo.svg" and env["BRAND_PRIMARY"].startswith("#")
    key_file = env["MEDUSA_PUBLISHABLE_KEY_FILE"]
    mount = next(m for m in container["volumeMounts"] if key_file.startswith(m["mountPath"] + "/"))
    volume = next(v for v in deployment["spec"]["template"]["spec"]["volumes"] if v["name"] == mount["name"])
    assert volume["secret"] == {
        "secretName": f"{kit.STORE_ID}-storefront-key",
        "optional": True,
        "items": [{"key": "publishable-key", "path": key_file.rsplit("/", 1)[1]}],
    }
    # the image's nginx serves exactly that file as /publishable-key
    nginx = (Path(__file__).parents[2] / "storefront-medusa" / "nginx" / "default.conf").read_text()
    assert f"alias {key_file};" in nginx
