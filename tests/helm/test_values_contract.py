"""values.schema.json against the renderer: every StoreSpec the API accepts renders (through
`chart_values`) to values the chart accepts and Helm renders; malformed values are refused."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import helm_python as helm
import jsonschema
import pytest

from storefleet.renderer.catalogue import Branding, Template
from storefleet.renderer.manifests import store_host
from storefleet.renderer.profile import GitOpsEngine, RenderProfile, ValuesProfile
from storefleet.renderer.spec import Engine, Plan, StoreSpec, Theme
from storefleet.renderer.values import chart_values, credentials_secret_name

CHART = Path(__file__).resolve().parents[2] / "helm" / "ecommerce-store"
SCHEMA = json.loads((CHART / "values.schema.json").read_text())

SPECS = [
    StoreSpec(
        store_id="st-abcdefgh23", tenant="u-abcdefgh23", name=name, engine=engine, theme=theme, plan=plan
    )
    for engine, plan in itertools.product(Engine, Plan)
    for theme in ([None] if engine is Engine.MEDUSA else list(Theme))
    # the longest name the API allows: the renderer shortens the host label, never the id
    for name in ("acme-shop", "a" * 63)
]
PROFILES = [
    RenderProfile(gitops_engine=gitops, values_profile=profile, domain=domain, image_pull_secrets=pulls)
    for gitops, profile in itertools.product(GitOpsEngine, ValuesProfile)
    for domain, pulls in (("localhost", ()), ("shops.example.com", ("regcred", "mirror.example.com")))
]


def _renderer_values(spec: StoreSpec, profile: RenderProfile) -> dict[str, Any]:
    return chart_values(spec, profile, store_host(spec, profile))


def test_every_accepted_spec_renders(store_chart: helm.Chart, kit: Any) -> None:
    assert len(SPECS) == 18 and len(PROFILES) == 8
    validator = jsonschema.Draft7Validator(SCHEMA)
    for spec, profile in itertools.product(SPECS, PROFILES):
        values = _renderer_values(spec, profile)
        store_chart.validate_schema(values)  # Helm's own validator
        assert list(validator.iter_errors(store_chart.merge_values(values))) == []  # and a second one
        objects = kit.parse(store_chart.render(values, name=spec.store_id, namespace=spec.store_id))
        ingress = next(o for o in objects if o["kind"] == "Ingress")
        assert ingress["spec"]["rules"][0]["host"] == store_host(spec, profile)
        assert ("tls" in ingress["spec"]) is profile.resolved_tls
        assert ingress["spec"]["ingressClassName"] == profile.resolved_ingress_class
        secret_refs = {o["metadata"]["name"] for o in objects if o["kind"] == "Secret"}
        if profile.gitops_engine is GitOpsEngine.ARGOCD:
            assert secret_refs == set()  # the platform's Secret, by name
        else:
            assert secret_refs == {credentials_secret_name(spec)}  # same name, generated here
        quota = next(o for o in objects if o["kind"] == "ResourceQuota")
        assert quota["spec"]["hard"]["pods"] == "10"
        pulls = [{"name": name} for name in profile.image_pull_secrets] or None
        for obj in objects:
            if obj["kind"] in kit.WORKLOADS:
                assert obj["spec"]["template"]["spec"].get("imagePullSecrets") == pulls
        assert "storefleet.io/chart-version" not in str(values)  # values carry no chart metadata


def test_every_plan_fits_its_quota_and_limit_range(store_chart: helm.Chart, kit: Any) -> None:
    """The invariant: for both engines and every plan, as the renderer sizes them, every container
    (init containers, the setup Job and the test pods too) lies within the LimitRange's minimum and
    maximum, every volume claim within its bounds, the whole store within the quota."""
    checked = set()
    for spec, values_profile, redis in itertools.product(SPECS[::2], ValuesProfile, (False, True)):
        values = _renderer_values(spec, RenderProfile(values_profile=values_profile))
        values["redis"] = {"enabled": redis}
        kit.check_quota_fit(
            kit.parse(store_chart.render(values, name=spec.store_id, namespace=spec.store_id))
        )
        checked.add((spec.engine, spec.plan))
    assert checked == set(itertools.product(Engine, Plan))


def _valid(engine: str = "woocommerce") -> dict[str, Any]:
    spec = StoreSpec(store_id="st-abcdefgh23", tenant="u-abcdefgh23", name="acme-shop", engine=Engine(engine))
    return _renderer_values(spec, RenderProfile())


def _with(path: str, value: Any, engine: str = "woocommerce") -> dict[str, Any]:
    values = _valid(engine)
    *parents, leaf = path.split(".")
    node = values
    for key in parents:
        node = node.setdefault(key, {})
    node[leaf] = value
    return values


REJECTED = {
    "unknown engine": _with("engine", "magento"),
    "unknown theme": _with("theme", "twentytwentyfour"),
    "theme with medusa": _with("theme", "storefront", engine="medusa"),
    "unknown plan": _with("plan", "xl"),
    "bad host (underscore)": _with("ingress.host", "acme_shop.localhost"),
    "bad host (leading dash)": _with("ingress.host", "-acme.localhost"),
    "bad host (empty label)": _with("ingress.host", "acme..localhost"),
    "bad host (upper case)": _with("ingress.host", "Acme.localhost"),
    "bad host (label over 63)": _with("ingress.host", "a" * 64 + ".localhost"),
    "bad host (URL)": _with("ingress.host", "https://acme.localhost"),
    "bad domain": _with("ingress.domain", "bad domain.com"),
    "no host and no domain": _with("ingress.host", ""),
    "negative app volume": _with("persistence.size", "-2Gi"),
    "negative database volume": _with("persistence.databaseSize", "-10Gi"),
    "negative cpu": _with("resources.requests.cpu", "-100m"),
    "negative memory": _with("database.resources.limits.memory", "-512Mi"),
    "volume without unit": _with("persistence.size", "2"),
    "bad store id": _with("store.id", "St_1"),
    "unknown key (typo)": _with("persistance", {"size": "2Gi"}),
    "secret material in values": _with("credentials.password", "hunter2"),
    "negative setup retries": _with("setup.backoffLimit", -1),
    "setup deadline as a string": _with("setup.activeDeadlineSeconds", "900"),
    "setup deadline too short": _with("setup.activeDeadlineSeconds", 30),
    "setup Job gone before the watcher looks": _with("setup.ttlSecondsAfterFinished", 0),
    "pull secret not a DNS name": _with("imagePullSecrets", [{"name": "Reg_Cred"}]),
    "pull secret with an empty name": _with("imagePullSecrets", [{"name": ""}]),
    "pull secret as a plain string": _with("imagePullSecrets", ["regcred"]),
    "pull secret with an unknown key": _with("imagePullSecrets", [{"name": "regcred", "namespace": "x"}]),
    "pull secret twice": _with("imagePullSecrets", [{"name": "regcred"}, {"name": "regcred"}]),
    "negative services quota": _with("plans.small.quota", {"services": "-1"}),
    "fractional services quota": _with("plans.small.quota", {"services": "2.5"}),
    "services quota with a unit": _with("plans.medium.quota", {"services": "8k"}),
    "node ports as a word": _with("plans.large.quota", {"services.nodeports": "none"}),
    "negative storage quota": _with("plans.small.quota", {"requests.storage": "-10Gi"}),
    "negative volume maximum": _with("plans.small.pvc", {"min": "1Gi", "max": "-5Gi"}),
    "volume maximum in GB": _with("plans.small.pvc", {"min": "1Gi", "max": "5GB"}),
    "volume minimum without unit": _with("plans.large.pvc", {"min": "1", "max": "50Gi"}),
    "volume bounds with an unknown key": _with(
        "plans.small.pvc", {"min": "1Gi", "max": "5Gi", "default": "2Gi"}
    ),
    "negative container minimum": _with("limitRange.min", {"cpu": "-5m", "memory": "8Mi"}),
    "container minimum in MB": _with("limitRange.min", {"cpu": "5m", "memory": "8MB"}),
}


@pytest.mark.parametrize("values", REJECTED.values(), ids=REJECTED.keys())
def test_schema_rejects(values: dict[str, Any], store_chart: helm.Chart) -> None:
    with pytest.raises(helm.HelmValuesError):
        store_chart.validate_schema(values)
    with pytest.raises(helm.HelmValuesError):
        store_chart.render(values, name="st-abcdefgh23", namespace="st-abcdefgh23")
    assert list(jsonschema.Draft7Validator(SCHEMA).iter_errors(store_chart.merge_values(values)))


def test_schema_accepts_a_domain_instead_of_a_host(store_chart: helm.Chart, kit: Any) -> None:
    values = _with("ingress.host", "")
    values["ingress"]["domain"] = "localhost"
    objects = kit.parse(store_chart.render(values, name="st-abcdefgh23", namespace="st-abcdefgh23"))
    ingress = next(o for o in objects if o["kind"] == "Ingress")
    assert ingress["spec"]["rules"][0]["host"] == "st-abcdefgh23.localhost"


@pytest.mark.parametrize("template", [t.value for t in Template])
def test_templates_and_branding_render_into_the_storefront(
    template: str, store_chart: helm.Chart, kit: Any
) -> None:
    branding = Branding(
        display_name="Harbor & Pine",
        primary_color="#1e3a8a",
        logo_url="https://x.example/l.svg",
        promo_text="Free shipping over $50 — this week only",
        newsletter_url="https://lists.example.com/join?list=1",
    )
    spec = StoreSpec(
        store_id="st-abcdefgh23",
        tenant="u-abcdefgh23",
        name="acme-shop",
        engine=Engine.MEDUSA,
        template=Template(template),
        branding=branding,
    )
    values = _renderer_values(spec, RenderProfile())
    store_chart.validate_schema(values)
    objects = kit.parse(store_chart.render(values, name=spec.store_id, namespace=spec.store_id))
    storefront = next(
        o for o in objects if o["kind"] == "Deployment" and o["metadata"]["name"].endswith("storefront")
    )
    env = {e["name"]: e.get("value") for e in storefront["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert (env["STORE_NAME"], env["BRAND_PRIMARY"], env["LOGO_URL"]) == (
        "Harbor & Pine",
        "#1e3a8a",
        "https://x.example/l.svg",
    )
    assert env["BRAND_ACCENT"] == "#f59e0b"  # the chart's default for what the branding leaves unset
    assert (env["PROMO_TEXT"], env["NEWSLETTER_URL"]) == (
        "Free shipping over $50 — this week only",
        "https://lists.example.com/join?list=1",
    )
    setup = next(o for o in objects if o["kind"] == "ConfigMap" and o["metadata"]["name"].endswith("-setup"))
    assert f"CATALOGUE_TEMPLATE='{template}'" in setup["data"]["store.env"]
