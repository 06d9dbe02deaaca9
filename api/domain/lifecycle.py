"""The store lifecycle: one table, no I/O. Every status change in the platform is checked against it.

The diagram in docs/architecture.md is generated from `TRANSITIONS` (see `mermaid_diagram`).
"""

from __future__ import annotations

from enum import StrEnum


class StoreStatus(StrEnum):
    REQUESTED = "requested"
    PENDING_APPROVAL = "pending_approval"
    PROVISIONING = "provisioning"
    READY = "ready"
    UPDATING = "updating"
    FAILED = "failed"
    DELETING = "deleting"
    DELETED = "deleted"


S = StoreStatus

# from-status -> the statuses it may move to. Read it as the design's lifecycle, line by line.
TRANSITIONS: dict[StoreStatus, frozenset[StoreStatus]] = {
    S.REQUESTED: frozenset({S.PENDING_APPROVAL, S.PROVISIONING, S.FAILED, S.DELETING}),
    S.PENDING_APPROVAL: frozenset({S.PROVISIONING, S.FAILED, S.DELETING}),
    S.PROVISIONING: frozenset({S.READY, S.FAILED, S.DELETING}),
    S.READY: frozenset({S.UPDATING, S.DELETING}),
    S.UPDATING: frozenset({S.READY, S.FAILED, S.DELETING}),
    S.FAILED: frozenset({S.REQUESTED, S.UPDATING, S.DELETING}),
    S.DELETING: frozenset({S.DELETED, S.FAILED}),
    S.DELETED: frozenset(),
}

# Statuses in which the platform or the cluster is still working towards a target.
TRANSITIONAL: frozenset[StoreStatus] = frozenset(
    {S.REQUESTED, S.PENDING_APPROVAL, S.PROVISIONING, S.UPDATING, S.DELETING}
)
TERMINAL: frozenset[StoreStatus] = frozenset(status for status, nexts in TRANSITIONS.items() if not nexts)


class InvalidTransition(ValueError):
    def __init__(self, current: StoreStatus, target: StoreStatus) -> None:
        allowed = ", ".join(sorted(TRANSITIONS[current])) or "nothing (terminal)"
        super().__init__(f"a store in '{current}' cannot move to '{target}' (allowed: {allowed})")
        self.current = current
        self.target = target


def can_transition(current: StoreStatus, target: StoreStatus) -> bool:
    return target in TRANSITIONS[current]


def check_transition(current: StoreStatus, target: StoreStatus) -> None:
    if not can_transition(current, target):
        raise InvalidTransition(current, target)


def mermaid_diagram() -> str:
    lines = ["stateDiagram-v2", "    [*] --> requested"]
    for current, targets in TRANSITIONS.items():
        lines.extend(f"    {current} --> {target}" for target in sorted(targets))
    lines.extend(f"    {status} --> [*]" for status in sorted(TERMINAL))
    return "\n".join(lines)


if __name__ == "__main__":
    print(mermaid_diagram())
