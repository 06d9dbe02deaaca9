"""The store lifecycle as data: which event moves a store from which status to which. No I/O.

`LIFECYCLE[status][event]` is the status after `event` happens to a store in `status`; an event a
status has no entry for does not apply to it (a stale report, or a request the status refuses). An
entry back to the same status is a change the store takes in its stride: its message may change,
its status does not. Every status write in the platform is one of these entries, applied by
`storefleet.api.domain.lifecycle_service`.

The diagram in docs/architecture.md is generated from `LIFECYCLE` (`python -m
storefleet.api.domain.lifecycle`).
"""

from __future__ import annotations

from enum import StrEnum


class StoreStatus(StrEnum):
    REQUESTED = "requested"
    PENDING_APPROVAL = "pending_approval"
    PROVISIONING = "provisioning"
    READY = "ready"
    DEGRADED = "degraded"  # ready, but the cluster reports it unhealthy; back to ready when it is not
    UPDATING = "updating"
    RESTORING = "restoring"  # emptied, restored by Velero, then reinstalled: three commits
    FAILED = "failed"
    DELETING = "deleting"
    DELETED = "deleted"


class Event(StrEnum):
    """What can happen to a store, named by who reports it."""

    # the API and the git side
    REQUESTED = "requested"  # a tenant asked for the store (it starts here)
    ADOPTED = "adopted"  # the git-side sync found a store directory nobody asked for through the API
    SPEC_CHANGED = "spec_changed"  # a new desired spec: PATCH, rollback, or a hand edit in git
    RETRY = "retry"  # a tenant asked to try a failed store again
    DELETE = "delete"  # a tenant asked, or the directory was removed from the fleet repo
    RESTORE = "restore"  # a tenant asked to restore the store from a backup (its own, or to create it)
    RESTORE_ADVANCED = "restore_advanced"  # the platform committed a restore's next stage
    BACKED_UP = "backed_up"  # a deleted store's final backup completed: its removal is queued
    BACKUP_FAILED = "backup_failed"  # a deleted store's final backup failed or timed out: not deleted
    # the fleet writer and the pull-request writer
    COMMITTED = "committed"  # the change is on the branch (pushed, or its pull request merged)
    COMMIT_REFUSED = "commit_refused"  # the change can never be written (its spec no longer renders)
    PROPOSED = "proposed"  # a pull request proposes the change
    PROPOSAL_CLOSED = "proposal_closed"  # that pull request was closed without merge
    WITHDRAWN = "withdrawn"  # a deletion of a store that never reached git: nothing to remove
    # the cluster watcher
    CONVERGED = "converged"  # the cluster runs exactly the store's current spec, setup included
    FAILED = "failed"  # a terminal failure of the current spec (Helm, Argo CD, the setup Job)
    TIMED_OUT = "timed_out"  # no verdict within the time allowed
    REMOVED = "removed"  # nothing of the store is left in the cluster
    DEGRADED = "degraded"  # a ready store's applier reports it unhealthy (no new spec involved)


# Failures the platform may retry on its own (AUTO_RETRY_MAX): what the cluster reported, which a
# second try can cure. A change that cannot be written, or a pull request a reviewer closed, waits
# for a person.
AUTO_RETRYABLE = frozenset({Event.FAILED, Event.TIMED_OUT})


S, E = StoreStatus, Event

# Read it as the design's lifecycle, row by row.
LIFECYCLE: dict[StoreStatus, dict[Event, StoreStatus]] = {
    S.REQUESTED: {
        E.COMMITTED: S.PROVISIONING, E.PROPOSED: S.PENDING_APPROVAL, E.SPEC_CHANGED: S.REQUESTED,
        E.COMMIT_REFUSED: S.FAILED, E.PROPOSAL_CLOSED: S.FAILED, E.DELETE: S.DELETING,
    },
    S.PENDING_APPROVAL: {
        E.COMMITTED: S.PROVISIONING, E.PROPOSED: S.PENDING_APPROVAL, E.SPEC_CHANGED: S.PENDING_APPROVAL,
        E.COMMIT_REFUSED: S.FAILED, E.PROPOSAL_CLOSED: S.FAILED, E.DELETE: S.DELETING,
    },
    S.PROVISIONING: {
        E.CONVERGED: S.READY, E.FAILED: S.FAILED, E.TIMED_OUT: S.FAILED,
        E.COMMITTED: S.PROVISIONING, E.PROPOSED: S.PROVISIONING, E.SPEC_CHANGED: S.PROVISIONING,
        E.COMMIT_REFUSED: S.FAILED, E.PROPOSAL_CLOSED: S.FAILED, E.DELETE: S.DELETING,
    },
    S.READY: {
        E.DEGRADED: S.DEGRADED, E.SPEC_CHANGED: S.UPDATING, E.RESTORE: S.RESTORING, E.DELETE: S.DELETING,
    },
    S.DEGRADED: {
        E.CONVERGED: S.READY, E.DEGRADED: S.DEGRADED, E.SPEC_CHANGED: S.UPDATING, E.RESTORE: S.RESTORING,
        E.DELETE: S.DELETING,
    },
    S.UPDATING: {
        E.CONVERGED: S.READY, E.FAILED: S.FAILED, E.TIMED_OUT: S.FAILED,
        E.COMMITTED: S.UPDATING, E.PROPOSED: S.UPDATING, E.SPEC_CHANGED: S.UPDATING,
        E.COMMIT_REFUSED: S.FAILED, E.PROPOSAL_CLOSED: S.FAILED, E.DELETE: S.DELETING,
    },
    # A person's commit to a restoring store's directory (a `git revert` of a stage) ends the
    # platform's part in the restore: the store converges on what git says (docs/backups.md). The
    # API and rollouts change no restoring store (STORE_BUSY, skipped).
    S.RESTORING: {
        E.CONVERGED: S.READY, E.FAILED: S.FAILED, E.TIMED_OUT: S.FAILED,
        E.COMMITTED: S.RESTORING, E.PROPOSED: S.RESTORING, E.RESTORE_ADVANCED: S.RESTORING,
        E.SPEC_CHANGED: S.UPDATING, E.COMMIT_REFUSED: S.FAILED, E.PROPOSAL_CLOSED: S.FAILED,
        E.DELETE: S.DELETING,
    },
    S.FAILED: {
        E.RETRY: S.REQUESTED, E.SPEC_CHANGED: S.UPDATING, E.RESTORE: S.RESTORING, E.DELETE: S.DELETING,
    },
    # A store deleted with `keep_backup` waits here for its final backup before its removal is
    # queued (docs/backups.md): `backed_up` queues it; a final backup that fails or does not end in
    # time fails the store with nothing removed (`backup_failed`, which the platform never retries:
    # deleting it again, with or without a final backup, or retrying it is the owner's decision).
    S.DELETING: {
        E.REMOVED: S.DELETED, E.WITHDRAWN: S.DELETED, E.TIMED_OUT: S.FAILED, E.BACKUP_FAILED: S.FAILED,
        E.BACKED_UP: S.DELETING, E.COMMITTED: S.DELETING, E.PROPOSED: S.DELETING,
        E.COMMIT_REFUSED: S.FAILED, E.PROPOSAL_CLOSED: S.FAILED,
    },
    S.DELETED: {},
}  # fmt: skip

