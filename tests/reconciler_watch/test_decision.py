"""The vocabulary of verdicts: a simulated cluster's verdicts say so."""

from __future__ import annotations

from storefleet.api.domain.lifecycle import StoreStatus
from storefleet.reconciler_watch.decision import MAX_MESSAGE, Decision, simulated


def test_a_simulated_verdict_says_so_and_keeps_the_rest() -> None:
    decision = Decision(StoreStatus.FAILED, "Helm install failed", "install_failed", error="boom")
    assert simulated(decision) == Decision(
        StoreStatus.FAILED, "simulated: Helm install failed", "install_failed", error="boom"
    )


def test_a_simulated_message_stays_within_the_limit() -> None:
    long = simulated(Decision(None, "x" * MAX_MESSAGE, "progress")).message
    assert len(long) == MAX_MESSAGE and long.startswith("simulated: ") and long.endswith("…")
