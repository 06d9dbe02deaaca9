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


def test_a_spec_older_than_templates_keeps_its_document_and_hash() -> None:
    # The hash every store carried before templates and branding existed (sha256 of its canonical JSON).
    old = _spec()
    assert "template" not in old.to_document() and "branding" not in old.to_document()
    assert old.catalogue.value == "classic"
    assert old.spec_hash == "{}".format(
        __import__("hashlib")
        .sha256(
            b'{"api_version":"storefleet.io/v1","engine":"woocommerce","name":"acme","plan":"small",'
            b'"store_id":"st-abcdefgh23","tenant":"u-abcdefgh23","theme":"storefront"}'
        )
        .hexdigest()
    )
    assert _spec(template="classic").spec_hash != old.spec_hash  # spelled out in new stores' specs


def test_branding_is_medusa_only_and_an_empty_one_is_none() -> None:
    with pytest.raises(ValidationError, match="Medusa stores only"):
        _spec(branding={"primary_color": "#112233"})
    assert _spec(engine="medusa", branding={}).branding is None
    branded = _spec(engine="medusa", branding={"display_name": " Harbor & Pine ", "accent_color": "#AABBCC"})
    assert branded.to_document()["branding"] == {"display_name": "Harbor & Pine", "accent_color": "#AABBCC"}


@pytest.mark.parametrize(
    "branding",
    [
        {"primary_color": "blue"},
        {"primary_color": "#12345"},
        {"logo_url": "javascript:alert(1)"},
        {"logo_url": 'https://x.example/a"onload="x'},
        {"display_name": ""},
        {"display_name": "x" * 61},
        {"display_name": "two\nlines"},
        {"promo_text": "x" * 121},
        {"promo_text": "tab\there"},
        {"newsletter_url": "mailto:owner@example.com"},
        {"colour": "#112233"},
    ],
)
def test_bad_branding_is_refused(branding: dict[str, str]) -> None:
    with pytest.raises(ValidationError):
        _spec(engine="medusa", branding=branding)


def test_unknown_template_is_refused() -> None:
    with pytest.raises(ValidationError, match="classic"):
        _spec(template="garden")
