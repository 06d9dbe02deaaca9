"""A rollout's values patch and image tag in a store's spec and its chart values (pure)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from storefleet.renderer.manifests import render_store
from storefleet.renderer.profile import GitOpsEngine, RenderProfile
from storefleet.renderer.spec import Engine, StoreSpec
from storefleet.renderer.validate import load_yaml_documents, validate_manifest
from storefleet.renderer.values import chart_values
from storefleet.renderer.values_patch import merge_patch, patch_problems


def spec(engine: Engine = Engine.WOOCOMMERCE, **fields: object) -> StoreSpec:
    return StoreSpec.model_validate(
        {"store_id": "st-aaaaaaaaaa", "tenant": "u-aaaaaaaaaa", "name": "shop", "engine": engine, **fields}
    )


def test_merge_patch_follows_rfc_7386() -> None:
    target = {"a": {"b": 1, "c": 2}, "d": [1, 2], "e": "x"}
    patch = {"a": {"b": None, "f": 3}, "d": [3], "e": {"g": 1}}
    assert merge_patch(target, patch) == {"a": {"c": 2, "f": 3}, "d": [3], "e": {"g": 1}}
    assert target == {"a": {"b": 1, "c": 2}, "d": [1, 2], "e": "x"}  # neither input changes
    assert merge_patch({}, {"gone": None}) == {}


@pytest.mark.parametrize(
    ("patch", "problem"),
    [
        ({"store": {"id": "x"}}, "store: set by the store's spec"),
        ({"plan": "large"}, "plan: set by the store's spec"),
        ({"ingress": {"host": "other.example.com"}}, "ingress.host: set by the platform"),
        ({"medusa": {"env": {"JWT_SECRET": "x"}}}, "medusa.env.JWT_SECRET: looks like secret material"),
        ({"mariadb": {"auth": {"rootPassword": "x"}}}, "mariadb.auth.rootPassword: looks like secret"),
        ({"x": "y" * 9000}, "larger than 8192 bytes"),
        ({"a": {"b": {"c": {"d": {"e": {"f": {"g": {"h": {"i": 1}}}}}}}}}, "nested deeper than 8 levels"),
    ],
)
def test_a_patch_never_sets_what_the_store_owns_or_secret_material(patch: dict, problem: str) -> None:
    problems = patch_problems(patch)
    assert any(problem in p for p in problems), problems
    with pytest.raises(ValidationError, match="values_patch"):
        spec(values_patch=patch)


def test_the_image_tag_and_patch_reach_the_values_last_and_are_omitted_when_unset() -> None:
    plain = spec()
    assert "image_tag" not in plain.to_document() and "values_patch" not in plain.to_document()
    assert spec(values_patch={}).values_patch is None  # an empty patch is no patch: same hash
    assert spec(values_patch={}).spec_hash == plain.spec_hash
    profile = RenderProfile(gitops_engine=GitOpsEngine.FLUX)
    patched = spec(
        image_tag="6.7.2-php8.2-apache",
        values_patch={
            "resources": {"limits": {"memory": "1Gi"}},
            "wordpress": {"image": {"pullPolicy": "Always"}},
        },
    )
    values = chart_values(patched, profile, "shop.example.com")
    assert values["wordpress"] == {"image": {"tag": "6.7.2-php8.2-apache", "pullPolicy": "Always"}}
    assert values["resources"]["limits"] == {"cpu": "500m", "memory": "1Gi"}
    medusa = chart_values(spec(Engine.MEDUSA, image_tag="0.3.0"), profile, "shop.example.com")
    assert medusa["medusa"] == {"image": {"tag": "0.3.0"}} and "wordpress" not in medusa
    with pytest.raises(ValidationError):
        spec(image_tag="not a tag")


@pytest.mark.parametrize("engine", [GitOpsEngine.FLUX, GitOpsEngine.ARGOCD])
def test_a_patched_store_still_renders_objects_its_applier_accepts(
    engine: GitOpsEngine, crd_dir: Path
) -> None:
    """`values` (Flux) and `valuesObject` (Argo CD) are free-form in the CRDs: the chart's schema is
    the patch's check, and the objects around it stay valid."""
    patched = spec(image_tag="6.7.2", values_patch={"redis": {"enabled": True}})
    rendered = render_store(patched, RenderProfile(gitops_engine=engine))
    kinds = {"HelmRelease", "Application"}
    objects = [doc for data in rendered.values() for doc in load_yaml_documents(data) if doc]
    checked = [obj for obj in objects if obj.get("kind") in kinds]
    assert len(checked) == 1 and validate_manifest(checked[0], crd_dir) == []
