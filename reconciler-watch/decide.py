"""The read-path semantics as one pure function: `decide(observed, store) -> Decision | None`.

No I/O: the caller gathers the cluster objects (and the fleet repo's ancestor check) into `Observed`,
and applies the result with optimistic locking. The rules (docs/architecture.md, "The read path"):

- ready only when the applier's own object carries the store's current spec hash and reports healthy
  for it (Flux: at its generation; Argo CD: synced at a revision that *contains* the store's commit,
  compared with and synced from its current source), and the post-install setup Job for the store's
  current setup key succeeded;
- failed only from terminal signals about that revision (Flux `Stalled`, or `Ready=False` at the
  current generation with no `Reconciling`; Argo CD operation `Failed`/`Error`, an `*Error` condition,
  `Degraded` after the operation ended), from a failed setup Job, or from the timeout;
- everything else is still working: at most the store's message changes.

Every cluster write the watcher makes is an action a `Decision` carries (`EnsureCredentials`,
`StartSetup`, `PublishStorefrontKey`, `RequestRetry`); `Observed` says which ones already succeeded,
so an action is asked for again only while it has not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storefleet.api.domain.lifecycle import StoreStatus
from storefleet.reconciler_watch.actions import Action as Action
from storefleet.reconciler_watch.actions import AdvanceRestore as AdvanceRestore
from storefleet.reconciler_watch.actions import EnsureCredentials as EnsureCredentials
from storefleet.reconciler_watch.actions import PublishStorefrontKey as PublishStorefrontKey
from storefleet.reconciler_watch.actions import QueueRemoval as QueueRemoval
from storefleet.reconciler_watch.actions import RequestRetry as RequestRetry
from storefleet.reconciler_watch.actions import StartSetup as StartSetup
from storefleet.reconciler_watch.decision import MAX_MESSAGE as MAX_MESSAGE
from storefleet.reconciler_watch.decision import Decision as Decision
from storefleet.reconciler_watch.decision import StoreView as StoreView
from storefleet.reconciler_watch.decision import Timeouts as Timeouts
from storefleet.reconciler_watch.decision import clip, span
from storefleet.reconciler_watch.decision import observed_event as observed_event
from storefleet.reconciler_watch.final_backup import final_backup_decision
from storefleet.reconciler_watch.health import applier_health
from storefleet.reconciler_watch.namespace_limits import LIMITS_UNREAD, MSG_LIMITS, missing_limits
from storefleet.reconciler_watch.observed import ArgoApp, Condition, FluxRelease, Observed, SetupJob
from storefleet.reconciler_watch.pod_health import CrashLoopRule, crash_looping, crash_message
from storefleet.reconciler_watch.restore import CLEARING, RESTORING, clearing_verdict, restore_verdict
from storefleet.reconciler_watch.setup_job import pending_setup_generation, setup_job_name
from storefleet.reconciler_watch.storefront_key import KEY_REPORTING_ENGINE

S = StoreStatus
MSG_WAITING_FOR_APPLY = "committed {sha}; waiting for the cluster to apply"
MSG_CREDENTIALS = "preparing the store's credentials Secret"
MSG_SETUP_RUNNING = "running the post-install setup"
MSG_SETUP_WAITING = "post-install setup: waiting for the previous setup to finish"


def decide(
    observed: Observed,
    store: StoreView,
    timeouts: Timeouts | None = None,
    crash_loop: CrashLoopRule | None = None,
) -> Decision | None:
    limits = timeouts or Timeouts()
    if store.status in (S.PROVISIONING, S.UPDATING):
        decision = _abandoned_restore(store) or _converging(observed, store, limits)
    elif store.status is S.DELETING:
        decision = _deleting(observed, store, limits)
    elif store.status is S.RESTORING:
        decision = _restoring(observed, store, limits)
    elif store.status in (S.READY, S.DEGRADED):
        running = _running(observed, store, crash_loop or CrashLoopRule())
        if running is None:
            return None
        decision = running
    else:
        return None  # requested/pending: not committed yet; failed/deleted: settled
    if decision.status is None and decision.message == store.status_message and not decision.actions:
        return None
    return decision


# ---- ready / degraded: a running store's health, with no new spec -----------------------------------
def _running(observed: Observed, store: StoreView, rule: CrashLoopRule) -> Decision | None:
    """A ready store whose applier reports it unhealthy at its current spec is degraded (with the
    applier's reason), and so is one whose container crash-loops (pod_health.py; the applier's reason
    wins when both hold). A degraded one is ready again when neither holds and the applier reports it
    healthy. Anything the applier has not judged yet (a new generation, an object of another spec)
    changes nothing by itself. The pod facts and the applier's object come from two caches whose
    events arrive in no order: each signal is judged alone, and the pod rule counts for a ready store
    only a crash after it became ready."""
    health = applier_health(observed.applier, store.spec_hash)
    if health is not None and not health[0]:
        return _degraded(store, health[1], "degraded")
    ready_since = None if store.status is S.DEGRADED else store.since
    crash = crash_looping(observed.pod_crashes, observed.now, rule, ready_since=ready_since)
    if crash is not None:
        return _degraded(store, crash_message(crash), "crash_loop")
    if health is not None and observed.probe_failure:
        return _degraded(store, observed.probe_failure, "probe")
    if health is None or store.status is not S.DEGRADED:
        return None
    return Decision(S.READY, f"healthy again: {clip(health[1])}", "recovered")


def _degraded(store: StoreView, message: str, reason: str) -> Decision:
    text = clip(message)
    if store.status is S.DEGRADED:  # still unhealthy: at most the reason changes
        return Decision(None, text, reason)
    return Decision(S.DEGRADED, text, reason, error=text)


# ---- provisioning / updating ------------------------------------------------------------------------
def _converging(observed: Observed, store: StoreView, limits: Timeouts) -> Decision:
    decision = _toward_ready(observed, store, limits)
    if observed.credentials_ready or decision.status is S.FAILED:
        return decision
    # The chart's pods cannot start without the Secret: no progress counts before it exists.
    ensure = EnsureCredentials(create_namespace=not observed.namespace_present)
    return Decision(None, MSG_CREDENTIALS, "credentials", actions=(ensure,))


def _toward_ready(observed: Observed, store: StoreView, limits: Timeouts) -> Decision:
    applier = observed.applier
    if isinstance(applier, FluxRelease):
        verdict = _flux(applier, store)
    elif isinstance(applier, ArgoApp):
        verdict = _argo(applier, store)
    else:
        verdict = _Verdict("working", _waiting(store), "not_applied")
    if verdict.state == "failed":
        return Decision(S.FAILED, clip(verdict.message), verdict.reason, error=clip(verdict.message))
    if verdict.state == "healthy":
        setup = _limits_checked(observed, store, limits) or _setup(observed, store)
        if setup is None:
            return Decision(S.READY, f"ready at {(store.last_commit_sha or '')[:12]}", "healthy")
        # A running setup Job is bounded by its own activeDeadlineSeconds, not by this timeout.
        return setup
    if observed.now - store.since > limits.provisioning:
        message = clip(f"timed out after {span(limits.provisioning)}: {verdict.message}")
        return Decision(S.FAILED, message, "timeout", error=message)
    return _working(verdict, observed, store)


@dataclass(frozen=True)
class _Verdict:
    state: str  # healthy | failed | working
    message: str
    reason: str


def _working(verdict: _Verdict, observed: Observed, store: StoreView) -> Decision:
    """Still working; a retry the applier has not been asked for yet is asked for now."""
    actions: tuple[Action, ...] = ()
    if verdict.reason == "retrying" and store.retry_token and not observed.retry_nudged:
        actions = (RequestRetry(store.retry_token),)
    return Decision(None, clip(verdict.message), verdict.reason, actions=actions)


def _waiting(store: StoreView) -> str:
    if not store.last_commit_sha:
        return "committed; waiting for the cluster to apply"
    return MSG_WAITING_FOR_APPLY.format(sha=store.last_commit_sha[:12])


def _of_current_spec(spec_hash: str | None, store: StoreView) -> bool:
    return store.spec_hash is not None and spec_hash == store.spec_hash


def _flux(release: FluxRelease, store: StoreView) -> _Verdict:
    # Watch events are ordered within one kind only: the Kustomization's applied revision may be ahead
    # of the cached HelmRelease, so every verdict comes from a HelmRelease of the current spec alone.
    if not _of_current_spec(release.spec_hash, store):
        return _Verdict("working", _flux_waiting(release, store), "not_applied")
    if store.retry_token and release.last_handled_reconcile_at != store.retry_token:
        return _Verdict("working", "retry requested; waiting for Flux to reconcile the release", "retrying")
    generation = release.generation
    ready, stalled = release.conditions.get("Ready"), release.conditions.get("Stalled")
    reconciling = release.conditions.get("Reconciling")
    if stalled and stalled.is_true and _at(stalled, generation):
        # Stalled says that retries ran out; Ready=False says why the last attempt failed.
        cause = f": {ready.message}" if ready is not None and ready.is_false and ready.message else ""
        return _Verdict("failed", f"Helm: {stalled.message or stalled.reason}{cause}", "stalled")
    current = ready is not None and _at(ready, generation)
    if current and ready is not None and ready.is_false and not (reconciling and reconciling.is_true):
        return _Verdict("failed", f"Helm: {ready.message or ready.reason}", "ready_false")
    if current and ready is not None and ready.is_true and release.observed_generation == generation:
        return _Verdict("healthy", ready.message, "healthy")
    return _Verdict("working", _flux_progress(release, ready, reconciling), "progressing")


def _flux_waiting(release: FluxRelease, store: StoreView) -> str:
    if release.contains_commit:
        return f"{_waiting(store)}: the fleet revision is applied, the HelmRelease not updated yet"
    return _waiting(store)


def _at(condition: Condition, generation: int) -> bool:
    return condition.observed_generation is None or condition.observed_generation == generation


def _flux_progress(release: FluxRelease, ready: Condition | None, reconciling: Condition | None) -> str:
    action = "upgrade" if release.generation > 1 else "install"
    source = reconciling if reconciling and reconciling.is_true else ready
    detail = source.message if source and source.message else "waiting for the helm-controller"
    return f"Helm {action}: {detail}"


def _argo(app: ArgoApp, store: StoreView) -> _Verdict:
    broken = _comparison_failed(app, store)
    if broken is not None:
        return _Verdict("failed", f"Argo CD ComparisonError: {broken.message}", "comparison_error")
    # A refresh of the store's Application resolves the new commit before the root app updates its
    # spec, and reports Synced at that commit with the old values: only the current spec counts.
    if not app.contains_commit or not _of_current_spec(app.spec_hash, store):
        return _Verdict("working", _waiting(store), "not_applied")
    if not app.status_of_spec:
        return _Verdict("working", "Argo CD: waiting for a comparison with the new spec", "progressing")
    floor = store.retry_requested_at
    started = app.operation_started_at
    # Argo CD stamps operations to the second, so the retry's own sync is known by its token; any
    # later operation (an automated sync after a new commit) by its start.
    ours = store.retry_token is not None and app.operation_retry_token == store.retry_token
    current_operation = floor is None or ours or (started is not None and started >= floor)
    if store.retry_token and not current_operation:
        return _Verdict("working", "retry requested; waiting for Argo CD to sync", "retrying")
    if current_operation and app.operation_phase in ("Failed", "Error"):
        phase = app.operation_phase.lower()
        return _Verdict("failed", f"Argo CD sync {phase}: {app.operation_message}", "sync_failed")
    errors = [c for c in app.error_conditions if _about_attempt(c, floor)]
    if errors:
        return _Verdict("failed", f"Argo CD {errors[0].type}: {errors[0].message}", "error_condition")
    operation_over = app.operation_phase in (None, "Succeeded", "Failed", "Error")
    if app.health_status == "Degraded" and operation_over and current_operation:
        detail = app.health_message or "see the application"
        return _Verdict("failed", f"Argo CD: degraded: {detail}", "degraded")
    synced = app.sync_status == "Synced" and app.operation_phase in (None, "Succeeded")
    if synced and app.health_status == "Healthy":
        return _Verdict("healthy", "synced and healthy", "healthy")
    return _Verdict("working", _argo_progress(app), "progressing")


def _comparison_failed(app: ArgoApp, store: StoreView) -> Condition | None:
    """A ComparisonError about the current spec that a later refresh still reports: manifest
    generation fails for good. Argo CD then writes no sync revision, so it is judged without one."""
    if not (_of_current_spec(app.spec_hash, store) and app.compared_with_spec and app.reconciled_at):
        return None
    floor = store.retry_requested_at
    for condition in app.error_conditions:
        since = condition.last_transition
        persisted = since is not None and app.reconciled_at > since
        if condition.type == "ComparisonError" and persisted and (floor is None or app.reconciled_at > floor):
            return condition
    return None


def _about_attempt(condition: Condition, floor: datetime | None) -> bool:
    """Whether a condition may be about the current attempt (undated ones are taken as current).

    After a retry, a SyncError may be a late refresh's record of the very failure retried, stamped
    after the retry: the retry's own failure shows in its operation, checked before conditions."""
    if floor is None:
        return True
    if condition.type == "SyncError":
        return False
    return condition.last_transition is None or condition.last_transition >= floor


