from __future__ import annotations

import pytest

from storefleet.api.stores.names import StoreNameError, validate_store_name


@pytest.mark.parametrize(
    "name",
    ["abc", "acme-shop", "shop1", "1shop", "a1-b2-c3", "a" * 63, "glass-house", "classic-tees",
     "cucumber-market", "canal-store", "grapes", "dickens-books", "peacock"],
)  # fmt: skip
def test_accepts_good_names(name: str) -> None:
    assert validate_store_name(name) == name


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("ab", "name_length"),
        ("", "name_length"),
        ("x" * 64, "name_length"),
        ("Acme", "name_format"),
        ("-shop", "name_format"),
        ("shop-", "name_format"),
        ("my_shop", "name_format"),
        ("my.shop", "name_format"),
        ("my shop", "name_format"),
        ("shöp", "name_format"),
        ("my--shop", "name_format"),
        ("admin", "name_reserved"),
        ("api", "name_reserved"),
        ("www", "name_reserved"),
        ("kubernetes", "name_reserved"),
        ("default", "name_reserved"),
        ("kube-system", "name_reserved"),
        ("store", "name_reserved"),
        ("login", "name_reserved"),
        ("kube-anything", "name_reserved"),
        ("flux-system", "name_reserved"),
        ("fuck", "name_not_allowed"),
        ("fuckshop", "name_not_allowed"),
        ("my-shit-store", "name_not_allowed"),
        ("sh1t-store", "name_not_allowed"),
        ("f-u-c-k-shop", "name_not_allowed"),
        ("porn-hub", "name_not_allowed"),
    ],
)
def test_rejects_bad_names_with_the_rule_broken(name: str, code: str) -> None:
    with pytest.raises(StoreNameError) as excinfo:
        validate_store_name(name)
    assert excinfo.value.code == code
    assert str(excinfo.value)


def test_extra_reserved_names_from_settings() -> None:
    with pytest.raises(StoreNameError) as excinfo:
        validate_store_name("billing", frozenset({"billing"}))
    assert excinfo.value.code == "name_reserved"
    assert validate_store_name("billing") == "billing"
