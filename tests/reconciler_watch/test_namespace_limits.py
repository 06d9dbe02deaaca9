"""The post-install check of a store's namespace limits (seed 000), as pure rules: which objects the
chart creates for a spec, and what `decide` makes of the namespace at install."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from storefleet.api.domain.lifecycle import StoreStatus as S
from storefleet.reconciler_watch.decide import StartSetup, Timeouts, decide
from storefleet.reconciler_watch.namespace_limits import (
    LIMIT_RANGE,
    LIMITS_UNREAD,
    QUOTA,
    NamespaceLimits,
    expected_limits,
    missing_limits,
)
from storefleet.reconciler_watch.observed import Observed, SetupJob
from storefleet.reconciler_watch.setup_job import setup_job_name
from tests.reconciler_watch.test_decide import NOW, STORE, argo, flux, rdy

BOTH = (QUOTA, LIMIT_RANGE)
INSTALL = replace(STORE, setup_done_key=None, limits_expected=BOTH)
HEALTHY = flux(rdy("True"))


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ({}, BOTH),
        (None, BOTH),
        ({"values_patch": {"quota": {"enabled": False}}}, (LIMIT_RANGE,)),
        ({"values_patch": {"limitRange": {"enabled": False}}}, (QUOTA,)),
        ({"values_patch": {"quota": {"enabled": False}, "limitRange": {"enabled": False}}}, ()),
        ({"values_patch": {"quota": {"enabled": None}}}, BOTH),  # null: the chart's default again
        ({"values_patch": {"quota": None}}, BOTH),
        ({"values_patch": {"wordpress": {"image": {"tag": "6.8"}}}}, BOTH),
    ],
)
def test_the_chart_creates_both_unless_a_values_patch_turns_one_off(
    spec: dict[str, object] | None, expected: tuple[str, ...]
) -> None:
    assert expected_limits(spec) == expected


def test_the_message_names_what_is_missing() -> None:
    quota_only = NamespaceLimits(quota=False, limit_range=True)
    assert missing_limits(quota_only, BOTH) == (
        "the store's namespace has no ResourceQuota: a store without its plan's limits could starve"
        " its neighbours"
    )
    assert missing_limits(NamespaceLimits(False, False), BOTH) == (
        "the store's namespace has no ResourceQuota and no LimitRange: a store without its plan's"
        " limits could starve its neighbours"
    )
    assert missing_limits(NamespaceLimits(True, False), (QUOTA,)) is None
    assert missing_limits(NamespaceLimits(True, True), BOTH) is None


def judge(found: NamespaceLimits | None, store=INSTALL, applier=HEALTHY, **kw):  # type: ignore[no-untyped-def]
    return decide(Observed(now=NOW, applier=applier, namespace_limits=found, **kw), store)


@pytest.mark.parametrize("applier", [HEALTHY, argo()], ids=["flux", "argocd"])
def test_a_healthy_install_asks_for_its_limits_before_the_setup_job(applier: object) -> None:
    asked = judge(None, applier=applier)
    assert asked is not None and asked.reason == LIMITS_UNREAD
    assert asked.status is None and not asked.actions  # no setup Job until they were read


@pytest.mark.parametrize("found", [NamespaceLimits(False, True), NamespaceLimits(True, False)])
def test_a_missing_quota_or_limit_range_fails_the_install_instead_of_its_setup(
    found: NamespaceLimits,
) -> None:
    failed = judge(found)
    assert failed is not None and failed.status is S.FAILED and failed.reason == "limits_missing"
    assert failed.error == failed.message and "starve its neighbours" in failed.message
    assert not failed.actions


def test_with_both_the_setup_starts_as_before() -> None:
    started = judge(NamespaceLimits(True, True))
    assert started is not None and started.status is None
    assert [type(a) for a in started.actions] == [StartSetup]


def test_a_limit_the_values_turned_off_is_not_asked_for() -> None:
    store = replace(INSTALL, limits_expected=(LIMIT_RANGE,))
    started = judge(NamespaceLimits(quota=False, limit_range=True), store=store)
    assert started is not None and [type(a) for a in started.actions] == [StartSetup]
    nothing = replace(INSTALL, limits_expected=())
    unread = judge(None, store=nothing)
    assert unread is not None and [type(a) for a in unread.actions] == [StartSetup]


def test_only_at_install_not_at_an_update() -> None:
    update = replace(INSTALL, status=S.UPDATING)
    started = judge(None, store=update)
    assert started is not None and [type(a) for a in started.actions] == [StartSetup]


def test_not_again_once_the_setup_job_exists() -> None:
    job = SetupJob(setup_job_name(INSTALL), succeeded=False, failed=False)
    running = judge(None, setup_job=job)
    assert running is not None and running.reason == "setup_running"


def test_an_install_not_yet_healthy_reads_nothing() -> None:
    working = judge(None, applier=flux(rdy("Unknown")))
    assert working is not None and working.reason != LIMITS_UNREAD


def test_limits_never_readable_end_at_the_provisioning_timeout() -> None:
    late = replace(INSTALL, since=NOW - timedelta(minutes=11))
    failed = decide(Observed(now=NOW, applier=HEALTHY), late, Timeouts())
    assert failed is not None and failed.status is S.FAILED and failed.reason == "timeout"
    assert "ResourceQuota and LimitRange" in failed.message
