"""store_host: a valid DNS name, unique across tenants, first label at most 63 characters."""

from __future__ import annotations

from typing import Any

import pytest

from storefleet.renderer.manifests import RenderError, store_host
from storefleet.renderer.names import is_dns_label, is_dns_subdomain
from storefleet.renderer.profile import ProfileError, RenderProfile

LOCAL = RenderProfile()


def test_name_then_id_suffix_under_the_domain(make_spec: Any) -> None:
    assert store_host(make_spec(), LOCAL) == "acme-shop-abcdefgh23.localhost"
    assert store_host(make_spec(), RenderProfile(domain="shops.example.com")) == (
        "acme-shop-abcdefgh23.shops.example.com"
    )


def test_same_name_for_two_tenants_gives_two_hosts(make_spec: Any) -> None:
    first = make_spec(store_id="st-aaaaaaaaaa", tenant="u-aaaaaaaaaa")
    second = make_spec(store_id="st-bbbbbbbbbb", tenant="u-bbbbbbbbbb")
    assert first.name == second.name
    assert store_host(first, LOCAL) != store_host(second, LOCAL)


@pytest.mark.parametrize("length", [3, 51, 52, 53, 62, 63])
def test_first_label_never_exceeds_63_and_keeps_the_whole_id_suffix(make_spec: Any, length: int) -> None:
    name = ("ab" * 40)[:length]
    host = store_host(make_spec(name=name), LOCAL)
    label = host.split(".")[0]
    assert len(label) <= 63 and is_dns_label(label)
    assert label.endswith("-abcdefgh23")
    assert label.startswith(name[:52])
    assert is_dns_subdomain(host)


def test_a_63_character_name_is_cut_to_exactly_63(make_spec: Any) -> None:
    label = store_host(make_spec(name="a" * 63), LOCAL).split(".")[0]
    assert label == "a" * 52 + "-abcdefgh23" and len(label) == 63


def test_a_cut_that_ends_in_a_hyphen_drops_the_hyphen(make_spec: Any) -> None:
    name = "a" * 51 + "-bcdef"  # cut at 52 characters ends with '-'
    label = store_host(make_spec(name=name), LOCAL).split(".")[0]
    assert label == "a" * 51 + "-abcdefgh23"
    assert "--" not in label


def test_distinct_long_names_of_one_tenant_still_differ_by_id(make_spec: Any) -> None:
    a = make_spec(name="x" * 60 + "aaa", store_id="st-aaaaaaaaaa")
    b = make_spec(name="x" * 60 + "bbb", store_id="st-bbbbbbbbbb")
    assert store_host(a, LOCAL) != store_host(b, LOCAL)


def test_a_domain_that_makes_the_host_too_long_is_refused(make_spec: Any) -> None:
    domain = ".".join(["d" * 60] * 3) + ".example"  # 191 characters: valid alone, too long with a 63 label
    profile = RenderProfile(domain=domain)
    with pytest.raises(RenderError, match="not a valid DNS name"):
        store_host(make_spec(name="a" * 63), profile)
    assert is_dns_subdomain(store_host(make_spec(name="abc"), profile))


@pytest.mark.parametrize(
    "domain", ["", "Shop.Example", "exa_mple.com", "-bad.com", "a..b", "x" * 64 + ".com"]
)
def test_an_invalid_domain_is_refused_by_the_profile(domain: str) -> None:
    with pytest.raises(ProfileError, match="domain"):
        RenderProfile(domain=domain)


@pytest.mark.parametrize(
    ("field", "value"), [("name", "Acme"), ("name", "a" * 64), ("store_id", "st_bad"), ("tenant", "u.x")]
)
def test_identity_that_is_not_a_dns_label_is_refused(make_spec: Any, field: str, value: str) -> None:
    with pytest.raises(RenderError, match=field):
        store_host(make_spec(**{field: value}), LOCAL)


def test_an_id_without_the_st_prefix_or_too_long_for_a_name_still_gives_a_valid_host(make_spec: Any) -> None:
    assert store_host(make_spec(store_id="shop42"), LOCAL) == "acme-shop-shop42.localhost"
    long_id = "x" * 62
    assert store_host(make_spec(store_id=long_id), LOCAL) == f"{long_id}.localhost"