def _argo_progress(app: ArgoApp) -> str:
    if app.operation_phase == "Running":
        return f"Argo CD sync running: {app.operation_message or 'applying'}"
    if app.sync_status != "Synced":
        return f"Argo CD: {app.sync_status or 'Unknown'}; waiting for the sync"
    health = app.health_status or "Unknown"
    return f"Argo CD: {health}: {app.health_message}" if app.health_message else f"Argo CD: {health}"


def _limits_checked(observed: Observed, store: StoreView, limits: Timeouts) -> Decision | None:
    """At install, before the setup Job exists: the namespace's quota and LimitRange (seed 000).
    None: nothing to check, or both there. Unread: the watcher reads them and decides again."""
    job = observed.setup_job
    created = job is not None and job.name == setup_job_name(store)  # checked before it was made
    if not _first_install(store) or not store.limits_expected or created:
        return None
    if observed.namespace_limits is None:
        if observed.now - store.since > limits.provisioning:  # never readable: not forever
            text = f"timed out after {span(limits.provisioning)}: {MSG_LIMITS}"
            return Decision(S.FAILED, text, "timeout", error=text)
        return Decision(None, MSG_LIMITS, LIMITS_UNREAD)
    missing = missing_limits(observed.namespace_limits, store.limits_expected)
    return Decision(S.FAILED, missing, "limits_missing", error=missing) if missing else None


