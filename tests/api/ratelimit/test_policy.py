"""The pure policy: which limits a route counts against, and the headers an answer carries."""

from __future__ import annotations

import pytest

from storefleet.api.ratelimit.policy import (
    ApiLimits,
    Quota,
    RouteClass,
    Usage,
    Verdict,
    client_key,
    route_classes,
)

READS, WRITES, CREATION = RouteClass.READS, RouteClass.WRITES, RouteClass.STORE_CREATION


@pytest.mark.parametrize(
    ("method", "route", "classes"),
    [
        ("GET", "/api/v1/stores", (READS,)),
        ("HEAD", "/api/v1/stores/{store_id}", (READS,)),
        ("POST", "/api/v1/stores", (WRITES, CREATION)),
        ("POST", "/api/v1/stores/{store_id}/retry", (WRITES,)),
        ("PATCH", "/api/v1/stores/{store_id}", (WRITES,)),
        ("DELETE", "/api/v1/stores/{store_id}", (WRITES,)),
        ("POST", "/api/v1/auth/login", (WRITES,)),
        ("GET", "/api/v1/health", ()),
        ("GET", "/api/v1/health/ready", ()),
        ("GET", "/api/v1/metrics", ()),
        ("POST", "/api/v1/webhooks/git", ()),
        ("POST", "/api/v1/webhooks/github", ()),
        ("GET", "/health/live", ()),
        ("GET", "/git/fleet.git/{path:path}", ()),
        ("POST", "/git/fleet.git/{path:path}", ()),
        ("GET", "/{path:path}", ()),
    ],
)
def test_route_classes(method: str, route: str, classes: tuple[RouteClass, ...]) -> None:
    assert route_classes(method, route) == classes


def test_a_class_at_zero_is_not_applied() -> None:
    limits = ApiLimits(reads=Quota(10, 60), writes=Quota(0, 60), store_creation=Quota(3, 3600))
    assert limits.applying("POST", "/api/v1/stores") == ((CREATION, Quota(3, 3600)),)
    assert limits.applying("DELETE", "/api/v1/stores/{store_id}") == ()
    assert limits.any_on
    assert not ApiLimits(Quota(0, 60), Quota(0, 60), Quota(0, 3600)).any_on


def test_the_client_is_the_user_when_signed_in_else_the_address() -> None:
    assert client_key("u-abc", "203.0.113.5") == "user:u-abc"
    assert client_key(None, "203.0.113.5") == "ip:203.0.113.5"
    assert client_key(None, None) == "ip:unknown"


def test_headers_describe_the_limit_closest_to_exhaustion_and_list_every_policy() -> None:
    writes = Usage(WRITES, Quota(120, 60), hits=10, reset_s=40)
    creations = Usage(CREATION, Quota(30, 3600), hits=29, reset_s=3000)
    verdict = Verdict((writes, creations))
    assert dict(verdict.headers()) == {
        b"ratelimit-limit": b"30",
        b"ratelimit-remaining": b"1",
        b"ratelimit-reset": b"3000",
        b"ratelimit-policy": b"120;w=60, 30;w=3600",
    }
    assert not verdict.refused_by


def test_a_refusal_waits_for_every_exceeded_window() -> None:
    writes = Usage(WRITES, Quota(2, 60), hits=3, reset_s=40)
    creations = Usage(CREATION, Quota(1, 3600), hits=2, reset_s=3000)
    assert Verdict((writes, creations)).retry_after_s == 3000
    assert Verdict((writes, Usage(CREATION, Quota(5, 3600), hits=2, reset_s=3000))).retry_after_s == 40
    assert writes.remaining == 0 and writes.exceeded


def test_remaining_never_goes_below_zero_and_ties_report_the_later_reset() -> None:
    first = Usage(READS, Quota(5, 60), hits=9, reset_s=10)
    second = Usage(WRITES, Quota(5, 60), hits=7, reset_s=50)
    assert first.remaining == 0
    assert Verdict((first, second)).nearest() is second
