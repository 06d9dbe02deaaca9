"""`store.instance` on the real Helm engine: a store created from another store's backup renders every
object under that store's names and `app.kubernetes.io/instance` (the objects Velero restored, which
its release takes over), keeps its own id everywhere else, and its WordPress answers at its own URL
whatever the restored database says; the renderer's values for such a store render as the chart's."""

from __future__ import annotations

from typing import Any

import helm_python as helm
import pytest

from storefleet.renderer.manifests import render_store as render_directory
from storefleet.renderer.manifests import store_host, store_url
from storefleet.renderer.profile import GitOpsEngine, RenderProfile, ValuesProfile
from storefleet.renderer.spec import StoreSpec
from storefleet.renderer.validate import load_yaml_documents
from storefleet.renderer.values import chart_values

SOURCE = "st-oldoldold2"


def _names(objects: list[dict[str, Any]]) -> set[str]:
    return {o["metadata"]["name"] for o in objects}


@pytest.mark.parametrize("engine", ["woocommerce", "medusa"])
def test_every_object_takes_the_instance_s_names_and_label(engine: str, kit: Any, render_store: Any) -> None:
    objects = render_store(kit.store_values(engine, store={"instance": SOURCE}))
    own = render_store(kit.store_values(engine))
    # the same objects as the store's own release would make, under the instance's names
    assert _names(objects) == {name.replace(kit.STORE_ID, SOURCE) for name in _names(own)}
    for obj in objects:
        assert obj["metadata"]["name"].startswith(SOURCE), obj["_template"]
        labels = obj["metadata"]["labels"]
        assert labels["app.kubernetes.io/instance"] == SOURCE, obj["_template"]
        assert labels["storefleet.io/store"] == kit.STORE_ID  # the store is the new one
        assert kit.k8s_errors(obj) == []
    for workload, pod, _ in kit.pod_specs(objects):
        if workload["kind"] in kit.WORKLOADS:
            assert workload["spec"]["selector"]["matchLabels"]["app.kubernetes.io/instance"] == SOURCE
        claims = {
            v["persistentVolumeClaim"]["claimName"]
            for v in pod.get("volumes", [])
            if "persistentVolumeClaim" in v
        }
        secrets = {v["secret"]["secretName"] for v in pod.get("volumes", []) if "secret" in v}
        assert all(c.startswith(f"{SOURCE}-") for c in claims)
        assert secrets <= {f"{SOURCE}-credentials", f"{SOURCE}-storefront-key"}
    (secret,) = [o for o in objects if o["kind"] == "Secret"]
    assert secret["metadata"]["name"] == f"{SOURCE}-credentials"  # the restored one, found by lookup
    (role,) = [o for o in objects if o["kind"] == "Role"]
    names = {name for rule in role["rules"] for name in rule.get("resourceNames", [])}
    assert {f"{SOURCE}-credentials", f"{SOURCE}-setup"} <= names  # what the platform reads


@pytest.mark.parametrize("profile", ["values.yaml", "values-vps.yaml"])
def test_wordpress_answers_at_the_store_url_whatever_the_database_says(
    profile: str, kit: Any, render_store: Any
) -> None:
    values = kit.deep_merge(kit.profile_values(profile, "woocommerce"), {"store": {"instance": SOURCE}})
    objects = render_store(values)
    (deployment,) = [
        o for o in objects if o["kind"] == "Deployment" and o["metadata"]["name"].endswith("-wordpress")
    ]
    env = {e["name"]: e.get("value") for e in deployment["spec"]["template"]["spec"]["containers"][0]["env"]}
    scheme = "https" if profile == "values-vps.yaml" else "http"
    url = f"{scheme}://acme-shop-abcdefgh23.localhost"
    extra = env["WORDPRESS_CONFIG_EXTRA"]
    assert f"define('WP_HOME', '{url}');" in extra and f"define('WP_SITEURL', '{url}');" in extra
    assert ("HTTP_X_FORWARDED_PROTO" in extra) is (scheme == "https")


def test_the_instance_must_be_a_dns_label(store_chart: helm.Chart, kit: Any) -> None:
    with pytest.raises(Exception, match="instance"):
        store_chart.validate_schema(kit.store_values("woocommerce", store={"instance": "Not_A_Label"}))
    store_chart.validate_schema(kit.store_values("woocommerce", store={"instance": ""}))


@pytest.mark.parametrize("gitops", list(GitOpsEngine))
def test_the_renderer_s_values_for_a_restored_store_render(
    gitops: GitOpsEngine, store_chart: helm.Chart, kit: Any
) -> None:
    origin = {"store_id": SOURCE, "backup": f"storefleet-{SOURCE}-20261201030700", "instance": SOURCE}
    spec = StoreSpec(
        store_id="st-abcdefgh23", tenant="u-abcdefgh23", name="acme-shop", engine="woocommerce",
        restored_from=origin,
    )  # fmt: skip
    profile = RenderProfile(gitops_engine=gitops, values_profile=ValuesProfile.VPS, backups_enabled=True)
    values = chart_values(spec, profile, store_host(spec, profile))
    store_chart.validate_schema(values)
    objects = kit.parse(store_chart.render(values, name=spec.store_id, namespace=spec.store_id))
    assert {o["metadata"]["labels"]["app.kubernetes.io/instance"] for o in objects} == {SOURCE}
    # the backup hook of the new store's Schedule selects the database pod its release runs
    schedule = load_yaml_documents(render_directory(spec, profile)["schedule.yaml"])[0]
    hook = schedule["spec"]["template"]["hooks"]["resources"][0]
    (database,) = [o for o in objects if o["kind"] == "StatefulSet"]
    pod_labels = database["spec"]["template"]["metadata"]["labels"]
    assert hook["labelSelector"]["matchLabels"].items() <= pod_labels.items()
    assert store_url(spec, profile).startswith("https://")
