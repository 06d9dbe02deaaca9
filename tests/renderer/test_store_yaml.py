"""store.yaml: rendered from the StoreSpec, parsed back by parse_store_yaml, with clear errors."""

from __future__ import annotations

from typing import Any

import pytest

from storefleet.renderer.manifests import StoreYamlError, parse_store_yaml, render_store
from storefleet.renderer.profile import GitOpsEngine, RenderProfile
from storefleet.renderer.spec import StoreSpec

VALID = (
    b"api_version: storefleet.io/v1\nengine: medusa\nname: acme\nplan: large\n"
    b"store_id: st-abcdefgh23\ntenant: u-abcdefgh23\n"
)


@pytest.mark.parametrize("engine", ["flux", "argocd"])
@pytest.mark.parametrize(
    "fields",
    [
        {"engine": "woocommerce"},
        {"engine": "woocommerce", "theme": "astra", "plan": "large"},
        {"engine": "medusa", "plan": "medium"},
    ],
)
def test_round_trip(make_spec: Any, engine: str, fields: dict[str, str]) -> None:
    spec: StoreSpec = make_spec(**fields)
    profile = RenderProfile(gitops_engine=GitOpsEngine(engine))
    data = render_store(spec, profile)["store.yaml"]
    parsed = parse_store_yaml(data)
    assert parsed == spec and parsed.spec_hash == spec.spec_hash
    assert render_store(parsed, profile)["store.yaml"] == data


def test_store_yaml_is_commented_and_not_a_kubernetes_object(make_spec: Any) -> None:
    text = render_store(make_spec(engine="medusa"), RenderProfile())["store.yaml"].decode()
    assert text.startswith("# storefleet StoreSpec")
    assert "apiVersion" not in text and "kind:" not in text
    assert "theme" not in text  # None fields are left out; the parser restores them


def test_a_hand_written_file_parses() -> None:
    spec = parse_store_yaml(VALID)
    assert (spec.engine.value, spec.plan.value, spec.theme) == ("medusa", "large", None)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xff\xfe", "not UTF-8"),
        (b"engine: [medusa\n", "not valid YAML"),
        (VALID + b"name: again\n", "not valid YAML"),  # duplicate key
        (VALID + b"---\nname: x\n", "not valid YAML"),  # two documents
        (b"", "must be a mapping, not NoneType"),
        (b"- a\n- b\n", "must be a mapping, not list"),
        (VALID + b"password: hunter2\n", "password: Extra inputs are not permitted"),
        (VALID.replace(b"medusa", b"magento"), "engine"),
        (VALID.replace(b"storefleet.io/v1", b"storefleet.io/v2"), "api_version"),
        (VALID + b"theme: astra\n", "WooCommerce stores only"),
        (VALID.replace(b"name: acme", b"name: Acme Shop"), "name 'Acme Shop' is not a DNS-1123 label"),
        (VALID.replace(b"tenant: u-abcdefgh23", b"tenant: 42"), "tenant"),
        (VALID.replace(b"store_id: st-abcdefgh23\n", b""), "store_id: Field required"),
    ],
)
def test_errors_say_what_is_wrong(data: bytes, message: str) -> None:
    with pytest.raises(StoreYamlError, match=message):
        parse_store_yaml(data)


def test_the_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match=r"store\.yaml"):
        parse_store_yaml(b"[]")
