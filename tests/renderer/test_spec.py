from __future__ import annotations

import pytest
from pydantic import ValidationError

from storefleet.renderer.spec import Engine, Plan, StoreSpec, Theme


def _spec(**overrides: object) -> StoreSpec:
    fields: dict[str, object] = {
        "store_id": "st-abcdefgh23",
        "tenant": "u-abcdefgh23",
        "name": "acme",
        "engine": "woocommerce",
    }
    return StoreSpec.model_validate({**fields, **overrides})


def test_woocommerce_defaults_theme_and_plan() -> None:
    spec = _spec()
    assert spec.theme is Theme.STOREFRONT and spec.plan is Plan.SMALL
    assert spec.to_document()["api_version"] == "storefleet.io/v1"


def test_medusa_has_no_theme() -> None:
    assert _spec(engine="medusa").theme is None
    with pytest.raises(ValidationError, match="WooCommerce stores only"):
        _spec(engine="medusa", theme="astra")


def test_hash_is_stable_and_changes_with_content() -> None:
    assert _spec().spec_hash == _spec().spec_hash
    assert _spec(theme="storefront").spec_hash == _spec().spec_hash  # the default, spelled out
    assert _spec(plan="large").spec_hash != _spec().spec_hash
    assert _spec(engine=Engine.MEDUSA).spec_hash != _spec().spec_hash
    assert len(_spec().spec_hash) == 64


def test_unknown_fields_are_refused() -> None:
    with pytest.raises(ValidationError):
        _spec(password="hunter2")
