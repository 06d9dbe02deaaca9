"""`decide` as a table: every condition combination the read-path semantics name, for both appliers,
plus properties checked over the whole product of Flux signals."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from storefleet.api.domain.lifecycle import Event
from storefleet.api.domain.lifecycle import StoreStatus as S
from storefleet.reconciler_watch.decide import (
    Decision,
    StartSetup,
    StoreView,
    Timeouts,
    decide,
    observed_event,
)
from storefleet.reconciler_watch.observed import ArgoApp, Condition, FluxRelease, Observed, SetupJob
from storefleet.reconciler_watch.setup_job import setup_job_name

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
SINCE = NOW - timedelta(minutes=2)
G = 3
SHA = "0123456789abcdef0123456789abcdef01234567"
HASH, OLD_HASH = "spec-hash-now", "spec-hash-before"
STORE = StoreView(
    id="st-abcdefgh23", status=S.PROVISIONING, last_commit_sha=SHA, since=SINCE,
    setup_key="k1", setup_done_key="k1", status_message=None, spec_hash=HASH,
)  # fmt: skip


def cond(type_: str, status: str, gen: int | None = G, reason: str = "", message: str = "") -> Condition:
    return Condition(type_, status, reason or type_, message or f"{type_} is {status}", gen)


def flux(
    *conditions: Condition, observed: int | None = G, contains: bool | None = True, **kw: object
) -> FluxRelease:
    kw.setdefault("spec_hash", HASH)
    return FluxRelease(G, observed, {c.type: c for c in conditions}, contains, **kw)  # type: ignore[arg-type]


def argo(
    sync: str | None = "Synced",
    health: str | None = "Healthy",
    phase: str | None = "Succeeded",
    errors: tuple[Condition, ...] = (),
    contains: bool | None = True,
    started: datetime | None = SINCE,
    spec_hash: str | None = HASH,
    status_of_spec: bool = True,
) -> ArgoApp:
    return ArgoApp(sync, health, "", phase, "op message", started, errors, contains,
                   spec_hash=spec_hash, status_of_spec=status_of_spec)  # fmt: skip


def run(applier: FluxRelease | ArgoApp | None, store: StoreView = STORE, **kw: object) -> Decision | None:
    return decide(Observed(now=NOW, applier=applier, **kw), store)  # type: ignore[arg-type]


def outcome(decision: Decision | None) -> str:
    if decision is None:
        return "none"
    if any(isinstance(action, StartSetup) for action in decision.actions):
        return "start_setup"
    return str(decision.status) if decision.status else "working"


def rdy(status: str, gen: int | None = G, reason: str = "") -> Condition:
    return cond("Ready", status, gen, reason)


def stl(status: str, gen: int | None = G) -> Condition:
    return cond("Stalled", status, gen, "RetriesExceeded")


def rec(status: str) -> Condition:
    return cond("Reconciling", status, reason="Progressing")


READY_AT_G = rdy("True", reason="InstallSucceeded")
FLUX_TABLE = [
    ("no HelmRelease yet", None, "working"),
    # The Kustomization's cache and the HelmRelease's are not ordered: only the HelmRelease counts.
    ("old spec, nothing applied seen", flux(READY_AT_G, contains=None, spec_hash=OLD_HASH), "working"),
    ("old spec, Kustomization applied our commit", flux(READY_AT_G, spec_hash=OLD_HASH), "working"),
    ("HelmRelease with no spec hash", flux(READY_AT_G, spec_hash=None), "working"),
    ("old spec, Stalled", flux(stl("True"), spec_hash=OLD_HASH), "working"),
    ("old spec, Ready=False", flux(rdy("False"), spec_hash=OLD_HASH), "working"),
    ("current spec, Kustomization seen behind", flux(READY_AT_G, contains=False), "ready"),
    ("current spec, no Kustomization revision seen", flux(READY_AT_G, contains=None), "ready"),
    ("Ready=True at G, observedGeneration G", flux(READY_AT_G), "ready"),
    ("Ready=True at G, status.observedGeneration behind", flux(READY_AT_G, observed=G - 1), "working"),
    ("Ready=True for an older generation", flux(rdy("True", G - 1)), "working"),
    ("Ready=Unknown while progressing", flux(rdy("Unknown"), rec("True")), "working"),
    ("Ready=False at G with Reconciling", flux(rdy("False"), rec("True")), "working"),
    ("Ready=False at G, Reconciling=False", flux(rdy("False"), rec("False")), "failed"),
    ("Ready=False at G, no Reconciling", flux(rdy("False", reason="InstallFailed")), "failed"),
    ("Ready=False for an older generation", flux(rdy("False", G - 1)), "working"),
    ("Stalled=True at G (RetriesExceeded)", flux(stl("True")), "failed"),
    ("Stalled=True with Reconciling", flux(stl("True"), rec("True")), "failed"),
    ("Stalled=True for an older generation", flux(stl("True", G - 1), rdy("Unknown")), "working"),
    ("Stalled=False, Ready=True", flux(stl("False"), READY_AT_G), "ready"),
    ("no conditions at all", flux(), "working"),
    ("conditions without observedGeneration", flux(rdy("True", None)), "ready"),
]


@pytest.mark.parametrize(("case", "applier", "expected"), FLUX_TABLE, ids=[row[0] for row in FLUX_TABLE])
def test_flux(case: str, applier: FluxRelease | None, expected: str) -> None:
    assert outcome(run(applier)) == expected


ARGO_TABLE = [
    ("synced, healthy, operation succeeded", argo(), "ready"),
    ("synced, healthy, no operation", argo(phase=None), "ready"),
    ("synced to a revision without our commit", argo(contains=False), "working"),
    # A refresh before the root app updated the Application: Synced at our commit with the old values.
    ("synced at our commit, Application of the old spec", argo(spec_hash=OLD_HASH), "working"),
    ("synced at our commit, no spec hash", argo(spec_hash=None), "working"),
    ("old spec, operation failed", argo(phase="Failed", spec_hash=OLD_HASH), "working"),
    ("current spec, status compared with the old source", argo(status_of_spec=False), "working"),
    ("current spec, old source, degraded", argo(health="Degraded", status_of_spec=False), "working"),
    ("out of sync", argo(sync="OutOfSync", health="Healthy", phase=None), "working"),
    ("operation running", argo(phase="Running", health="Progressing"), "working"),
    ("healthy but operation still running", argo(phase="Running"), "working"),
    ("progressing after the sync", argo(health="Progressing"), "working"),
    ("health missing", argo(health="Missing", sync="OutOfSync", phase=None), "working"),
    ("operation failed", argo(phase="Failed", health="Progressing"), "failed"),
    ("operation error", argo(phase="Error", health="Missing"), "failed"),
    ("SyncError condition", argo(errors=(cond("SyncError", "True", None),), health="Progressing"), "failed"),
    ("ComparisonError condition", argo(errors=(cond("ComparisonError", "True", None),)), "failed"),
    ("degraded after the operation ended", argo(health="Degraded"), "failed"),
    ("degraded with no operation", argo(health="Degraded", phase=None), "failed"),
    ("degraded while the operation runs", argo(health="Degraded", phase="Running"), "working"),
    ("suspended", argo(health="Suspended", phase=None), "working"),
]


@pytest.mark.parametrize(("case", "applier", "expected"), ARGO_TABLE, ids=[row[0] for row in ARGO_TABLE])
def test_argo(case: str, applier: ArgoApp, expected: str) -> None:
    assert outcome(run(applier)) == expected


def test_a_retry_ignores_the_failure_it_retries_until_the_applier_handled_it() -> None:
    retried = replace(STORE, retry_token="2026-11-22T11:59:00Z", retry_requested_at=SINCE)
    stalled = flux(cond("Stalled", "True", reason="RetriesExceeded"), last_handled_reconcile_at="old")
    assert outcome(run(stalled, retried)) == "working"
    handled = replace(stalled, last_handled_reconcile_at=retried.retry_token)
    assert outcome(run(handled, retried)) == "failed"
    old_operation = argo(phase="Failed", started=SINCE - timedelta(seconds=1))
    assert outcome(run(old_operation, retried)) == "working"
    assert outcome(run(replace(old_operation, operation_started_at=SINCE), retried)) == "failed"
    old_error = cond("SyncError", "True", None)
    old_error = replace(old_error, last_transition=SINCE - timedelta(seconds=5))
    assert outcome(run(argo(errors=(old_error,), started=NOW), retried)) == "ready"


SETUP_STORE = replace(STORE, setup_done_key=None)
JOB = SetupJob("st-abcdefgh23-setup-k1-0", succeeded=False, failed=False)
SETUP_TABLE = [
    ("healthy, setup never ran: start it", None, "start_setup"),
    ("setup running", JOB, "working"),
    ("setup succeeded", replace(JOB, succeeded=True), "ready"),
    ("setup failed", replace(JOB, failed=True, failure_reason="BackoffLimitExceeded"), "failed"),
]


@pytest.mark.parametrize(("case", "job", "expected"), SETUP_TABLE, ids=[row[0] for row in SETUP_TABLE])
@pytest.mark.parametrize("applier", [flux(READY_AT_G), argo()], ids=["flux", "argo"])
def test_setup(case: str, job: SetupJob | None, expected: str, applier: FluxRelease | ArgoApp) -> None:
    assert outcome(run(applier, SETUP_STORE, setup_job=job)) == expected


def test_a_setup_input_changed_back_runs_a_new_job_not_the_old_one() -> None:
    """astra, then storefront, then astra again: the first astra Job, kept finished in the cluster,
    does not stand for the third change; its own Job, found again after a restart, does."""
    names = [setup_job_name(replace(STORE, setup_key=key, setup_generation=generation))
             for key, generation in (("astra-key", 0), ("storefront", 1), ("astra-key", 2))]  # fmt: skip
    assert len(set(names)) == 3
    back = replace(STORE, setup_key="astra-key", setup_done_key="storefront", setup_generation=2)
    old = SetupJob(names[0], succeeded=True, failed=False)
    assert outcome(run(flux(READY_AT_G), back, setup_job=old)) == "start_setup"
    assert outcome(run(flux(READY_AT_G), back, setup_job=replace(old, name=names[2]))) == "ready"


def test_a_failed_setup_carries_the_log_tail_in_the_error() -> None:
    job = replace(JOB, failed=True, failure_reason="BackoffLimitExceeded", log_tail="wp: error\nexit 1\n")
    decision = run(flux(READY_AT_G), SETUP_STORE, setup_job=job)
    assert decision is not None and decision.error is not None
    assert decision.error.endswith("wp: error\nexit 1") and "BackoffLimitExceeded" in decision.error


def test_a_running_setup_is_not_cut_short_by_the_provisioning_timeout() -> None:
    late = replace(SETUP_STORE, since=NOW - timedelta(hours=1))
    assert outcome(run(flux(READY_AT_G), late, setup_job=JOB)) == "working"


@pytest.mark.parametrize("applier", [None, flux(cond("Ready", "Unknown")), argo(phase="Running")])
def test_the_timeout_fails_a_store_that_is_still_working(applier: FluxRelease | ArgoApp | None) -> None:
    late = replace(STORE, since=NOW - timedelta(minutes=11))
    decision = run(applier, late)
    assert decision is not None and decision.status is S.FAILED and decision.reason == "timeout"
    assert decision.message.startswith("timed out after 10 min: ")
    patient = Timeouts(timedelta(minutes=30))
    assert outcome(decide(Observed(now=NOW, applier=applier), late, patient)) == "working"


def test_only_a_changed_message_is_a_decision() -> None:
    first = run(None)
    assert first is not None and first.message == f"committed {SHA[:12]}; waiting for the cluster to apply"
    assert run(None, replace(STORE, status_message=first.message)) is None


@pytest.mark.parametrize("status", [S.REQUESTED, S.PENDING_APPROVAL, S.READY, S.FAILED, S.DELETED])
def test_settled_or_uncommitted_stores_are_left_alone(status: S) -> None:
    for applier in (None, flux(cond("Stalled", "True")), argo(phase="Failed")):
        assert run(applier, replace(STORE, status=status)) is None


READY_STORE = replace(STORE, status=S.READY, status_message="ready at 0123456789ab")
RUNNING_TABLE = [
    # (what the applier reports about the store's current spec, the store's status, the verdict)
    ("Flux: Ready=False at the generation", flux(cond("Ready", "False", message="drift correction failed")),
     S.READY, S.DEGRADED),
    ("Flux: still reconciling", flux(cond("Ready", "False"), cond("Reconciling", "True")), S.READY, None),
    ("Flux: Ready=False of an older generation", flux(cond("Ready", "False", gen=G - 1)), S.READY, None),
    ("Flux: a release of another spec", flux(cond("Ready", "False"), spec_hash="old"), S.READY, None),
    ("Flux: ready again", flux(READY_AT_G), S.DEGRADED, S.READY),
    ("Argo CD: Degraded", argo(health="Degraded"), S.READY, S.DEGRADED),
    ("Argo CD: a sync running", argo(health="Degraded", phase="Running"), S.READY, None),
    ("Argo CD: healthy again", argo(), S.DEGRADED, S.READY),
    ("Argo CD: Progressing", argo(health="Progressing"), S.DEGRADED, None),
    ("no object", None, S.READY, None),
]  # fmt: skip


@pytest.mark.parametrize(
    ("why", "applier", "status", "verdict"), RUNNING_TABLE, ids=[r[0] for r in RUNNING_TABLE]
)
def test_a_running_stores_health_moves_it_between_ready_and_degraded_without_a_commit(
    why: str, applier: FluxRelease | ArgoApp | None, status: S, verdict: S | None
) -> None:
    decision = run(applier, replace(READY_STORE, status=status))
    if verdict is None:
        assert decision is None or decision.status is None, why
        return
    assert decision is not None and decision.status is verdict and not decision.actions, why
    assert observed_event(decision) is (Event.DEGRADED if verdict is S.DEGRADED else Event.CONVERGED)
    if verdict is S.DEGRADED:
        assert decision.error and decision.error in decision.message


def test_a_degraded_store_still_unhealthy_only_updates_its_reason() -> None:
    degraded = replace(READY_STORE, status=S.DEGRADED, status_message="Helm: old reason")
    decision = run(flux(cond("Ready", "False", message="new reason")), degraded)
    assert decision is not None and decision.status is None and decision.message == "Helm: new reason"
    settled = replace(degraded, status_message="Helm: new reason")
    assert run(flux(cond("Ready", "False", message="new reason")), settled) is None


PROBE_DOWN = "HTTP probe of https://shop.example.test/ failed 3 times in a row: HTTP 503"


def test_a_failing_probe_degrades_a_store_its_applier_calls_healthy() -> None:
    decision = run(flux(READY_AT_G), READY_STORE, probe_failure=PROBE_DOWN)
    assert decision is not None and decision.status is S.DEGRADED and decision.error == PROBE_DOWN
    degraded = replace(READY_STORE, status=S.DEGRADED, status_message=PROBE_DOWN)
    assert run(flux(READY_AT_G), degraded, probe_failure=PROBE_DOWN) is None  # nothing new to say
    healed = run(argo(), degraded)
    assert healed is not None and healed.status is S.READY


def test_the_appliers_own_reason_comes_before_the_probes() -> None:
    decision = run(
        flux(cond("Ready", "False", message="upgrade failed")), READY_STORE, probe_failure=PROBE_DOWN
    )
    assert decision is not None and decision.status is S.DEGRADED and "upgrade failed" in decision.message
    assert PROBE_DOWN not in decision.message
    # a release the applier has not judged yet is not judged by the probe either
    assert (
        run(flux(cond("Ready", "False"), cond("Reconciling", "True")), READY_STORE, probe_failure=PROBE_DOWN)
        is None
    )


DELETING = replace(STORE, status=S.DELETING)
DELETE_TABLE = [
    ("release and namespace gone", None, False, "deleted"),
    ("release gone, namespace still there", None, True, "working"),
    ("release still there", flux(READY_AT_G), False, "working"),
    ("application being deleted", replace(argo(), deleting=True), True, "working"),
]


DELETE_IDS = [row[0] for row in DELETE_TABLE]


@pytest.mark.parametrize(("case", "applier", "ns", "expected"), DELETE_TABLE, ids=DELETE_IDS)
def test_deleting(case: str, applier: FluxRelease | ArgoApp | None, ns: bool, expected: str) -> None:
    assert outcome(run(applier, DELETING, namespace_present=ns)) == expected


def test_a_stuck_deletion_fails_and_says_what_is_left() -> None:
    late = replace(DELETING, since=NOW - timedelta(minutes=11))
    decision = run(None, late, namespace_present=True, leftovers=("PVC data-st-abcdefgh23-mariadb-0",))
    assert decision is not None and decision.status is S.FAILED
    assert "namespace st-abcdefgh23" in decision.message
    assert "PVC data-st-abcdefgh23-mariadb-0" in decision.message


READY_OPTIONS = [None, "True", "False", "Unknown"]
GENERATIONS = [G, G - 1, None]


@pytest.mark.parametrize("spec_hash", [HASH, OLD_HASH, None])
def test_flux_properties_over_every_combination(spec_hash: str | None) -> None:
    """Whatever the signals: ready needs the current spec and Ready=True at G; failed needs the current
    spec and a terminal signal (Stalled, or Ready=False at G without Reconciling)."""
    contains = spec_hash == HASH
    for ready, ready_gen, stalled, reconciling, observed in itertools.product(
        READY_OPTIONS, GENERATIONS, [None, "True", "False"], [None, "True", "False"], [G, G - 1, None]
    ):
        conditions = [cond(t, v, ready_gen) for t, v in (("Ready", ready), ("Stalled", stalled)) if v]
        conditions += [cond("Reconciling", reconciling)] if reconciling else []
        result = outcome(run(flux(*conditions, observed=observed, spec_hash=spec_hash)))
        at_g = ready_gen in (G, None)
        if result == "ready":
            assert contains and ready == "True" and at_g and observed == G and stalled != "True"
        if result == "failed":
            terminal = (stalled == "True" and at_g) or (ready == "False" and at_g and reconciling != "True")
            assert contains and terminal
        if contains and stalled == "True" and at_g:
            assert result == "failed"


def test_a_stall_names_the_last_attempts_error() -> None:
    why = cond("Ready", "False", G, "InstallFailed", "timed out waiting for the condition")
    stall = cond("Stalled", "True", G, "RetriesExceeded", "Failed to install after 4 attempt(s)")
    decision = run(flux(stall, why))
    assert decision is not None and decision.status is S.FAILED
    expected = "Helm: Failed to install after 4 attempt(s): timed out waiting for the condition"
    assert decision.message == expected
    alone = run(flux(stall, rdy("Unknown")))
    assert alone is not None and alone.message == "Helm: Failed to install after 4 attempt(s)"


def test_argo_knows_the_retrys_own_sync_by_its_token_within_the_same_second() -> None:
    requested = NOW.replace(microsecond=500_000)
    retried = replace(STORE, retry_token="t-1", retry_requested_at=requested)
    same_second = requested.replace(microsecond=0)  # Argo CD's startedAt has no fraction
    theirs = argo(started=same_second)
    assert outcome(run(theirs, retried)) == "working"  # an operation from before the request
    ours = replace(theirs, operation_retry_token="t-1")
    assert outcome(run(ours, retried)) == "ready"
    assert outcome(run(replace(ours, operation_phase="Failed"), retried)) == "failed"


def test_after_a_retry_a_sync_error_fails_the_store_only_through_the_retrys_operation() -> None:
    retried = replace(STORE, retry_token="t-2", retry_requested_at=SINCE)
    late = replace(cond("SyncError", "True", None), last_transition=SINCE + timedelta(seconds=30))
    running = argo(phase="Running", health="Healthy", errors=(late,), started=NOW)
    assert outcome(run(running, retried)) == "working"  # the retried failure, recorded late
    assert outcome(run(replace(running, operation_phase="Failed"), retried)) == "failed"
    assert outcome(run(argo(errors=(late,)), STORE)) == "failed"  # no retry: as before


def test_a_comparison_error_fails_once_a_later_refresh_still_reports_it() -> None:
    error = replace(cond("ComparisonError", "True", None), last_transition=NOW - timedelta(seconds=5))
    # Manifest generation failed: Argo CD writes no sync revision, so nothing contains our commit.
    broken = argo(sync="Unknown", phase=None, errors=(error,), contains=None, status_of_spec=False)
    broken = replace(broken, compared_with_spec=True, reconciled_at=error.last_transition)
    assert outcome(run(broken)) == "working"  # one refresh only: it may pass
    persisted = replace(broken, reconciled_at=NOW)
    decision = run(persisted)
    assert decision is not None and decision.status is S.FAILED and decision.reason == "comparison_error"
    assert outcome(run(replace(persisted, spec_hash=OLD_HASH))) == "working"  # about another spec
    assert outcome(run(replace(persisted, compared_with_spec=False))) == "working"
    after_retry = replace(STORE, retry_token="t-3", retry_requested_at=NOW)
    assert outcome(run(persisted, after_retry)) == "working"  # no refresh since the retry yet
