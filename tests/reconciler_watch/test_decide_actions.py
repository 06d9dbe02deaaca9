"""The actions `decide` asks for (every cluster write the watcher makes), each in its situation, and
when the post-install setup runs: on every change of its inputs, back to an earlier value included,
never twice for one change, never while an earlier change's Job still runs."""

from __future__ import annotations

from dataclasses import replace

import pytest

from storefleet.api.domain.lifecycle import StoreStatus as S
from storefleet.reconciler_watch.decide import (
    MSG_SETUP_WAITING,
    Decision,
    EnsureCredentials,
    PublishStorefrontKey,
    RequestRetry,
    StartSetup,
    StoreView,
    decide,
)
from storefleet.reconciler_watch.observed import Observed, SetupJob
from storefleet.reconciler_watch.setup_job import job_name, pending_setup_generation, setup_job_name
from tests.reconciler_watch.test_decide import NOW, READY_AT_G, STORE, argo, cond, flux

HEALTHY = flux(READY_AT_G)
TOKEN = "2026-11-22T11:59:00.000000Z"


def judge(store: StoreView, applier: object = HEALTHY, **observed: object) -> Decision | None:
    return decide(Observed(now=NOW, applier=applier, **observed), store)  # type: ignore[arg-type]


def only_action(decision: Decision | None) -> object:
    assert decision is not None and decision.status is None, decision
    assert len(decision.actions) == 1, decision.actions
    return decision.actions[0]


# ---- credentials (Argo CD) ------------------------------------------------------------------------
def test_argo_credentials_come_before_anything_else() -> None:
    waiting = judge(STORE, argo(), credentials_ready=False, namespace_present=False)
    assert only_action(waiting) == EnsureCredentials(create_namespace=True)
    assert waiting is not None and waiting.reason == "credentials"
    assert only_action(judge(STORE, argo(), credentials_ready=False)) == EnsureCredentials(False)
    before_setup = replace(STORE, setup_done_key=None)
    assert only_action(judge(before_setup, argo(), credentials_ready=False)) == EnsureCredentials(False)
    ready = judge(STORE, argo(), credentials_ready=True)
    assert ready is not None and ready.status is S.READY and ready.actions == ()


def test_without_credentials_a_failure_still_fails_and_a_deletion_needs_none() -> None:
    failed = judge(STORE, argo(phase="Failed"), credentials_ready=False)
    assert failed is not None and failed.status is S.FAILED and failed.actions == ()
    gone = replace(STORE, status=S.DELETING)
    deleting = judge(gone, None, credentials_ready=False, namespace_present=False)
    assert deleting is not None and deleting.status is S.DELETED and deleting.actions == ()


# ---- retry ---------------------------------------------------------------------------------------
def test_a_retry_asks_the_applier_once_then_waits_for_it() -> None:
    retried = replace(STORE, retry_token=TOKEN, retry_requested_at=NOW)
    stalled = flux(cond("Stalled", "True", reason="RetriesExceeded"), last_handled_reconcile_at="old")
    asking = judge(retried, stalled)
    assert only_action(asking) == RequestRetry(TOKEN)
    assert asking is not None and asking.reason == "retrying"
    asked = judge(retried, stalled, retry_nudged=True)
    assert asked is not None and asked.actions == () and asked.message == asking.message
    assert judge(replace(retried, status_message=asking.message), stalled, retry_nudged=True) is None
    not_retried = judge(STORE, stalled)
    assert not_retried is not None and not_retried.status is S.FAILED and not_retried.actions == ()


# ---- the Medusa storefront key --------------------------------------------------------------------
MEDUSA = replace(STORE, engine="medusa", setup_done_key=None)
DONE = SetupJob(setup_job_name(MEDUSA), succeeded=True, failed=False, log_tail="publishable-key=pk_1\n")


def test_a_medusa_store_is_ready_only_once_its_storefront_key_is_kept() -> None:
    publishing = judge(MEDUSA, setup_job=DONE, storefront_key="pk_1")
    assert only_action(publishing) == PublishStorefrontKey(DONE.name, "pk_1")
    ready = judge(MEDUSA, setup_job=DONE, storefront_key="pk_1", key_published=True)
    assert ready is not None and ready.status is S.READY and ready.actions == ()


