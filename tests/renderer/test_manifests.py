"""render_store: the files of a store directory, their content rules and their byte stability."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
import yaml

from storefleet.renderer.manifests import (
    ANNOTATION_STORE_NAME,
    RenderError,
    render_store,
    store_dir,
    store_url,
)
from storefleet.renderer.names import ADMIN_PASSWORD_KEY
from storefleet.renderer.profile import GitOpsEngine, ProfileError, RenderProfile, ValuesProfile
from storefleet.renderer.spec import StoreSpec
from storefleet.renderer.values import PLAN_SIZES, credentials_secret_name

FLUX = RenderProfile()
ARGO = RenderProfile(
    gitops_engine=GitOpsEngine.ARGOCD, values_profile=ValuesProfile.VPS, domain="shops.example.com"
)
REQUIRED_LABELS = ("storefleet.io/tenant", "storefleet.io/store", "storefleet.io/engine")
SECRETISH = re.compile(r"pass(word|wd)?|secret|token|api[-_]?key|private[-_]?key|credential", re.IGNORECASE)


def _objects(files: dict[str, bytes]) -> Iterator[tuple[str, dict[str, Any]]]:
    for name, data in files.items():
        if name not in {"store.yaml", "kustomization.yaml"}:
            for doc in yaml.safe_load_all(data):
                yield name, doc


def _values(obj: dict[str, Any]) -> dict[str, Any]:
    if obj["kind"] == "HelmRelease":
        return dict(obj["spec"]["values"])
    return dict(obj["spec"]["source"]["helm"]["valuesObject"])


def _workload(files: dict[str, bytes]) -> dict[str, Any]:
    return next(obj for _, obj in _objects(files) if obj["kind"] in {"HelmRelease", "Application"})


def test_store_dir_is_tenant_then_store_id(make_spec: Any) -> None:
    assert store_dir(make_spec()) == "tenants/u-abcdefgh23/st-abcdefgh23"
    with pytest.raises(RenderError, match="tenant"):
        store_dir(make_spec(tenant="Bad/Tenant"))


def test_flux_and_argocd_write_their_own_file_sets(make_spec: Any) -> None:
    assert list(render_store(make_spec(), FLUX)) == [
        "helmrelease.yaml",
        "kustomization.yaml",
        "namespace.yaml",
        "store.yaml",
    ]
    assert list(render_store(make_spec(), ARGO)) == ["application.yaml", "namespace.yaml", "store.yaml"]


@pytest.mark.parametrize("profile", [FLUX, ARGO], ids=["flux", "argocd"])
def test_every_object_carries_the_storefleet_labels(make_spec: Any, profile: RenderProfile) -> None:
    spec = make_spec(engine="medusa")
    for name, obj in _objects(render_store(spec, profile)):
        labels = obj["metadata"]["labels"]
        assert {k: labels[k] for k in REQUIRED_LABELS} == {
            "storefleet.io/tenant": "u-abcdefgh23",
            "storefleet.io/store": "st-abcdefgh23",
            "storefleet.io/engine": "medusa",
        }, name
        assert labels["app.kubernetes.io/managed-by"] == "storefleet"
        assert obj["metadata"]["annotations"][ANNOTATION_STORE_NAME] == "acme-shop"


def test_namespace_is_the_store_id(make_spec: Any) -> None:
    files = render_store(make_spec(), FLUX)
    namespace = yaml.safe_load(files["namespace.yaml"])
    assert namespace["metadata"]["name"] == "st-abcdefgh23"
    assert "namespace" not in namespace["metadata"]
    assert _workload(files)["metadata"]["namespace"] == "st-abcdefgh23"


def test_flux_helmrelease_chart_source_remediation_and_timeout(make_spec: Any) -> None:
    spec = _workload(render_store(make_spec(), FLUX))["spec"]
    assert spec["chart"]["spec"]["chart"] == "./charts/ecommerce-store"
    assert spec["chart"]["spec"]["sourceRef"] == {
        "kind": "GitRepository",
        "name": "fleet",
        "namespace": "flux-system",
    }
    assert spec["chart"]["spec"]["reconcileStrategy"] == "ChartVersion"
    assert "chartRef" not in spec
    assert spec["install"]["remediation"]["retries"] > 0
    assert spec["upgrade"]["remediation"]["retries"] > 0
    assert spec["upgrade"]["remediation"]["remediateLastFailure"] is True
    assert spec["timeout"] and spec["interval"]
    assert spec["releaseName"] == "st-abcdefgh23"


def test_flux_kustomization_lists_the_kubernetes_files_never_store_yaml(make_spec: Any) -> None:
    files = render_store(make_spec(), FLUX)
    config = yaml.safe_load(files["kustomization.yaml"])
    assert config["kind"] == "Kustomization" and config["apiVersion"] == "kustomize.config.k8s.io/v1beta1"
    assert config["resources"] == ["helmrelease.yaml", "namespace.yaml"]


def test_argocd_application_source_destination_sync_and_link(make_spec: Any) -> None:
    app = _workload(render_store(make_spec(), ARGO))
    assert app["metadata"]["namespace"] == "argocd"
    assert app["metadata"]["annotations"]["link.argocd.argoproj.io/storefront"] == (
        "https://acme-shop-abcdefgh23.shops.example.com"
    )
    assert app["metadata"]["finalizers"] == ["resources-finalizer.argocd.argoproj.io"]
    source = app["spec"]["source"]
    assert (source["repoURL"], source["path"], source["targetRevision"]) == (
        ARGO.fleet_repo_url,
        "charts/ecommerce-store",
        "main",
    )
    assert app["spec"]["destination"] == {
        "server": "https://kubernetes.default.svc",
        "namespace": "st-abcdefgh23",
    }
    assert app["spec"]["syncPolicy"]["automated"] == {"prune": True, "selfHeal": True}
    assert app["spec"]["project"] == "storefleet-stores"


def test_storefront_link_follows_tls(make_spec: Any) -> None:
    local_argo = RenderProfile(gitops_engine=GitOpsEngine.ARGOCD)
    assert store_url(make_spec(), local_argo) == "http://acme-shop-abcdefgh23.localhost"
    assert store_url(make_spec(), RenderProfile(tls=True)) == "https://acme-shop-abcdefgh23.localhost"


@pytest.mark.parametrize("plan", ["small", "medium", "large"])
def test_values_carry_engine_theme_plan_resources_identity_ingress(make_spec: Any, plan: str) -> None:
    spec: StoreSpec = make_spec(theme="astra", plan=plan)
    values = _values(_workload(render_store(spec, FLUX)))
    size = PLAN_SIZES[spec.plan]
    assert (values["engine"], values["theme"], values["plan"]) == ("woocommerce", "astra", plan)
    assert values["resources"]["limits"]["memory"] == size.app.memory_limit
    assert values["database"]["resources"]["requests"]["cpu"] == size.database.cpu_request
    assert values["persistence"] == {"size": size.app_storage, "databaseSize": size.database_storage}
    assert values["store"] == {"id": "st-abcdefgh23", "name": "acme-shop", "tenant": "u-abcdefgh23"}
    assert values["ingress"] == {"className": "nginx", "host": "acme-shop-abcdefgh23.localhost", "tls": False}
    assert "credentials" not in values  # Flux: the chart generates passwords with lookup


def test_vps_profile_defaults_and_explicit_overrides(make_spec: Any) -> None:
    values = _values(_workload(render_store(make_spec(engine="medusa"), ARGO)))
    assert "theme" not in values
    assert values["ingress"]["className"] == "traefik" and values["ingress"]["tls"] is True
    assert values["persistence"]["storageClass"] == "local-path"
    assert values["credentials"] == {"existingSecret": credentials_secret_name(make_spec())}
    custom = RenderProfile(ingress_class="haproxy", tls=True, storage_class="fast-ssd")
    values = _values(_workload(render_store(make_spec(), custom)))
    assert values["ingress"]["className"] == "haproxy" and values["ingress"]["tls"] is True
    assert values["persistence"]["storageClass"] == "fast-ssd"


def _secretish_paths(value: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    if isinstance(value, dict):
        for key, item in value.items():
            if SECRETISH.search(str(key)):
                yield (*path, str(key))
            yield from _secretish_paths(item, (*path, str(key)))
    elif isinstance(value, list):
        for item in value:
            yield from _secretish_paths(item, path)


PULLING = RenderProfile(image_pull_secrets=("regcred", "mirror.example.com"))


@pytest.mark.parametrize("profile", [FLUX, ARGO, PULLING], ids=["flux", "argocd", "pull-secrets"])
def test_no_secret_looking_key_or_value_anywhere(make_spec: Any, profile: RenderProfile) -> None:
    for engine in ("woocommerce", "medusa"):
        files = render_store(make_spec(engine=engine), profile)
        # The one mention allowed: the *name* of the admin password's key, which Flux's drift
        # correction must leave alone (the platform rotates its value in the cluster).
        ignored = f"/data/{ADMIN_PASSWORD_KEY[engine]}"
        for name, data in files.items():
            text = data.decode().lower().replace(ignored, "")
            assert "password" not in text and "token" not in text, name
            for doc in yaml.safe_load_all(data):
                for path in _secretish_paths(doc):
                    # The one allowed: the *name* of a Secret made in the cluster, never its content.
                    allowed = (
                        path[-1:] == ("credentials",)
                        or path[-2:] == ("credentials", "existingSecret")
                        or path[-2:] == ("values", "imagePullSecrets")
                    )
                    assert allowed, (name, path)
        values = _values(_workload(files))
        if "credentials" in values:
            assert values["credentials"]["existingSecret"] == "st-abcdefgh23-credentials"


def test_pull_secrets_reach_the_values_of_both_engines_and_nothing_else(make_spec: Any) -> None:
    for engine in ("woocommerce", "medusa"):
        for profile in (
            PULLING,
            RenderProfile(gitops_engine=GitOpsEngine.ARGOCD, image_pull_secrets=("regcred",)),
        ):
            values = _values(_workload(render_store(make_spec(engine=engine), profile)))
            names = [{"name": name} for name in profile.image_pull_secrets]
            assert values["imagePullSecrets"] == names
        plain = render_store(make_spec(engine=engine), FLUX)
        assert "imagePullSecrets" not in _values(_workload(plain))  # unset: not rendered at all
        # the files differ only in the values' key: store.yaml (the spec) is the same
        assert render_store(make_spec(engine=engine), PULLING)["store.yaml"] == plain["store.yaml"]


@pytest.mark.parametrize("version", ["0.1.0", "0.2.0"])
def test_a_store_on_a_chart_without_pull_secrets_gets_none(make_spec: Any, version: str) -> None:
    """Their schema refuses the key: a store moved (or reverted) to one of them must still upgrade."""
    values = _values(_workload(render_store(make_spec(chart_version=version), PULLING)))
    assert "imagePullSecrets" not in values
    newer = _values(_workload(render_store(make_spec(chart_version="0.3.0"), PULLING)))
    assert newer["imagePullSecrets"] == [{"name": "regcred"}, {"name": "mirror.example.com"}]


@pytest.mark.parametrize("name", ["", "Regcred", "reg_cred", "-regcred", "a" * 254, "reg cred"])
def test_the_profile_refuses_a_pull_secret_that_is_not_a_secret_name(name: str) -> None:
    with pytest.raises(ProfileError, match="image pull secret"):
        RenderProfile(image_pull_secrets=(name,))


def test_rendering_twice_gives_identical_bytes(make_spec: Any) -> None:
    for profile in (FLUX, ARGO):
        assert render_store(make_spec(), profile) == render_store(make_spec(), profile)


def test_field_order_of_the_spec_and_profile_does_not_matter() -> None:
    fields = {
        "store_id": "st-abcdefgh23",
        "tenant": "u-abcdefgh23",
        "name": "acme-shop",
        "engine": "woocommerce",
        "theme": "storefront",
        "plan": "small",
    }
    forward = StoreSpec.model_validate(fields)
    backward = StoreSpec.model_validate(dict(reversed(list(fields.items()))))
    profile_a = RenderProfile(domain="example.com", tls=True)
    profile_b = RenderProfile(tls=True, domain="example.com")
    assert render_store(forward, profile_a) == render_store(backward, profile_b)
    assert render_store(forward, FLUX) == render_store(
        StoreSpec.model_validate({**fields, "theme": None}), FLUX
    )


def test_bytes_do_not_depend_on_the_interpreter_hash_seed() -> None:
    program = (
        "import hashlib;"
        "from storefleet.renderer.manifests import render_store;"
        "from storefleet.renderer.profile import RenderProfile;"
        "from storefleet.renderer.spec import StoreSpec;"
        "s = StoreSpec(store_id='st-abcdefgh23', tenant='u-abcdefgh23', name='acme', engine='medusa');"
        "argo = RenderProfile(gitops_engine='argocd');"
        "files = {**render_store(s, RenderProfile()), **render_store(s, argo)};"
        "print(hashlib.sha256(repr(sorted(files.items())).encode()).hexdigest())"
    )
    digests = {
        subprocess.run(
            [sys.executable, "-c", program],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(digests) == 1
    assert hashlib.sha256(b"").hexdigest() not in digests


def test_every_file_ends_with_one_newline(make_spec: Any) -> None:
    for profile in (FLUX, ARGO):
        for name, data in render_store(make_spec(), profile).items():
            assert data.endswith(b"\n") and not data.endswith(b"\n\n"), name
            assert b"&" not in data and b"*" not in data, name  # no anchors or aliases


def test_template_and_branding_reach_the_values_and_store_yaml(make_spec: Any) -> None:
    spec: StoreSpec = make_spec(
        engine="medusa",
        template="fashion",
        branding={
            "display_name": "Harbor & Pine",
            "primary_color": "#1e3a8a",
            "logo_url": "https://x.example/l.svg",
        },
    )
    files = render_store(spec, FLUX)
    values = _values(_workload(files))
    assert values["catalogue"] == {"template": "fashion"}
    # Only what the branding sets: the chart's defaults fill the rest (here the accent colour).
    assert values["storefront"] == {
        "displayName": "Harbor & Pine",
        "brand": {"primary": "#1e3a8a"},
        "logoUrl": "https://x.example/l.svg",
    }
    store_yaml = yaml.safe_load(files["store.yaml"])
    assert store_yaml["template"] == "fashion" and store_yaml["branding"]["display_name"] == "Harbor & Pine"


def test_a_store_older_than_templates_renders_as_before(make_spec: Any) -> None:
    values = _values(_workload(render_store(make_spec(engine="medusa"), FLUX)))
    assert "catalogue" not in values and "storefront" not in values
