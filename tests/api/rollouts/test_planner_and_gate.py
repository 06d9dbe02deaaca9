"""The pure parts of a rollout: its waves, its gate, its state table."""

from __future__ import annotations

import pytest

from storefleet.api.rollouts.change import ChangeKind, RolloutChange
from storefleet.api.rollouts.gate import (
    GateConfig,
    Verdict,
    WaveStore,
    WaveView,
    evaluate,
    failure_budget,
    moved_back,
)
from storefleet.api.rollouts.planner import PlanError, Step, parse_step, plan_waves
from storefleet.api.rollouts.states import ROLLOUT, RolloutAction, RolloutState, WaveState, next_state

IDS = [f"st-{n:010d}" for n in range(200)]


def sizes(waves: list[list[str]]) -> list[int]:
    return [len(w) for w in waves]


def test_percent_steps_are_cumulative_and_every_store_lands_in_exactly_one_wave() -> None:
    waves = plan_waves(IDS, [parse_step(s) for s in ("1%", "10%", "50%", "100%")], seed="ro-x")
    assert sizes(waves) == [2, 18, 80, 100]
    assert sorted(s for w in waves for s in w) == sorted(IDS)


def test_a_canary_comes_first_explicit_ids_before_anything_else() -> None:
    waves = plan_waves(IDS, [Step(percent=100)], seed="ro-x", canary_ids=[IDS[7], IDS[3]])
    assert waves[0] == [IDS[7], IDS[3]] and sizes(waves) == [2, 198]
    counted = plan_waves(IDS, [Step(count=10), Step(percent=100)], seed="ro-x", canary_count=5)
    assert sizes(counted) == [5, 10, 185]


def test_the_order_is_stable_for_a_seed_and_spread_otherwise() -> None:
    steps = [Step(percent=10), Step(percent=100)]
    assert plan_waves(IDS, steps, seed="ro-a") == plan_waves(list(reversed(IDS)), steps, seed="ro-a")
    assert plan_waves(IDS, steps, seed="ro-a")[0] != plan_waves(IDS, steps, seed="ro-b")[0]
    assert plan_waves(IDS, steps, seed="ro-a")[0] != IDS[:20]  # not the id order


def test_every_step_moves_at_least_one_store_and_none_is_empty() -> None:
    assert sizes(plan_waves(IDS[:3], [Step(percent=1), Step(percent=2), Step(percent=100)], seed="s")) == [
        1,
        1,
        1,
    ]
    assert sizes(plan_waves(IDS[:2], [Step(count=5), Step(percent=50), Step(percent=100)], seed="s")) == [2]


@pytest.mark.parametrize(
    ("steps", "code"),
    [(["10%", "50%"], "STEPS_INCOMPLETE"), (["100%", "5"], "STEPS_INCOMPLETE"), ([], "STEPS_INCOMPLETE")],
)
def test_waves_must_end_at_every_store(steps: list[str], code: str) -> None:
    with pytest.raises(PlanError) as caught:
        plan_waves(IDS, [parse_step(s) for s in steps], seed="s")
    assert caught.value.code == code


@pytest.mark.parametrize("text", ["0%", "101%", "0", "-3", "ten", "%"])
def test_a_bad_step_is_named(text: str) -> None:
    with pytest.raises(PlanError) as caught:
        parse_step(text)
    assert caught.value.code == "INVALID_STEPS"


def test_an_empty_selection_and_a_canary_outside_it_are_refused() -> None:
    with pytest.raises(PlanError, match="matches no store") as empty:
        plan_waves([], [Step(percent=100)], seed="s")
    assert empty.value.code == "EMPTY_SELECTION"
    with pytest.raises(PlanError) as outside:
        plan_waves(IDS[:5], [Step(percent=100)], seed="s", canary_ids=["st-zzzzzzzzzz"])
    assert outside.value.code == "CANARY_NOT_SELECTED"


def wave(state: WaveState = WaveState.GATING, budget: int = 0, committed: float | None = 5.0,
         ready: float | None = None) -> WaveView:  # fmt: skip
    return WaveView(2, state, budget, committed, ready)


def store(
    n: int, status: str = "ready", version: str | None = "0.3.0", error: str | None = None
) -> WaveStore:
    """A store of a wave moving stores to chart 0.3.0."""
    return WaveStore(f"st-{n:010d}", status, version == "0.3.0", error)


def test_the_gate_waits_while_stores_converge_and_passes_once_all_are_ready() -> None:
    converging = evaluate(wave(), [store(1), store(2, "updating")], GateConfig())
    assert converging.verdict is Verdict.WAIT and (converging.ready, converging.pending) == (1, 1)
    assert evaluate(wave(), [store(1), store(2)], GateConfig()).verdict is Verdict.PASS
    assert evaluate(wave(committed=None), [store(1)], GateConfig()).verdict is Verdict.WAIT


def test_a_ready_store_counts_only_at_the_waves_version() -> None:
    # ready, but still at the old version (its spec was taken back): not this wave's success
    result = evaluate(wave(), [store(1), store(2, "ready", None)], GateConfig())
    assert result.verdict is Verdict.PASS and result.ready == 1
    assert moved_back([store(1), store(2, "ready", None), store(3, "deleted", None)]) == [
        store(2, "ready", None)
    ]