def _first_install(store: StoreView) -> bool:
    """A store's first release: provisioning, or the last stage of its creation from a backup (the
    release comes over the restored data; its setup key was recorded done with that commit)."""
    if store.status is S.PROVISIONING:
        return True
    return store.status is S.RESTORING and store.restored_from_backup and store.restore_stage is None


def _setup(observed: Observed, store: StoreView) -> Decision | None:
    """None when setup is done for the current key; otherwise what setup needs next."""
    if store.setup_done_key == store.setup_key:
        return None
    job = observed.setup_job
    if job is None or job.name != setup_job_name(store):  # another change's Job is not this one's
        if observed.setup_jobs_active:  # two setups at once would race on the same store
            return Decision(None, MSG_SETUP_WAITING, "setup_waiting")
        start = StartSetup(store.setup_key, pending_setup_generation(store))
        return Decision(None, MSG_SETUP_RUNNING, "setup_started", actions=(start,))
    if job.failed:
        return _setup_failed(job, job.failure_reason or "the Job failed")
    if not job.succeeded:
        return Decision(None, MSG_SETUP_RUNNING, "setup_running")
    if store.engine != KEY_REPORTING_ENGINE or observed.key_published:
        return None
    if observed.storefront_key is None:
        return _setup_failed(job, "the setup reported no publishable API key")
    publish = PublishStorefrontKey(job.name, observed.storefront_key)
    return Decision(None, MSG_SETUP_RUNNING, "setup_publishing", actions=(publish,))


