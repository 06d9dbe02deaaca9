"""decide() for a `restoring` store (pure), by the stage its spec declares: cleared → commit the
Restore; the Restore its spec names Completed → commit the restore done; then the normal readiness of
that commit, without the post-install setup again; Velero's failures fail it with the reason; the
provisioning timeout bounds each stage."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from storefleet.api.domain.lifecycle import StoreStatus
from storefleet.reconciler_watch.decide import (
    AdvanceRestore,
    Decision,
    StoreView,
    Timeouts,
    decide,
    observed_event,
)
from storefleet.reconciler_watch.namespace_limits import LIMITS_UNREAD, NamespaceLimits
from storefleet.reconciler_watch.observed import Condition, FluxRelease, Observed
from storefleet.reconciler_watch.restore import Clearing, parse_restore

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
NAME = "storefleet-st-abcdefgh23-restore-0123456789"
CLEARED = Clearing(None)


def _store(**overrides: Any) -> StoreView:
    fields: dict[str, Any] = {
        "id": "st-abcdefgh23", "status": StoreStatus.RESTORING, "last_commit_sha": "a" * 40,
        "since": NOW - timedelta(minutes=1), "setup_key": "k", "setup_done_key": "k",
        "spec_hash": "h1", "restore_name": NAME, "restore_stage": "restoring",
    }  # fmt: skip
    return StoreView(**{**fields, **overrides})


def _release(ready: str = "True", spec_hash: str = "h1") -> FluxRelease:
    condition = Condition("Ready", ready, "Succeeded" if ready == "True" else "Failed", "msg", 2)
    return FluxRelease(2, 2, {"Ready": condition}, True, spec_hash=spec_hash)


def _restore(phase: str, name: str = NAME, **status: Any) -> Any:
    return parse_restore({"metadata": {"name": name}, "status": {"phase": phase, **status}})


def _decide(
    restore: Any = None, release: FluxRelease | None = None, clearing: Clearing | None = None, **store: Any
) -> Decision | None:
    observed = Observed(NOW, release, restore=restore, clearing=clearing)
    return decide(observed, _store(**store), Timeouts())


# ---- stage clearing -----------------------------------------------------------------------------------
def test_a_cleared_store_asks_for_the_restore_commit() -> None:
    decision = _decide(clearing=CLEARED, restore_stage="clearing")
    assert decision is not None and decision.status is None
    assert decision.actions == (AdvanceRestore(NAME, "clearing"),)


@pytest.mark.parametrize(
    ("clearing", "waiting_for"),
    [
        (Clearing("HelmRelease st-abcdefgh23"), "HelmRelease st-abcdefgh23"),
        (Clearing(None, ("st-abcdefgh23-mariadb",)), "PVC st-abcdefgh23-mariadb"),
        (Clearing("Application st-abcdefgh23", ("a", "b")), "Application st-abcdefgh23, PVC a, PVC b"),
    ],
)
def test_anything_of_the_release_left_keeps_it_clearing(clearing: Clearing, waiting_for: str) -> None:
    decision = _decide(clearing=clearing, restore_stage="clearing")
    assert decision is not None and decision.status is None and not decision.actions
    assert decision.message == f"clearing the store: waiting for {waiting_for} to go"


def test_clearing_not_read_is_not_cleared() -> None:
    decision = _decide(clearing=None, restore_stage="clearing")
    assert decision is not None and decision.status is None and not decision.actions


def test_a_completed_restore_at_stage_clearing_changes_nothing() -> None:
    """Only the stage's own fact counts: a Restore is not what ends the clearing."""
    decision = _decide(_restore("Completed"), clearing=Clearing("HelmRelease x"), restore_stage="clearing")
    assert decision is not None and not decision.actions


# ---- stage restoring ----------------------------------------------------------------------------------
def test_completed_asks_for_the_done_commit_not_ready() -> None:
    decision = _decide(_restore("Completed", warnings=2), _release())
    assert decision is not None and decision.status is None
    assert decision.actions == (AdvanceRestore(NAME, "restoring"),)
    assert "2 warnings" in decision.message


@pytest.mark.parametrize(
    ("phase", "status", "reason"),
    [
        ("Failed", {"failureReason": "backup not found in storage"}, "backup not found in storage"),
        ("PartiallyFailed", {"errors": 3}, "3 errors"),
        ("FailedValidation", {"validationErrors": ["backup storefleet-x not found"]}, "backup storefleet-x"),
    ],
)
def test_velero_failures_fail_the_store_with_the_reason(phase: str, status: Any, reason: str) -> None:
    decision = _decide(_restore(phase, **status))
    assert decision is not None and decision.status is StoreStatus.FAILED and not decision.actions
    assert decision.error is not None and reason in decision.error and phase in decision.error
    assert observed_event(decision).value == "failed"


