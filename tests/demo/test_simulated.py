"""The simulated Flux of `up --demo-cluster`: a failure asked for with the word `fail`, until a retry
or a change without the word."""

from __future__ import annotations

from typing import Any

import pytest

from storefleet.renderer.profile import RenderProfile
from storefleet.renderer.spec import StoreSpec
from storefleet_demo.kube.applier import get_condition
from storefleet_demo.kube.cluster import KubeCluster
from storefleet_demo.kube.flux_double import HR_API, RESET_AT
from storefleet_demo.simulated import DemoFlux, trigger_in
from tests.kube.gitfleet import GitFleet

STORE = "st-abcdefgh23"
PROFILE = RenderProfile()


@pytest.mark.parametrize(
    ("values", "trigger"),
    [
        ({"store": {"name": "acme-shop"}}, None),
        ({"store": {"name": "fail-shop"}}, "name"),
        ({"store": {"name": "shop"}, "storefront": {"displayName": "Will FAIL"}}, "display name"),
        ({"store": {"name": "shop"}, "storefront": {"promoText": "failing sale"}}, "promo text"),
        ({"store": {"name": "shop"}, "storefront": {"logoUrl": "https://x/fail.png"}}, None),
    ],
)
def test_only_what_a_user_writes_triggers_a_failure(values: dict[str, Any], trigger: str | None) -> None:
    assert trigger_in(values) == trigger


def _commit(fleet: GitFleet, name: str, **fields: Any) -> None:
    spec = {"store_id": STORE, "tenant": "u-abcdefgh23", "name": name, "engine": "medusa", **fields}
    fleet.write_store(StoreSpec.model_validate(spec), PROFILE)
    fleet.commit()


def _settle(flux: DemoFlux) -> dict[str, Any]:
    """Passes until the release is ready or stalled (as the platform's loop runs them)."""
    for _ in range(10):
        flux.reconcile()
        release = flux.kube.get(HR_API, "HelmRelease", STORE, STORE)
        assert release is not None
        if any((get_condition(release, kind) or {}).get("status") == "True" for kind in ("Ready", "Stalled")):
            return release
    raise AssertionError("the release neither became ready nor stalled")


def _state(release: dict[str, Any]) -> str:
    return "ready" if (get_condition(release, "Ready") or {}).get("status") == "True" else "stalled"


def test_a_failing_name_stalls_the_install_until_a_retry(kube_api: KubeCluster, fleet: GitFleet) -> None:
    flux = DemoFlux(kube_api, fleet.bare)
    _commit(fleet, "fail-shop")
    stalled = _settle(flux)
    assert _state(stalled) == "stalled"
    ready = get_condition(stalled, "Ready")
    assert ready is not None and 'simulated failure: the store\'s name contains "fail"' in ready["message"]
    # the platform's retry: `flux reconcile helmrelease --reset`
    flux.kube.merge_patch(stalled, {"metadata": {"annotations": {RESET_AT: "retry-1"}}})
    assert _state(_settle(flux)) == "ready"


def test_a_failing_update_is_undone_by_a_change_without_the_word(
    kube_api: KubeCluster, fleet: GitFleet
) -> None:
    flux = DemoFlux(kube_api, fleet.bare)
    _commit(fleet, "acme-shop")
    assert _state(_settle(flux)) == "ready"
    _commit(fleet, "acme-shop", branding={"promo_text": "this will fail"})
    assert _state(_settle(flux)) == "stalled"
    _commit(fleet, "acme-shop")  # a rollback: the settings before
    released = _settle(flux)
    assert _state(released) == "ready"
    assert released["status"]["history"][0]["version"] == 2, "the failed upgrade left no release"