def _setup_failed(job: SetupJob, reason: str) -> Decision:
    tail = f"\n{job.log_tail.strip()}" if job.log_tail.strip() else ""
    summary = f"post-install setup failed: {reason}"
    return Decision(S.FAILED, clip(summary), "setup_failed", error=clip(summary + tail, 2000))


# ---- restoring (docs/backups.md) ----------------------------------------------------------------------
def _restoring(observed: Observed, store: StoreView, limits: Timeouts) -> Decision:
    """By the stage the spec declares: cleared → commit the Restore; Restore Completed → commit the
    restore done; then (no restore left in the spec) the release's normal readiness, setup included.
    The provisioning timeout bounds each stage (every stage's commit restarts the clock)."""
    stage, name = store.restore_stage, store.restore_name
    if stage is None:
        return _reinstalling(observed, store, limits)
    if stage == CLEARING:
        verdict = clearing_verdict(observed.clearing)
    elif stage == RESTORING and name is not None:
        verdict = restore_verdict(observed.restore, name)
    else:
        text = f"restore stage {stage!r} of {name} is not one the platform knows"
        return Decision(S.FAILED, text, "restore_failed", error=text)
    if verdict.state == "failed":
        return Decision(S.FAILED, clip(verdict.message), "restore_failed", error=clip(verdict.message))
    if verdict.state == "advance" and name is not None:
        set_up = store.setup_key if store.restored_from_backup and stage == RESTORING else None
        advance = AdvanceRestore(name, stage, set_up)
        return Decision(None, clip(verdict.message), "restore_advance", actions=(advance,))
    if observed.now - store.since > limits.provisioning:
        text = clip(f"timed out after {span(limits.provisioning)} at stage {stage}: {verdict.message}")
        return Decision(S.FAILED, text, "timeout", error=text)
    return Decision(None, clip(verdict.message), f"restore_{stage}")


