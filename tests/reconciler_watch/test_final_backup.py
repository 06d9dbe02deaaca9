"""decide() for a store deleted with `keep_backup` (pure; docs/backups.md): nothing is removed until
the final Backup its row names is `Completed` (then its removal is queued, once); a failed, partially
failed, vanished or overdue final backup fails the store with the reason, nothing removed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from storefleet.api.domain.lifecycle import AUTO_RETRYABLE, LIFECYCLE, Event, StoreStatus
from storefleet.reconciler_watch.decide import (
    Decision,
    QueueRemoval,
    StoreView,
    Timeouts,
    decide,
    observed_event,
)
from storefleet.reconciler_watch.final_backup import VeleroBackup, parse_backup
from storefleet.reconciler_watch.observed import Condition, FluxRelease, Observed

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
NAME = "storefleet-st-abcdefgh23-20260501115900"


def _store(**overrides: Any) -> StoreView:
    fields: dict[str, Any] = {
        "id": "st-abcdefgh23", "status": StoreStatus.DELETING, "last_commit_sha": "a" * 40,
        "since": NOW - timedelta(minutes=1), "setup_key": "k", "setup_done_key": "k", "spec_hash": "h1",
        "final_backup": NAME,
    }  # fmt: skip
    return StoreView(**{**fields, **overrides})


def _backup(phase: str, name: str = NAME, **status: Any) -> VeleroBackup:
    return parse_backup({"metadata": {"name": name}, "status": {"phase": phase, **status}})


def _decide(backup: VeleroBackup | None, **store: Any) -> Decision:
    release = FluxRelease(
        2, 2, {"Ready": Condition("Ready", "True", "Succeeded", "msg", 2)}, True, spec_hash="h1"
    )
    decision = decide(Observed(NOW, release, final_backup=backup), _store(**store), Timeouts())
    assert decision is not None
    return decision


def test_a_completed_final_backup_queues_the_removal_and_nothing_else() -> None:
    decision = _decide(_backup("Completed"))
    assert decision.status is None and decision.actions == (QueueRemoval(NAME),)
    assert decision.message == f"final backup {NAME} completed; queueing the removal"


@pytest.mark.parametrize(
    ("status", "said"),
    [
        ({}, "Velero New"),
        (
            {"phase": "InProgress", "progress": {"itemsBackedUp": 6, "totalItems": 24}},
            "Velero InProgress (6 of 24 items)",
        ),
    ],
)
def test_a_running_final_backup_is_waited_for_with_its_progress(status: dict[str, Any], said: str) -> None:
    backup = parse_backup({"metadata": {"name": NAME}, "status": status})
    decision = _decide(backup)
    assert decision.status is None and decision.actions == ()
    assert decision.message == f"taking the final backup {NAME} before removal: {said}"


@pytest.mark.parametrize(
    ("backup", "why"),
    [
        (_backup("Failed", failureReason="hook database-dump failed"), "Failed: hook database-dump failed"),
        (_backup("PartiallyFailed", errors=2),
         f"PartiallyFailed: 2 errors (see `velero backup describe {NAME} --details`)"),
        (_backup("FailedValidation", validationErrors=["no storage location"]),
         "FailedValidation: no storage location"),
        (None, "is gone from the cluster"),
        (_backup("Completed", name="storefleet-st-abcdefgh23-other"), "is gone from the cluster"),
    ],
)  # fmt: skip
def test_a_final_backup_that_fails_fails_the_store_with_nothing_removed(
    backup: VeleroBackup | None, why: str
) -> None:
    decision = _decide(backup)
    assert decision.status is StoreStatus.FAILED and decision.actions == ()
    assert decision.error == decision.message
    assert decision.message == (
        f"final backup {NAME} {why}; the store was not deleted, nothing was removed: delete it again "
        "with keep_backup=true for another final backup or keep_backup=false for none, or retry it"
    )
    assert observed_event(decision) is Event.BACKUP_FAILED
    assert LIFECYCLE[StoreStatus.DELETING][Event.BACKUP_FAILED] is StoreStatus.FAILED
    assert Event.BACKUP_FAILED not in AUTO_RETRYABLE  # nothing was removed: a person decides


def test_a_final_backup_that_does_not_end_in_time_fails_the_store() -> None:
    decision = _decide(_backup("InProgress"), since=NOW - timedelta(minutes=11))
    assert decision.status is StoreStatus.FAILED and decision.reason == "final_backup_timeout"
    assert decision.message.startswith(
        f"timed out after 10 min taking the final backup {NAME} before removal"
    )
    assert observed_event(decision) is Event.BACKUP_FAILED


def test_without_a_final_backup_a_deleting_store_waits_for_its_objects_to_go_as_before() -> None:
    decision = decide(Observed(NOW, None, namespace_present=True), _store(final_backup=None), Timeouts())
    assert decision is not None and decision.status is None
    assert decision.message == "deleting; waiting for namespace st-abcdefgh23 to go"


def test_the_removal_is_queued_only_by_backed_up_which_keeps_the_store_deleting() -> None:
    assert LIFECYCLE[StoreStatus.DELETING][Event.BACKED_UP] is StoreStatus.DELETING
    assert all(
        Event.BACKED_UP not in row for status, row in LIFECYCLE.items() if status is not StoreStatus.DELETING
    )