def test_failures_beyond_the_budget_fail_the_gate_naming_the_stores() -> None:
    stores = [store(1, "failed", error="Stalled: RetriesExceeded"), store(2), store(3, "updating")]
    failed = evaluate(wave(budget=0), stores, GateConfig())
    assert failed.verdict is Verdict.FAIL and failed.failing == (
        ("st-0000000001", "Stalled: RetriesExceeded"),
    )
    within = evaluate(wave(budget=1), stores, GateConfig())
    assert within.verdict is Verdict.WAIT  # one failure is allowed; the third store is still converging


def test_a_wave_times_out_like_a_store() -> None:
    late = evaluate(wave(committed=601), [store(1), store(2, "updating")], GateConfig(timeout_s=600))
    assert late.verdict is Verdict.FAIL and late.failing[0][0] == "st-0000000002"
    assert "not ready" in late.failing[0][1]


def test_soak_then_probe_then_pass() -> None:
    config = GateConfig(soak_s=60, probe_path="/healthz")
    assert evaluate(wave(), [store(1)], config).verdict is Verdict.SOAK
    assert evaluate(wave(WaveState.SOAKING, ready=30), [store(1)], config).verdict is Verdict.WAIT
    assert evaluate(wave(WaveState.SOAKING, ready=61), [store(1)], config).verdict is Verdict.PROBE
    probed = evaluate(wave(WaveState.SOAKING, ready=61), [store(1)], config, {})
    assert probed.verdict is Verdict.PASS
    broken = evaluate(wave(WaveState.SOAKING, ready=61), [store(1)], config, {"st-0000000001": "HTTP 502"})
    assert broken.verdict is Verdict.FAIL and broken.failing == (("st-0000000001", "HTTP 502"),)


def test_a_failure_during_the_soak_fails_the_gate() -> None:
    soaking = wave(WaveState.SOAKING, ready=10)
    assert evaluate(soaking, [store(1, "failed"), store(2)], GateConfig(soak_s=60)).verdict is Verdict.FAIL


def test_the_failure_budget() -> None:
    assert (
        failure_budget(8, None, 5) == 0 and failure_budget(100, None, 5) == 5 and failure_budget(8, 2, 5) == 2
    )


def test_the_state_table() -> None:
    assert next_state(RolloutState.RUNNING, RolloutAction.GATE_FAILED) is RolloutState.ROLLED_BACK
    assert next_state(RolloutState.ROLLED_BACK, RolloutAction.RETRY) is RolloutState.RUNNING
    assert next_state(RolloutState.SUCCEEDED, RolloutAction.ABORT) is None
    assert next_state(RolloutState.ABORTED, RolloutAction.RESUME) is None
    assert set(ROLLOUT) == set(RolloutState)


def test_a_values_patch_merges_into_each_stores_own_patch_and_is_reached_once_contained() -> None:
    change = RolloutChange(ChangeKind.VALUES_PATCH, {"redis": {"enabled": True}, "setup": None})
    assert change.value_for(None) == {"redis": {"enabled": True}}
    mine = {"resources": {"limits": {"memory": "1Gi"}}, "setup": {"x": 1}}
    assert change.value_for(mine) == {"resources": {"limits": {"memory": "1Gi"}}, "redis": {"enabled": True}}
    assert change.reached(change.value_for(mine)) and not change.reached(mine)
    assert not change.reached(None)
    dropping = RolloutChange(ChangeKind.VALUES_PATCH, {"redis": None})
    assert dropping.value_for({"redis": {"enabled": True}}) is None  # nothing left: no patch
    assert dropping.reached(None) and dropping.reached({"other": 1})
    assert RolloutChange(ChangeKind.CHART_VERSION, "0.3.0").value_for("0.2.0") == "0.3.0"


def test_a_change_names_itself_in_messages_and_trailers() -> None:
    chart = RolloutChange(ChangeKind.CHART_VERSION, "0.3.0")
    assert chart.describe_target() == "chart 0.3.0" and chart.trailer == ("Chart-Version", "0.3.0")
    image = RolloutChange(ChangeKind.IMAGE_TAG, "6.7.2")
    assert image.describe_target() == "image 6.7.2" and image.trailer == ("Image-Tag", "6.7.2")
    patch = RolloutChange(ChangeKind.VALUES_PATCH, {"b": 1, "a": {"c": 2}})
    same = RolloutChange(ChangeKind.VALUES_PATCH, {"a": {"c": 2}, "b": 1})
    assert patch.trailer == same.trailer and patch.seed == same.seed  # by content, not key order
    assert patch.trailer[0] == "Values-Patch" and len(patch.trailer[1]) == 12
    assert chart.seed == "0.3.0"  # a chart rollout's waves are shuffled by its version, as before


def test_a_store_that_degrades_during_the_soak_counts_against_the_budget() -> None:
    stores = [store(1), store(2, "degraded", error="Argo CD: degraded: CrashLoopBackOff")]
    result = evaluate(wave(state=WaveState.SOAKING, budget=0, ready=1.0), stores, GateConfig(soak_s=60))
    assert result.verdict is Verdict.FAIL and result.failing == (
        ("st-0000000002", "Argo CD: degraded: CrashLoopBackOff"),
    )
