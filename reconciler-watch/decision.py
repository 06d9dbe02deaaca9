"""The vocabulary of the watcher's verdicts (pure): the store as the watcher sees it (`StoreView`), the
timeouts, and what `decide` returns (`Decision`), with the lifecycle event a verdict reports. Kept
apart from the rules so that the modules holding one rule each (namespace limits, pod health) build
their verdicts without importing `decide`."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from storefleet.api.domain.lifecycle import Event, StoreStatus
from storefleet.reconciler_watch.actions import Action

S = StoreStatus
MAX_MESSAGE = 500


@dataclass(frozen=True)
class StoreView:
    """The store as the watcher needs it (one row of `stores`)."""

    id: str
    status: StoreStatus
    last_commit_sha: str | None
    since: datetime  # when the store entered its current status
    setup_key: str  # what the post-install setup depends on, for the current spec
    setup_done_key: str | None  # the setup key whose Job last succeeded
    status_message: str | None = None
    # Set when the platform asked the applier to retry (Flux reset/reconcile request token, or an
    # Argo CD sync operation): until the applier has handled it, its old status says nothing.
    retry_token: str | None = None
    retry_requested_at: datetime | None = None
    # The hash of the store's current spec: an applier object speaks for the store only when it carries
    # it (the renderer stamps it on the HelmRelease and the Application). None: nothing is current.
    spec_hash: str | None = None
    setup_generation: int = 0  # names the setup Job of the pending change (setup_job.job_name)
    setup_started_key: str | None = None  # the setup key of the last Job started (None: none recorded)
    engine: str = "woocommerce"  # a Medusa setup also reports the storefront's publishable key
    # An in-place restore the spec declares (docs/backups.md): its Velero Restore and its stage.
    restore_name: str | None = None
    restore_stage: str | None = None
    # The limit objects the chart creates in the namespace (namespace_limits.expected_limits): checked
    # at install, before the setup Job is created.
    limits_expected: tuple[str, ...] = ()
    # The chart instance naming the store's objects: its id, or the instance a store created from a
    # backup kept (`renderer.names.chart_instance`); empty: the id.
    instance: str = ""
    # Created from a backup (docs/backups.md): the restore's last commit records its restored data as
    # set up (no setup Job over it), and its release's first install is checked as any.
    restored_from_backup: bool = False
    # Deleted with `keep_backup` (docs/backups.md): the final Velero Backup its removal waits for.
    final_backup: str | None = None

    @property
    def chart_instance(self) -> str:
        return self.instance or self.id


@dataclass(frozen=True)
class Timeouts:
    provisioning: timedelta = timedelta(minutes=10)
    deletion: timedelta = timedelta(minutes=10)
    move_stage: timedelta = timedelta(minutes=30)  # a stage of a store's move to another cluster


@dataclass(frozen=True)
class Decision:
    status: StoreStatus | None  # the transition to make; None keeps the status
    message: str
    reason: str  # a short machine word for audit rows and metrics
    error: str | None = None
    actions: tuple[Action, ...] = ()  # cluster writes to make, in order


_TIMEOUTS = frozenset({"timeout", "deletion_timeout"})
# A deleted store's final backup failed or did not end in time: the store fails, nothing removed.
FINAL_BACKUP_FAILED = frozenset({"final_backup_failed", "final_backup_timeout"})


def observed_event(decision: Decision) -> Event:
    """The lifecycle event a verdict reports (`decide` only returns a status the table reaches)."""
    if decision.reason in FINAL_BACKUP_FAILED:  # not retried by the platform: nothing was removed
        return Event.BACKUP_FAILED
    if decision.status is S.READY:
        return Event.CONVERGED
    if decision.status is S.DEGRADED:
        return Event.DEGRADED
    if decision.status is S.DELETED:
        return Event.REMOVED
    return Event.TIMED_OUT if decision.reason in _TIMEOUTS else Event.FAILED


def clip(text: str, limit: int = MAX_MESSAGE) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


SIMULATED = "simulated: "


def simulated(decision: Decision) -> Decision:
    """The verdict as a simulated cluster's: its message says so, so nobody takes it for a real one."""
    return replace(decision, message=clip(SIMULATED + decision.message))


def span(limit: timedelta) -> str:
    """A timeout as a person says it: "10 min", "90 s"."""
    seconds = int(limit.total_seconds())
    return f"{seconds // 60} min" if seconds >= 60 and seconds % 60 == 0 else f"{seconds} s"
