"""decide() for a running store whose container crash-loops (pure): degraded with the container named,
the applier's own reason first, damped while the container runs between crashes, ready again once it
ran a whole window; threshold 0 turns it off; and the pod cache and the applier's cache, whose events
come in no order, are each judged alone."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from storefleet.api.domain.lifecycle import Event
from storefleet.api.domain.lifecycle import StoreStatus as S
from storefleet.reconciler_watch.decide import Decision, StoreView, decide, observed_event
from storefleet.reconciler_watch.observed import ArgoApp, Condition, FluxRelease, Observed
from storefleet.reconciler_watch.pod_health import ContainerCrash, CrashLoopRule

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
WINDOW = timedelta(seconds=600)
RULE = CrashLoopRule(restarts=5, window=WINDOW)
HASH = "spec-hash-now"
READY = StoreView(
    id="st-abcdefgh23", status=S.READY, last_commit_sha="0" * 40, since=NOW - timedelta(hours=1),
    setup_key="k1", setup_done_key="k1", status_message="ready at 000000000000", spec_hash=HASH,
)  # fmt: skip


def flux(ready: str = "True", message: str = "Release reconciliation succeeded") -> FluxRelease:
    condition = Condition("Ready", ready, "Succeeded" if ready == "True" else "ArtifactFailed", message, 2)
    return FluxRelease(2, 2, {"Ready": condition}, True, spec_hash=HASH)


def argo(health: str) -> ArgoApp:
    return ArgoApp("Synced", health, "", "Succeeded", "", None, (), True, spec_hash=HASH, status_of_spec=True)


def crash(restarts: int = 6, ago_s: float = 20, *, backing_off: bool = True) -> ContainerCrash:
    ended = NOW - timedelta(seconds=ago_s)
    return ContainerCrash(
        "st-abcdefgh23-wordpress-7d9f-x2", "wordpress", restarts, "Error", 1, ended, backing_off
    )


def run(
    applier: FluxRelease | ArgoApp | None,
    store: StoreView = READY,
    *crashes: ContainerCrash,
    now: datetime = NOW,
    rule: CrashLoopRule = RULE,
) -> Decision | None:
    return decide(Observed(now=now, applier=applier, pod_crashes=crashes), store, None, rule)


def status_after(decision: Decision | None, store: StoreView) -> S:
    return decision.status if decision is not None and decision.status is not None else store.status


def degraded(message: str) -> StoreView:
    return replace(READY, status=S.DEGRADED, status_message=message, since=NOW - timedelta(minutes=1))


def test_a_crash_looping_container_degrades_a_ready_store_naming_it() -> None:
    decision = run(flux(), READY, crash())
    assert decision is not None and decision.status is S.DEGRADED and decision.reason == "crash_loop"
    assert observed_event(decision) is Event.DEGRADED and not decision.actions
    assert "container wordpress of pod st-abcdefgh23-wordpress-7d9f-x2 restarted 6 times" in decision.message
    assert decision.error == decision.message


@pytest.mark.parametrize(
    ("why", "found"),
    [
        ("below the threshold", crash(restarts=4)),
        ("running again after a crash", crash(backing_off=False)),
        ("a crash from before the store became ready", crash(ago_s=2 * 3600)),
    ],
)
def test_a_ready_store_is_left_alone(why: str, found: ContainerCrash) -> None:
    assert run(flux(), READY, found) is None, why


def test_the_appliers_own_reason_wins_when_both_hold() -> None:
    decision = run(flux("False", "chart pull failed"), READY, crash())
    assert decision is not None and decision.status is S.DEGRADED and decision.reason == "degraded"
    assert decision.message == "Helm: chart pull failed"
    argo_degraded = run(argo("Degraded"), READY, crash())
    assert argo_degraded is not None and argo_degraded.message.startswith("Argo CD: degraded")
    # the applier heals first, the pod still backs off: still degraded, now for the crash loop
    after = run(flux(), degraded("Helm: chart pull failed"), crash())
    assert after is not None and after.status is None and after.message.startswith("CrashLoopBackOff:")


def test_damping_a_degraded_store_stays_degraded_while_its_container_runs_between_crashes() -> None:
    store = degraded("CrashLoopBackOff: …")
    running = crash(ago_s=60, backing_off=False)
    held = run(flux(), store, running)
    assert held is not None and held.status is None  # only its message, not its status
    settled = replace(store, status_message=held.message)
    assert run(flux(), settled, running) is None
    assert run(flux(), settled, crash(ago_s=5)) is None  # backing off again: same message
    # it ran a whole window without ending: ready again, with no commit
    later = running.finished_at + WINDOW  # type: ignore[operator]
    recovered = run(flux(), settled, running, now=later)
    assert recovered is not None and recovered.status is S.READY and recovered.reason == "recovered"
    assert observed_event(recovered) is Event.CONVERGED


def test_a_crash_loop_holds_even_when_the_applier_has_no_verdict() -> None:
    # Argo CD reports a crash-looping Deployment Progressing until its deadline: no applier verdict
    assert run(argo("Progressing"), READY, crash()) is not None
    assert run(None, READY, crash()) is not None
    store = degraded("CrashLoopBackOff: x")
    # the crash loop is over but the applier has said nothing yet: no recovery on silence
    assert (
        status_after(run(argo("Progressing"), store, crash(ago_s=2 * 600, backing_off=False)), store)
        is S.DEGRADED
    )


def test_threshold_zero_turns_the_signal_off() -> None:
    off = CrashLoopRule(restarts=0, window=WINDOW)
    assert run(flux(), READY, crash(restarts=50), rule=off) is None
    recovered = run(flux(), degraded("CrashLoopBackOff: x"), crash(restarts=50), rule=off)
    assert recovered is not None and recovered.status is S.READY


def test_events_in_any_order_end_in_the_same_verdict() -> None:
    """Two caches, pods and the applier's objects: whichever event comes first, each evaluation
    judges what both say then, and the last one says what the cluster says."""
    broken_applier, healthy_applier = flux("False", "drift correction failed"), flux()
    looping, healed = crash(), crash(ago_s=2 * 600, backing_off=False)
    store = READY
    # the applier says unhealthy, then the pod starts to crash-loop: degraded for the applier
    first = run(broken_applier, store)
    second = run(broken_applier, store, looping)
    assert first is not None and second is not None and first.message == second.message
    # the other order: the pod first (degraded for the crash loop), then the applier (its reason)
    first = run(healthy_applier, store, looping)
    assert first is not None and first.reason == "crash_loop"
    then = run(broken_applier, degraded(first.message), looping)
    assert then is not None and then.status is None and then.message == "Helm: drift correction failed"
    # recovery: the pod runs again before the applier heals, or after: ready only when both say so
    waiting = degraded("Helm: drift correction failed")
    assert status_after(run(broken_applier, waiting, healed), waiting) is S.DEGRADED  # the applier
    assert status_after(run(healthy_applier, waiting, looping), waiting) is S.DEGRADED  # the pod
    assert status_after(run(healthy_applier, waiting, healed), waiting) is S.READY


def test_a_store_ready_again_is_not_degraded_by_the_crash_it_recovered_from() -> None:
    """Its pod's last crash ended before it became ready (status_changed_at): a pod event that comes
    late, or a cache not yet told the pod is gone, does not send it back."""
    became_ready = replace(READY, since=NOW - timedelta(seconds=5))
    assert run(flux(), became_ready, crash(ago_s=30)) is None
    assert run(flux(), became_ready, crash(ago_s=1)) is not None  # it crashed again since
