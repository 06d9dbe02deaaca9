"""Every rendered manifest validates against the upstream CRDs; the validator catches what it should."""

from __future__ import annotations

import copy
import hashlib
import itertools
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml
from kubernetes_validate.utils import latest_version

from storefleet.renderer.manifests import render_store
from storefleet.renderer.profile import GitOpsEngine, RenderProfile, ValuesProfile
from storefleet.renderer.validate import KindSchema, load_crds, tighten, validate_manifest, validate_object

Schemas = Mapping[tuple[str, str], KindSchema]
KUBERNETES = latest_version()  # the newest minor kubernetes-validate ships
STORES = [("woocommerce", "storefront"), ("woocommerce", "astra"), ("medusa", None)]
MATRIX = list(itertools.product(GitOpsEngine, STORES, ["small", "medium", "large"], ValuesProfile))


def _docs(data: bytes) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(data) if doc is not None]


@pytest.mark.parametrize(
    ("engine", "store", "plan", "values_profile"),
    MATRIX,
    ids=[f"{e.value}-{s[0]}-{s[1]}-{p}-{v.value}" for e, s, p, v in MATRIX],
)
def test_every_rendered_object_validates(
    make_spec: Any,
    crd_schemas: Schemas,
    engine: GitOpsEngine,
    store: tuple[str, str | None],
    plan: str,
    values_profile: ValuesProfile,
) -> None:
    spec = make_spec(engine=store[0], theme=store[1], plan=plan)
    files = render_store(spec, RenderProfile(gitops_engine=engine, values_profile=values_profile))
    kinds = []
    for name, data in files.items():
        if name in {"store.yaml", "kustomization.yaml"}:
            continue
        for obj in _docs(data):
            kinds.append(obj["kind"])
            assert validate_object(obj, crd_schemas) == [], name
            if obj["kind"] == "Namespace":
                kubernetes_validate.validate(obj, KUBERNETES, strict=True)
    assert sorted(kinds) == sorted(
        ["Namespace", "HelmRelease" if engine is GitOpsEngine.FLUX else "Application"]
    )


def _helmrelease(make_spec: Any) -> dict[str, Any]:
    return _docs(render_store(make_spec(), RenderProfile())["helmrelease.yaml"])[0]


def _application(make_spec: Any) -> dict[str, Any]:
    return _docs(
        render_store(make_spec(), RenderProfile(gitops_engine=GitOpsEngine.ARGOCD))["application.yaml"]
    )[0]


def test_crds_are_parsed_once_per_folder(crd_dir: Path, crd_schemas: Schemas) -> None:
    assert load_crds(crd_dir) is crd_schemas
    assert ("argoproj.io/v1alpha1", "ApplicationSet") in crd_schemas
    assert ("helm.toolkit.fluxcd.io/v2", "HelmRelease") in crd_schemas


def test_tighten_closes_objects_except_free_form_ones() -> None:
    schema = {
        "type": "object",
        "properties": {
            "closed": {"type": "object", "properties": {"a": {"type": "string"}}},
            "free": {"type": "object", "x-kubernetes-preserve-unknown-fields": True, "properties": {"a": {}}},
            "map": {"type": "object", "additionalProperties": {"type": "string"}},
            "list": {"type": "array", "items": {"type": "object", "properties": {"b": {"type": "integer"}}}},
        },
    }
    tight = tighten(schema)
    assert tight["additionalProperties"] is False
    assert tight["properties"]["closed"]["additionalProperties"] is False
    assert "additionalProperties" not in tight["properties"]["free"]
    assert tight["properties"]["map"]["additionalProperties"] == {"type": "string"}
    assert tight["properties"]["list"]["items"]["additionalProperties"] is False
    assert "additionalProperties" not in schema  # the input is left alone


def test_a_typo_anywhere_outside_free_form_values_is_an_error(make_spec: Any, crd_dir: Path) -> None:
    release = _helmrelease(make_spec)
    release["spec"]["intervall"] = "5m"
    release["spec"]["install"]["remediation"]["retriez"] = 3
    release["spec"]["values"]["anything"] = {"goes": "here"}  # spec.values is free-form
    errors = validate_manifest(release, crd_dir)
    assert any("intervall" in e for e in errors) and any("retriez" in e for e in errors)
    assert not any("anything" in e for e in errors)
    app = _application(make_spec)
    app["spec"]["syncPolicy"]["automated"]["prunee"] = True
    app["spec"]["source"]["helm"]["valuesObject"]["free"] = 1
    assert validate_manifest(app, crd_dir) == [
        "spec.syncPolicy.automated: Additional properties are not allowed ('prunee' was unexpected)"
    ]


