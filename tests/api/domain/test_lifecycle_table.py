"""The state table, checked against the lifecycle DESIGN.md fixes, pair by pair."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

from storefleet.api.domain.lifecycle import (
    TERMINAL,
    TRANSITIONS,
    InvalidTransition,
    StoreStatus,
    can_transition,
    check_transition,
    mermaid_diagram,
)

S = StoreStatus
# Written out independently of the module, straight from the design brief.
EXPECTED_ALLOWED = {
    (S.REQUESTED, S.PENDING_APPROVAL), (S.REQUESTED, S.PROVISIONING), (S.REQUESTED, S.FAILED),
    (S.REQUESTED, S.DELETING),
    (S.PENDING_APPROVAL, S.PROVISIONING), (S.PENDING_APPROVAL, S.FAILED), (S.PENDING_APPROVAL, S.DELETING),
    (S.PROVISIONING, S.READY), (S.PROVISIONING, S.FAILED), (S.PROVISIONING, S.DELETING),
    (S.READY, S.UPDATING), (S.READY, S.DELETING),
    (S.UPDATING, S.READY), (S.UPDATING, S.FAILED), (S.UPDATING, S.DELETING),
    (S.FAILED, S.REQUESTED), (S.FAILED, S.UPDATING), (S.FAILED, S.DELETING),
    (S.DELETING, S.DELETED), (S.DELETING, S.FAILED),
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
    schema = (Path(__file__).parents[3] / "api/db/migrations/0001.initial-schema.sql").read_text()
    block = re.search(r"status\s+text NOT NULL CHECK \(status IN \((.*?)\)\)", schema, re.S)
    assert block is not None
    assert set(re.findall(r"'([a-z_]+)'", block.group(1))) == {s.value for s in StoreStatus}


def test_architecture_doc_shows_the_diagram_generated_from_the_table() -> None:
    doc = (Path(__file__).parents[3] / "docs/architecture.md").read_text()
    assert mermaid_diagram() in doc, "regenerate the diagram: python -m storefleet.api.domain.lifecycle"