def test_a_medusa_setup_that_reported_no_key_fails_the_store() -> None:
    job = replace(DONE, log_tail="seeded 8 products\n")
    failed = judge(MEDUSA, setup_job=job, storefront_key=None)
    assert failed is not None and failed.status is S.FAILED and failed.reason == "setup_failed"
    assert failed.message == "post-install setup failed: the setup reported no publishable API key"
    assert failed.error is not None and failed.error.endswith("seeded 8 products")


def test_a_woocommerce_setup_needs_no_key() -> None:
    woo = replace(MEDUSA, engine="woocommerce")
    ready = judge(woo, setup_job=replace(DONE, name=setup_job_name(woo), log_tail=""))
    assert ready is not None and ready.status is S.READY


# ---- which setup Job, and when --------------------------------------------------------------------
A, B = "astra-key", "storefront-key"


@pytest.mark.parametrize(
    ("started", "expected"),
    [(None, 4), (A, 4), (B, 5)],
    ids=["no Job recorded yet", "this key's Job started", "another key's Job started"],
)
def test_the_pending_setup_runs_under_a_new_generation_only_after_another_keys_job(
    started: str | None, expected: int
) -> None:
    store = replace(STORE, setup_key=A, setup_done_key=None, setup_generation=4, setup_started_key=started)
    assert pending_setup_generation(store) == expected
    assert setup_job_name(store) == job_name(STORE.id, A, expected)
    assert only_action(judge(store)) == StartSetup(A, expected)


def test_a_change_back_to_the_done_inputs_after_another_setup_started_runs_the_setup_again() -> None:
    """A's setup done (ready moved the generation to 1), B's Job started (recorded: the done key
    stopped counting), then back to A: not ready, A's setup runs again as a Job of its own."""
    done_a = replace(STORE, setup_key=A, setup_done_key=A, setup_generation=1, setup_started_key=A)
    ready = judge(done_a)
    assert ready is not None and ready.status is S.READY
    start_b = only_action(judge(replace(done_a, setup_key=B)))
    assert start_b == StartSetup(B, 2)  # A's Job started last: B's runs under a new generation
    b_started = replace(done_a, setup_key=B, setup_done_key=None, setup_started_key=B, setup_generation=2)
    back_to_a = replace(b_started, setup_key=A)
    start_a = only_action(judge(back_to_a))
    assert start_a == StartSetup(A, 3)
    names = {job_name(STORE.id, A, 0), job_name(STORE.id, B, 2), job_name(STORE.id, A, 3)}
    assert len(names) == 3  # never the name of a Job that ran before


def test_a_change_while_another_setup_job_runs_waits_for_it() -> None:
    store = replace(STORE, setup_key=A, setup_done_key=None, setup_generation=2, setup_started_key=B)
    running_b = job_name(STORE.id, B, 2)
    waiting = judge(store, setup_jobs_active=(running_b,))
    assert waiting is not None and waiting.status is None and waiting.actions == ()
    assert waiting.message == MSG_SETUP_WAITING and waiting.reason == "setup_waiting"
    assert "waiting for the previous setup to finish" in waiting.message
    assert only_action(judge(store, setup_jobs_active=())) == StartSetup(A, 3)


def test_the_same_change_never_starts_a_second_job() -> None:
    """Once its Job started (recorded as the started key), the change keeps that Job's name: a Job
    not in the cache yet is asked for under the same name again, which the cluster refuses."""
    store = replace(STORE, setup_key=A, setup_done_key=None, setup_generation=3, setup_started_key=A)
    assert only_action(judge(store)) == StartSetup(A, 3)
    running = SetupJob(job_name(STORE.id, A, 3), succeeded=False, failed=False)
    decision = judge(store, setup_job=running)
    assert decision is not None and decision.actions == () and decision.reason == "setup_running"


def test_a_release_not_healthy_yet_starts_no_setup() -> None:
    store = replace(STORE, setup_done_key=None)
    not_yet = judge(store, flux(cond("Ready", "Unknown")))
    assert not_yet is not None and not_yet.actions == ()