def test_schema_types_patterns_and_enums(make_spec: Any, crd_schemas: Schemas) -> None:
    release = _helmrelease(make_spec)
    release["spec"]["interval"] = "ten minutes"
    release["spec"]["driftDetection"]["mode"] = "sometimes"
    errors = validate_object(release, crd_schemas)
    assert any(e.startswith("spec.interval:") for e in errors)
    assert any(e.startswith("spec.driftDetection.mode:") for e in errors)
    app = _application(make_spec)
    app["spec"]["syncPolicy"]["automated"]["prune"] = "yes"
    del app["spec"]["project"]
    errors = validate_object(app, crd_schemas)
    assert "spec.syncPolicy.automated.prune: 'yes' is not of type 'boolean'" in errors
    assert "spec: 'project' is a required property" in errors


def test_helmrelease_needs_exactly_one_of_chart_and_chart_ref(make_spec: Any, crd_schemas: Schemas) -> None:
    both = _helmrelease(make_spec)
    both["spec"]["chartRef"] = {"kind": "OCIRepository", "name": "store"}
    neither = copy.deepcopy(both)
    del neither["spec"]["chart"], neither["spec"]["chartRef"]
    message = "spec: exactly one of spec.chart / spec.chartRef must be set"
    assert message in validate_object(both, crd_schemas)
    assert message in validate_object(neither, crd_schemas)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda m: m.update(name="St-Upper"), "metadata.name 'St-Upper' is not a valid DNS-1123 name"),
        (lambda m: m.update(name="a" * 254), "is not a valid DNS-1123 name"),
        (lambda m: m.pop("namespace"), "metadata.namespace None must be set"),
        (lambda m: m.update(namespace="Flux_System"), "must be set to a DNS-1123 label"),
        (lambda m: m["labels"].update({"bad key!": "x"}), "name part must be"),
        (lambda m: m["labels"].update({"Not_A.Domain/x": "x"}), "prefix 'Not_A.Domain' is not a DNS-1123"),
        (lambda m: m["labels"].update({"a": "-bad-"}), "'-bad-' is not a valid label value"),
        (lambda m: m["labels"].update({"a": "x" * 64}), "is not a valid label value"),
        (lambda m: m["labels"].update({"a": True}), "value must be a string, not bool"),
        (lambda m: m["annotations"].update({"a": 1}), "value must be a string, not int"),
        (
            lambda m: m.update(creationTimestamp="2024-01-01T00:00:00Z"),
            "metadata.creationTimestamp: not allowed",
        ),
    ],
)
def test_metadata_rules_the_schemas_leave_out(
    make_spec: Any, crd_schemas: Schemas, change: Any, message: str
) -> None:
    release = _helmrelease(make_spec)
    change(release["metadata"])
    assert any(message in e for e in validate_object(release, crd_schemas)), validate_object(
        release, crd_schemas
    )


def test_namespace_is_cluster_scoped_and_a_dns_label(make_spec: Any, crd_schemas: Schemas) -> None:
    namespace = _docs(render_store(make_spec(), RenderProfile())["namespace.yaml"])[0]
    namespace["metadata"]["namespace"] = "default"
    namespace["metadata"]["name"] = "a.b"
    namespace["spek"] = {}
    errors = validate_object(namespace, crd_schemas)
    assert "metadata.namespace must not be set on a cluster-scoped object" in errors
    assert "metadata.name 'a.b' is not a valid DNS-1123 name" in errors
    assert "<root>: Additional properties are not allowed ('spek' was unexpected)" in errors


def test_unknown_kinds_and_non_objects(crd_schemas: Schemas) -> None:
    assert validate_object({"apiVersion": "v1", "kind": "Secret"}, crd_schemas) == [
        "no schema for apiVersion='v1' kind='Secret'"
    ]
    assert validate_object(["not", "an", "object"], crd_schemas) == [
        "a Kubernetes object must be a mapping, not list"
    ]


def test_vendored_crds_are_byte_for_byte_upstream(crd_dir: Path) -> None:
    # The README's table of sha256 sums is the provenance record; the files must still match it.
    rows = re.findall(
        r"^\| `([^`]+\.yaml)` \| `[0-9a-f]{40}` \| `([0-9a-f]{64})` \|$",
        (crd_dir / "README.md").read_text(),
        re.M,
    )
    assert len(rows) == 12
    for name, sha256 in rows:
        assert hashlib.sha256((crd_dir / name).read_bytes()).hexdigest() == sha256, name
    for licence in ("LICENSE-fluxcd", "LICENSE-argo-cd", "LICENSE-velero"):
        assert (crd_dir / licence).is_file(), licence