# How a store comes to exist: the events that create its row, and the status it starts in. A store
# created from a backup starts restoring: its first commit declares the Velero Restore, its release
# comes with the restore's last one (docs/backups.md).
INITIAL: dict[Event, StoreStatus] = {
    E.REQUESTED: S.REQUESTED, E.ADOPTED: S.PROVISIONING, E.RESTORE: S.RESTORING,
}  # fmt: skip

# The moves the table allows (self-loops aside), for readers who ask "may a store go from a to b".
TRANSITIONS: dict[StoreStatus, frozenset[StoreStatus]] = {
    status: frozenset(target for target in row.values() if target is not status)
    for status, row in LIFECYCLE.items()
}
# Statuses in which the platform or the cluster is still working towards a target.
TRANSITIONAL: frozenset[StoreStatus] = frozenset(
    {S.REQUESTED, S.PENDING_APPROVAL, S.PROVISIONING, S.UPDATING, S.RESTORING, S.DELETING}
)
TERMINAL: frozenset[StoreStatus] = frozenset(status for status, row in LIFECYCLE.items() if not row)


class InvalidTransition(ValueError):
    def __init__(self, current: StoreStatus, target: StoreStatus) -> None:
        allowed = ", ".join(sorted(TRANSITIONS[current])) or "nothing (terminal)"
        super().__init__(f"a store in '{current}' cannot move to '{target}' (allowed: {allowed})")
        self.current = current
        self.target = target


class EventRefused(ValueError):
    """An event the store's status has no entry for."""

    def __init__(self, current: StoreStatus, event: Event) -> None:
        accepted = ", ".join(sorted(LIFECYCLE[current])) or "nothing (terminal)"
        super().__init__(f"a store in '{current}' does not take '{event}' (it takes: {accepted})")
        self.current = current
        self.event = event


def next_status(current: StoreStatus, event: Event) -> StoreStatus | None:
    """The status `event` moves a store in `current` to; None when it does not apply."""
    return LIFECYCLE[current].get(event)


def accepts(current: StoreStatus, event: Event) -> bool:
    return event in LIFECYCLE[current]


def can_transition(current: StoreStatus, target: StoreStatus) -> bool:
    return target in TRANSITIONS[current]


def check_transition(current: StoreStatus, target: StoreStatus) -> None:
    if not can_transition(current, target):
        raise InvalidTransition(current, target)


def mermaid_diagram() -> str:
    """The state diagram, one labelled arrow per status change (self-loops are left out)."""
    lines = ["stateDiagram-v2"]
    lines.extend(f"    [*] --> {status}: {event}" for event, status in INITIAL.items())
    for current, row in LIFECYCLE.items():
        by_target: dict[StoreStatus, list[str]] = {}
        for event, target in row.items():
            if target is not current:
                by_target.setdefault(target, []).append(event.value)
        lines.extend(
            f"    {current} --> {target}: {', '.join(events)}" for target, events in by_target.items()
        )
    lines.extend(f"    {status} --> [*]" for status in sorted(TERMINAL))
    return "\n".join(lines)


def event_table_markdown() -> str:
    """The table as markdown: one row per status, one column per event (blank: does not apply)."""
    header = "| status | " + " | ".join(event.value for event in Event) + " |"
    rule = "|" + "---|" * (len(Event) + 1)
    rows = [
        f"| **{status}** | " + " | ".join(_cell(status, row.get(event)) for event in Event) + " |"
        for status, row in LIFECYCLE.items()
    ]
    return "\n".join([header, rule, *rows])


def _cell(current: StoreStatus, target: StoreStatus | None) -> str:
    if target is None:
        return ""
    return "(stays)" if target is current else str(target)


if __name__ == "__main__":
    print(mermaid_diagram())
    print()
    print(event_table_markdown())
