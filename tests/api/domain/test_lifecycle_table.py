"""The state table, checked against the lifecycle DESIGN.md fixes, pair by pair."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

from storefleet.api.domain.lifecycle import (
    INITIAL,
    LIFECYCLE,
    TERMINAL,
    TRANSITIONS,
    Event,
    InvalidTransition,
    StoreStatus,
    can_transition,
    check_transition,
    event_table_markdown,
    mermaid_diagram,
)

S = StoreStatus
# Written out independently of the module, straight from the design brief.
EXPECTED_ALLOWED = {
    (S.REQUESTED, S.PENDING_APPROVAL), (S.REQUESTED, S.PROVISIONING), (S.REQUESTED, S.FAILED),
    (S.REQUESTED, S.DELETING),
    (S.PENDING_APPROVAL, S.PROVISIONING), (S.PENDING_APPROVAL, S.FAILED), (S.PENDING_APPROVAL, S.DELETING),
    (S.PROVISIONING, S.READY), (S.PROVISIONING, S.FAILED), (S.PROVISIONING, S.DELETING),
    (S.READY, S.UPDATING), (S.READY, S.DELETING), (S.READY, S.DEGRADED),
    (S.DEGRADED, S.READY), (S.DEGRADED, S.UPDATING), (S.DEGRADED, S.DELETING),
    (S.UPDATING, S.READY), (S.UPDATING, S.FAILED), (S.UPDATING, S.DELETING),
    (S.FAILED, S.REQUESTED), (S.FAILED, S.UPDATING), (S.FAILED, S.DELETING),
    (S.DELETING, S.DELETED), (S.DELETING, S.FAILED),
    # restore from a backup (issue 19): requested by a person, concluded by the watcher
    (S.READY, S.RESTORING), (S.DEGRADED, S.RESTORING), (S.FAILED, S.RESTORING),
    (S.RESTORING, S.READY), (S.RESTORING, S.FAILED), (S.RESTORING, S.DELETING), (S.RESTORING, S.UPDATING),
}  # fmt: skip
ALL_PAIRS = list(itertools.product(StoreStatus, StoreStatus))


@pytest.mark.parametrize(("current", "target"), sorted(EXPECTED_ALLOWED))
def test_allowed_transition(current: StoreStatus, target: StoreStatus) -> None:
    assert can_transition(current, target)
    check_transition(current, target)


@pytest.mark.parametrize(("current", "target"), [p for p in ALL_PAIRS if p not in EXPECTED_ALLOWED])
def test_forbidden_transition(current: StoreStatus, target: StoreStatus) -> None:
    assert not can_transition(current, target)
    with pytest.raises(InvalidTransition) as excinfo:
        check_transition(current, target)
    assert excinfo.value.current is current and excinfo.value.target is target


def test_every_status_has_a_row_and_deleted_is_the_only_terminal() -> None:
    assert set(TRANSITIONS) == set(StoreStatus)
    assert {S.DELETED} == TERMINAL


def test_no_status_moves_to_itself() -> None:
    assert all(status not in targets for status, targets in TRANSITIONS.items())


def test_every_status_is_reachable_from_requested() -> None:
    seen, frontier = {S.REQUESTED}, [S.REQUESTED]
    while frontier:
        for nxt in TRANSITIONS[frontier.pop()] - seen:
            seen.add(nxt)
            frontier.append(nxt)
    assert seen == set(StoreStatus)


def test_database_check_constraint_lists_exactly_the_statuses() -> None:
    """The last migration that sets the stores' status CHECK lists the table's statuses."""
    migrations = sorted((Path(__file__).parents[3] / "api/db/migrations").glob("*.sql"))
    blocks = [
        block
        for path in migrations
        for block in re.findall(r"CHECK \(status IN \((.*?)\)\)", path.read_text(), re.S)
        if "'ready'" in block
    ]
    assert blocks
    assert set(re.findall(r"'([a-z_]+)'", blocks[-1])) == {s.value for s in StoreStatus}


def test_architecture_doc_shows_the_diagram_generated_from_the_table() -> None:
    doc = (Path(__file__).parents[3] / "docs/architecture.md").read_text()
    assert mermaid_diagram() in doc, "regenerate the diagram: python -m storefleet.api.domain.lifecycle"
    assert event_table_markdown() in doc, "regenerate the table: python -m storefleet.api.domain.lifecycle"


E = Event
LIVE = (S.REQUESTED, S.PENDING_APPROVAL, S.PROVISIONING, S.READY, S.DEGRADED, S.UPDATING, S.FAILED)


@pytest.mark.parametrize("status", LIVE)
def test_a_spec_change_is_taken_in_every_live_status(status: StoreStatus) -> None:
    # ready and failed start an update; a converging store keeps converging towards the newest spec
    expected = S.UPDATING if status in (S.READY, S.DEGRADED, S.FAILED) else status
    assert LIFECYCLE[status][E.SPEC_CHANGED] is expected


@pytest.mark.parametrize("status", [S.DELETING, S.DELETED])
def test_a_store_on_its_way_out_takes_no_spec_change(status: StoreStatus) -> None:
    assert E.SPEC_CHANGED not in LIFECYCLE[status]


def test_only_the_watcher_declares_a_store_ready_and_only_from_converging_or_degraded() -> None:
    reaching_ready = {(status, event) for status, row in LIFECYCLE.items() for event, t in row.items()
                      if t is S.READY and status is not S.READY}  # fmt: skip
    assert reaching_ready == {
        (S.PROVISIONING, E.CONVERGED), (S.UPDATING, E.CONVERGED), (S.DEGRADED, E.CONVERGED),
        (S.RESTORING, E.CONVERGED),
    }  # fmt: skip


def test_a_restore_is_asked_of_an_installed_store_and_a_commit_in_git_ends_it() -> None:
    reaching = {status for status, row in LIFECYCLE.items() if E.RESTORE in row}
    assert reaching == {S.READY, S.DEGRADED, S.FAILED}
    # only the platform advances a restore, and the store stays restoring through it; the API and
    # rollouts change no restoring store (409 STORE_BUSY, skipped), but a person's commit in git (a
    # revert of a stage) ends the restore: the store converges on what git says
    assert LIFECYCLE[S.RESTORING][E.SPEC_CHANGED] is S.UPDATING
    assert LIFECYCLE[S.RESTORING][E.RESTORE_ADVANCED] is S.RESTORING
    assert [s for s, row in LIFECYCLE.items() if E.RESTORE_ADVANCED in row] == [S.RESTORING]
    assert LIFECYCLE[S.RESTORING][E.FAILED] is S.FAILED


def test_only_a_ready_store_degrades_and_only_the_watcher_says_so() -> None:
    reaching = {(status, event) for status, row in LIFECYCLE.items() for event, t in row.items()
                if t is S.DEGRADED and status is not S.DEGRADED}  # fmt: skip
    assert reaching == {(S.READY, E.DEGRADED)}


def test_a_late_watcher_verdict_does_not_apply_to_a_settled_store() -> None:
    for status in (S.READY, S.FAILED, S.DELETED, S.REQUESTED, S.PENDING_APPROVAL):
        assert not {E.CONVERGED, E.FAILED, E.TIMED_OUT, E.REMOVED} & set(LIFECYCLE[status])


def test_a_commit_moves_a_requested_or_approved_store_on_and_keeps_converging_ones() -> None:
    assert LIFECYCLE[S.REQUESTED][E.COMMITTED] is S.PROVISIONING
    assert LIFECYCLE[S.PENDING_APPROVAL][E.COMMITTED] is S.PROVISIONING
    for status in (S.PROVISIONING, S.UPDATING, S.DELETING):
        assert LIFECYCLE[status][E.COMMITTED] is status
    assert E.COMMITTED not in LIFECYCLE[S.READY] and E.COMMITTED not in LIFECYCLE[S.FAILED]


def test_every_event_is_used_and_every_store_starts_through_an_initial_event() -> None:
    used = {event for row in LIFECYCLE.values() for event in row} | set(INITIAL)
    assert used == set(Event)
    assert INITIAL == {E.REQUESTED: S.REQUESTED, E.ADOPTED: S.PROVISIONING, E.RESTORE: S.RESTORING}


def test_a_store_created_from_a_backup_starts_restoring_and_its_first_commit_keeps_it_there() -> None:
    # its first commit declares the Velero Restore without a release; the restore's own stages and
    # the release's readiness take it on from there, as for a restore in place
    assert INITIAL[E.RESTORE] is S.RESTORING
    assert LIFECYCLE[S.RESTORING][E.COMMITTED] is S.RESTORING
    assert LIFECYCLE[S.RESTORING][E.PROPOSED] is S.RESTORING
    assert LIFECYCLE[S.RESTORING][E.RESTORE_ADVANCED] is S.RESTORING
    assert LIFECYCLE[S.RESTORING][E.CONVERGED] is S.READY
    assert LIFECYCLE[S.RESTORING][E.COMMIT_REFUSED] is S.FAILED


def test_the_allowed_moves_are_exactly_the_tables_status_changes() -> None:
    moves = {(s, t) for s, row in LIFECYCLE.items() for t in row.values() if t is not s}
    assert moves == {(s, t) for s, targets in TRANSITIONS.items() for t in targets}
