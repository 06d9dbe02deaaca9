"""Placement's choice (pure): which clusters a request may land on, which one each policy picks,
and why none does."""

from __future__ import annotations

import pytest

from storefleet.api.clusters.capacity import Limits, Use, plan_requests
from storefleet.api.clusters.placement import (
    Candidate,
    PlacementPolicy,
    Refusal,
    Wanted,
    choose,
    fits,
    matching,
    needs_use,
)
from storefleet.renderer.spec import Plan

NONE = Limits(None, None, None)
SMALL = Wanted(Plan.SMALL)


def cluster(name: str, *, state: str = "active", limits: Limits = NONE, stores: int = 0, mine: int = 0,
            region: str | None = "eu", labels: dict[str, str] | None = None) -> Candidate:  # fmt: skip
    cpu, memory = plan_requests(Plan.SMALL)
    use = Use(stores, cpu * stores, memory * stores)
    return Candidate(f"cl-{name}", name, region, labels or {}, state, limits, use, mine)


def test_a_named_cluster_is_the_only_candidate_and_an_unknown_name_is_refused() -> None:
    clusters = [cluster("a"), cluster("b")]
    assert matching(Wanted(Plan.SMALL, cluster="b"), clusters) == [clusters[1]]
    refused = matching(Wanted(Plan.SMALL, cluster="zz"), clusters)
    assert isinstance(refused, Refusal) and refused.kind == "unknown" and "'zz'" in refused.message


def test_region_and_labels_narrow_the_candidates() -> None:
    clusters = [cluster("a", labels={"tier": "gold"}), cluster("b", region="us", labels={"tier": "gold"}),
                cluster("c", labels={"tier": "basic"})]  # fmt: skip
    assert matching(Wanted(Plan.SMALL, region="eu", labels={"tier": "gold"}), clusters) == [clusters[0]]
    refused = matching(Wanted(Plan.SMALL, region="ap"), clusters)
    assert isinstance(refused, Refusal) and refused.kind == "unmatched" and "region 'ap'" in refused.message


def test_least_loaded_weighs_the_fullest_limit_and_counts_no_limit_as_empty() -> None:
    half = cluster("a", limits=Limits(10, None, None), stores=5)
    tenth = cluster("b", limits=Limits(10, None, None), stores=1)
    assert choose(SMALL, [half, tenth], PlacementPolicy.LEAST_LOADED) == tenth
    unlimited = cluster("c", stores=50)
    assert choose(SMALL, [half, tenth, unlimited], PlacementPolicy.LEAST_LOADED) == unlimited
    # equal load: fewer stores, then the name
    assert (
        choose(SMALL, [cluster("z", stores=1), cluster("y", stores=2)], PlacementPolicy.LEAST_LOADED).name
        == "z"
    )
    assert choose(SMALL, [cluster("z"), cluster("y")], PlacementPolicy.LEAST_LOADED).name == "y"


def test_spread_picks_the_cluster_with_the_fewest_stores_of_the_tenant() -> None:
    crowded = cluster("a", mine=3)
    quiet = cluster("b", stores=40, mine=0)
    assert choose(SMALL, [crowded, quiet], PlacementPolicy.SPREAD) == quiet
    assert choose(SMALL, [crowded, quiet], PlacementPolicy.LEAST_LOADED) == crowded


def test_cordoned_and_draining_clusters_take_no_store() -> None:
    clusters = [
        cluster("a", state="cordoned"),
        cluster("b", state="draining", stores=0),
        cluster("c", stores=9),
    ]
    assert choose(SMALL, clusters, PlacementPolicy.LEAST_LOADED).name == "c"
    named = choose(Wanted(Plan.SMALL, cluster="a"), [clusters[0]], PlacementPolicy.LEAST_LOADED)
    assert isinstance(named, Refusal) and named.kind == "not_active" and "cordoned" in named.message
    none_left = choose(SMALL, clusters[:2], PlacementPolicy.LEAST_LOADED)
    assert isinstance(none_left, Refusal) and none_left.kind == "full"


def test_a_cluster_is_full_for_a_plan_its_cpu_or_memory_cannot_hold() -> None:
    cpu, memory = plan_requests(Plan.LARGE)
    room_for_small = cluster("a", limits=Limits(None, cpu - 0.001, None))
    assert fits(room_for_small, Plan.SMALL) and not fits(room_for_small, Plan.LARGE)
    refused = choose(Wanted(Plan.LARGE, cluster="a"), [room_for_small], PlacementPolicy.LEAST_LOADED)
    assert isinstance(refused, Refusal) and refused.kind == "full" and "large" in refused.message
    assert not fits(cluster("b", limits=Limits(3, None, None), stores=3), Plan.SMALL)
    assert fits(cluster("c", limits=Limits(None, None, memory)), Plan.LARGE)


@pytest.mark.parametrize(
    ("clusters", "counted"),
    [
        ([cluster("a")], False),  # one active cluster without limits: nothing to weigh
        ([cluster("a"), cluster("b", state="cordoned")], False),
        ([cluster("a"), cluster("b")], True),
        ([cluster("a", limits=Limits(5, None, None))], True),
    ],
)
def test_stores_are_counted_only_when_the_choice_depends_on_them(
    clusters: list[Candidate], counted: bool
) -> None:
    assert needs_use(clusters) is counted