@pytest.mark.parametrize("phase", ["", "New", "InProgress", "WaitingForPluginOperations", "Finalizing"])
def test_a_running_restore_keeps_the_store_restoring(phase: str) -> None:
    decision = _decide(_restore(phase, progress={"totalItems": 24, "itemsRestored": 6}))
    assert decision is not None and decision.status is None and not decision.actions
    if phase == "InProgress":
        assert decision.message == "Velero restore InProgress (6 of 24 items)"


def test_an_older_restore_says_nothing_about_the_current_one() -> None:
    for phase in ("Completed", "Failed"):
        decision = _decide(_restore(phase, name="storefleet-st-abcdefgh23-restore-ffffffffff"))
        assert decision is not None and decision.status is None and not decision.actions
        assert NAME in decision.message


# ---- the restore done: the release back ---------------------------------------------------------------
def test_after_the_done_commit_ready_needs_the_release_at_the_current_spec() -> None:
    for release in (None, _release(ready="False"), _release(spec_hash="older")):
        decision = _decide(release=release, restore_stage=None, restore_name=None)
        assert decision is None or decision.status is not StoreStatus.READY
    decision = _decide(release=_release(), restore_stage=None, restore_name=None)
    assert decision is not None and decision.status is StoreStatus.READY and not decision.actions
    assert observed_event(decision).value == "converged"


def test_the_setup_does_not_run_again_over_restored_data_unless_its_inputs_changed() -> None:
    same = _decide(release=_release(), restore_stage=None, restore_name=None)
    assert same is not None and same.status is StoreStatus.READY
    changed = _decide(release=_release(), restore_stage=None, restore_name=None, setup_key="k2")
    assert changed is not None and changed.status is None and changed.reason == "setup_started"


# ---- a store created from a backup (its spec's restored_from) -------------------------------------------
def test_the_restore_done_of_a_store_created_from_a_backup_records_its_data_as_set_up() -> None:
    decision = _decide(restore=_restore("Completed"), restored_from_backup=True, setup_done_key=None)
    assert decision is not None and decision.actions == (AdvanceRestore(NAME, "restoring", "k"),)
    in_place = _decide(restore=_restore("Completed"))  # a restore in place keeps its own setup record
    assert in_place is not None and in_place.actions == (AdvanceRestore(NAME, "restoring"),)
    # then its release comes over the restored data: ready without a setup Job
    ready = _decide(release=_release(), restored_from_backup=True, restore_stage=None, restore_name=None)
    assert ready is not None and ready.status is StoreStatus.READY and not ready.actions


def test_a_retry_of_a_store_whose_restore_never_completed_runs_the_setup_as_for_a_new_store() -> None:
    fresh = {"status": StoreStatus.PROVISIONING, "restore_stage": None, "restore_name": None}
    never = _decide(release=_release(), restored_from_backup=True, setup_done_key=None, **fresh)
    assert never is not None and never.reason == "setup_started"
    restored = _decide(release=_release(), restored_from_backup=True, **fresh)  # its data came back
    assert restored is not None and restored.status is StoreStatus.READY


def test_a_store_created_from_a_backup_gets_the_first_install_s_namespace_limits_check() -> None:
    restored = {"restore_stage": None, "restore_name": None, "restored_from_backup": True}
    expected = ("ResourceQuota", "LimitRange")
    unread = _decide(release=_release(), limits_expected=expected, **restored)
    assert unread is not None and unread.status is None and unread.reason == LIMITS_UNREAD
    observed = Observed(NOW, _release(), namespace_limits=NamespaceLimits(quota=True, limit_range=False))
    missing = decide(observed, _store(limits_expected=expected, **restored), Timeouts())
    assert missing is not None and missing.status is StoreStatus.FAILED and "LimitRange" in missing.message
    in_place = _decide(release=_release(), limits_expected=expected, restore_stage=None, restore_name=None)
    assert in_place is not None and in_place.status is StoreStatus.READY  # its release was installed before


# ---- timeouts -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("stage", "observed", "says"),
    [
        ("clearing", {"clearing": Clearing("HelmRelease st-abcdefgh23")}, "at stage clearing"),
        ("restoring", {"restore": _restore("InProgress")}, "at stage restoring"),
        (None, {"release": None}, "restored, then reinstalling the release"),
    ],
)
def test_every_stage_times_out_naming_it(stage: str | None, observed: dict[str, Any], says: str) -> None:
    late = NOW - timedelta(hours=1)
    decision = _decide(**observed, restore_stage=stage, since=late)
    assert decision is not None and decision.status is StoreStatus.FAILED and decision.reason == "timeout"
    assert says in decision.message and decision.message.startswith(("timed out", "restored, then"))
    assert observed_event(decision).value == "timed_out"


# ---- a person's commit took the store out of the restore ------------------------------------------------
@pytest.mark.parametrize("status", [StoreStatus.UPDATING, StoreStatus.PROVISIONING])
def test_a_converging_store_whose_spec_still_declares_a_restore_fails_at_once(status: StoreStatus) -> None:
    decision = _decide(release=_release(), status=status, restore_stage="clearing")
    assert decision is not None and decision.status is StoreStatus.FAILED
    assert decision.reason == "restore_abandoned" and "retry" in decision.message
