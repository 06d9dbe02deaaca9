"""The pure decisions of a store's move to another cluster (reconciler-watch/move.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from storefleet.api.domain.lifecycle import StoreStatus
from storefleet.api.domain.store_move import MoveStage, StoreMove
from storefleet.reconciler_watch.move import MoveObserved, TargetRelease, VeleroBackup, decide_move
from storefleet.reconciler_watch.restore import VeleroRestore

NOW = datetime(2026, 12, 7, 6, 0, tzinfo=UTC)
TIMEOUT = timedelta(minutes=30)


def _move(stage: MoveStage = MoveStage.BACKING_UP, since: datetime = NOW) -> StoreMove:
    return StoreMove(
        id=1, store_id="st-a", source_cluster_id="cl-a", source_cluster="alpha", target_cluster_id="cl-b",
        target_cluster="beta", stage=stage, backup="storefleet-st-a-1", restore="st-a-r1",
        source_spec_hash="h1", target_spec=None, target_created=stage is not MoveStage.BACKING_UP,
        outbox_id=None, message=None, reason=None, requested_by="u-admin", created_at=since,
        stage_changed_at=since, ended_at=None,
    )  # fmt: skip


def _observed(**kwargs: object) -> MoveObserved:
    base = MoveObserved(now=NOW, store_status=StoreStatus.READY, store_spec_hash="h1", change_pending=False)
    return replace(base, **kwargs)  # type: ignore[arg-type]


def test_backing_up_waits_until_the_backup_reaches_the_target() -> None:
    step = decide_move(_move(), _observed(), TIMEOUT)
    assert step is not None and step.kind == "wait"
    assert "reach cluster beta" in step.message


def test_backing_up_waits_while_the_backup_runs() -> None:
    step = decide_move(_move(), _observed(backup=VeleroBackup("storefleet-st-a-1", "InProgress")), TIMEOUT)
    assert step is not None and (step.kind, step.message) == ("wait", "backup storefleet-st-a-1 InProgress")


def test_a_completed_backup_in_the_target_advances_to_the_create_commit() -> None:
    step = decide_move(_move(), _observed(backup=VeleroBackup("storefleet-st-a-1", "Completed")), TIMEOUT)
    assert step is not None and step.kind == "advance"


def test_another_backup_of_the_store_says_nothing() -> None:
    step = decide_move(_move(), _observed(backup=VeleroBackup("storefleet-st-a-0", "Completed")), TIMEOUT)
    assert step is not None and step.kind == "wait"


@pytest.mark.parametrize("phase", ["Failed", "PartiallyFailed", "FailedValidation"])
def test_a_failed_backup_fails_the_move_with_velero_s_reason(phase: str) -> None:
    backup = VeleroBackup("storefleet-st-a-1", phase, failure_reason="hook failed")
    step = decide_move(_move(), _observed(backup=backup), TIMEOUT)
    assert step is not None and step.kind == "fail"
    assert step.message == f"backup storefleet-st-a-1 {phase}: hook failed"


def test_restoring_advances_on_its_own_restore_completed() -> None:
    move = _move(MoveStage.RESTORING)
    assert decide_move(move, _observed(restore=VeleroRestore("other", "Completed")), TIMEOUT).kind == "wait"  # type: ignore[union-attr]
    step = decide_move(move, _observed(restore=VeleroRestore("st-a-r1", "Completed")), TIMEOUT)
    assert step is not None and step.kind == "advance"


def test_a_failed_restore_fails_the_move() -> None:
    restore = VeleroRestore("st-a-r1", "PartiallyFailed", failure_reason="volume")
    step = decide_move(_move(MoveStage.RESTORING), _observed(restore=restore), TIMEOUT)
    assert step is not None and step.kind == "fail" and "volume" in step.message


def test_starting_advances_to_the_delete_commit_once_the_target_is_ready() -> None:
    move = _move(MoveStage.STARTING)
    working = decide_move(move, _observed(release=TargetRelease("working", "Helm install")), TIMEOUT)
    assert working is not None and working.kind == "wait" and "Helm install" in working.message
    ready = decide_move(move, _observed(release=TargetRelease("ready", "ready at abc")), TIMEOUT)
    assert ready is not None and ready.kind == "advance"
    failed = decide_move(move, _observed(release=TargetRelease("failed", "Helm failed")), TIMEOUT)
    assert failed is not None and failed.kind == "fail"


def test_a_stage_that_outlasts_the_timeout_fails_the_move_naming_it() -> None:
    move = _move(MoveStage.RESTORING, since=NOW - TIMEOUT - timedelta(seconds=1))
    step = decide_move(move, _observed(), TIMEOUT)
    assert step is not None and step.kind == "fail"
    assert step.message.startswith("timed out after") and "stage restoring" in step.message


def test_a_store_changed_or_no_longer_running_fails_the_move() -> None:
    changed = decide_move(_move(), _observed(store_spec_hash="h2"), TIMEOUT)
    assert changed is not None and changed.kind == "fail" and "changed" in changed.message
    deleting = decide_move(_move(), _observed(store_status=StoreStatus.DELETING), TIMEOUT)
    assert deleting is not None and deleting.kind == "fail" and "deleting" in deleting.message


def test_nothing_is_judged_while_a_commit_waits_or_after_the_move_ended() -> None:
    assert decide_move(_move(), _observed(change_pending=True), TIMEOUT) is None
    assert decide_move(_move(MoveStage.DONE), _observed(), TIMEOUT) is None