def _reinstalling(observed: Observed, store: StoreView, limits: Timeouts) -> Decision:
    """The restore's last commit brought the release back: ready like an update of the same spec."""
    decision = _converging(observed, store, limits)
    if decision.status is S.READY:
        return decision
    prefix = "restored; " if decision.reason != "timeout" else "restored, then "
    text = clip(prefix + "reinstalling the release: " + decision.message)
    return Decision(decision.status, text, decision.reason, decision.error and text, decision.actions)


def _abandoned_restore(store: StoreView) -> Decision | None:
    """A store converging (not restoring) on a spec that still declares a restore: a person's commit
    took it out of the restore (docs/backups.md). Its release is left out of git by that stage, so it
    can never become ready: failed at once, saying how to end it."""
    if store.restore_stage is None:
        return None
    text = (
        f"store.yaml declares restore {store.restore_name} at stage {store.restore_stage}, which the"
        " platform no longer drives (changed in git): retry the store, or remove `restore` in git"
    )
    return Decision(S.FAILED, text, "restore_abandoned", error=text)


# ---- deleting ------------------------------------------------------------------------------------------
def _deleting(observed: Observed, store: StoreView, limits: Timeouts) -> Decision:
    if store.final_backup:  # nothing removed yet: the removal waits for the final backup
        return final_backup_decision(observed.final_backup, store, observed.now, limits.deletion)
    if observed.applier is None and not observed.namespace_present:
        return Decision(S.DELETED, "deleted", "gone")
    still = _still_there(observed, store)
    if observed.now - store.since > limits.deletion:
        message = clip(f"deletion timed out after {span(limits.deletion)}; still there: {', '.join(still)}")
        return Decision(S.FAILED, message, "deletion_timeout", error=message)
    return Decision(None, clip(f"deleting; waiting for {', '.join(still)} to go"), "deleting")


def _still_there(observed: Observed, store: StoreView) -> list[str]:
    kind = "HelmRelease" if isinstance(observed.applier, FluxRelease) else "Application"
    still = [f"{kind} {store.id}"] if observed.applier is not None else []
    if observed.namespace_present:
        still.append(f"namespace {store.id}")
    return still + list(observed.leftovers)
