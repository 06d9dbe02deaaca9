"""The rotation of a store's admin password, decided (`decide_rotation`, pure) in every situation a
watcher can find it in, restarts included; the rotation Job built from the chart's setup Job; and the
Flux drift rule without which helm-controller would put the old password back."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from storefleet.api.domain.credentials_rotation import CredentialsRotation, DueRotation, RotationState
from storefleet.api.domain.lifecycle import StoreStatus as S
from storefleet.reconciler_watch.observed import SetupJob
from storefleet.reconciler_watch.rotation import (
    AbandonRotation,
    CommitRotation,
    RotationObserved,
    StartRotation,
    decide_rotation,
    flux_reverts_password,
)
from storefleet.reconciler_watch.rotation_job import (
    ROTATION_LABEL,
    build_rotation_job,
    rotation_job_name,
    staging_key,
)
from storefleet.reconciler_watch.setup_job import SETUP_LABEL, STORE_LABEL, SetupTemplateError
from storefleet.renderer.flux import helmrelease
from storefleet.renderer.profile import RenderProfile
from storefleet.renderer.spec import StoreSpec
from tests.reconciler_watch.recording_cluster import JOB_YAML

SID = "st-rotating01"
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
ROTATION = CredentialsRotation(1, RotationState.REQUESTED, NOW, "alice (u-alice)", NOW, None, "req-1")
DUE = DueRotation(SID, "u-alice", "woocommerce", S.READY, ROTATION)
RUNNING = replace(DUE, rotation=replace(ROTATION, state=RotationState.RUNNING))
STAGED = staging_key("woocommerce")
KEYS = frozenset({"wordpress-admin-password", "mariadb-password"})
JOB = f"{SID}-rotate-1"


def job(*, succeeded: bool = False, failed: bool = False, tail: str = "") -> SetupJob:
    reason = "Job has reached the specified backoff limit" if failed else ""
    return SetupJob(JOB, succeeded=succeeded, failed=failed, failure_reason=reason, log_tail=tail)


def seen(keys: frozenset[str] | None = KEYS, **observed: Any) -> RotationObserved:
    return RotationObserved(keys, **observed)


# ---- requested: when a rotation starts, or never does ------------------------------------------------
@pytest.mark.parametrize("status", [S.READY, S.DEGRADED])
def test_a_requested_rotation_of_a_running_store_starts(status: S) -> None:
    assert decide_rotation(replace(DUE, store_status=status), seen()) == StartRotation(JOB)
    staged = decide_rotation(DUE, seen(KEYS | {STAGED}))  # a staged password (a restart) is reused
    assert staged == StartRotation(JOB)


@pytest.mark.parametrize("status", [S.UPDATING, S.RESTORING, S.PROVISIONING])
def test_a_requested_rotation_waits_while_the_store_converges(status: S) -> None:
    assert decide_rotation(replace(DUE, store_status=status), seen()) is None


@pytest.mark.parametrize("status", [S.FAILED, S.DELETING, S.DELETED])
def test_a_requested_rotation_of_a_store_gone_wrong_fails_unchanged(status: S) -> None:
    step = decide_rotation(replace(DUE, store_status=status), seen())
    assert step == AbandonRotation(f"the store is {status.value}; its password was not changed")


def test_a_requested_rotation_needs_the_credentials_secret_and_no_drift_correction() -> None:
    assert decide_rotation(DUE, seen(None)) == AbandonRotation(
        f"the store's credentials Secret {SID}-credentials is missing"
    )
    reverted = decide_rotation(DUE, seen(reverted_by="Flux would put the old password back"))
    assert reverted == AbandonRotation("Flux would put the old password back")


# ---- running: the Job's outcome, and a watcher restarted anywhere along the way --------------------------
def test_a_running_rotation_waits_for_its_job_then_commits_or_abandons() -> None:
    assert decide_rotation(RUNNING, seen(KEYS | {STAGED}, job=job())) is None
    done = decide_rotation(RUNNING, seen(KEYS | {STAGED}, job=job(succeeded=True)))
    assert isinstance(done, CommitRotation) and "the old one no longer works" in done.message
    failed = decide_rotation(RUNNING, seen(KEYS | {STAGED}, job=job(failed=True, tail="Error: no user\n")))
    assert failed == AbandonRotation(
        f"the Job {JOB} failed: Job has reached the specified backoff limit\nError: no user;"
        " the old password still works"
    )


def test_a_restarted_watcher_carries_a_running_rotation_on() -> None:
    # stopped before the Job was created (or after it was removed, unjudged): created again
    assert decide_rotation(RUNNING, seen(KEYS | {STAGED})) == StartRotation(JOB)
    # stopped after the Secret's commit, before the rotation was recorded done: recorded now
    assert isinstance(decide_rotation(RUNNING, seen(KEYS)), CommitRotation)
    # the Job succeeded while no watcher ran: committed now
    assert isinstance(
        decide_rotation(RUNNING, seen(KEYS | {STAGED}, job=job(succeeded=True))), CommitRotation
    )
    # a requested rotation whose Job exists already: that Job is an earlier one's (a rotation is
    # recorded running before its Job is created), never taken for this one's
    stray = decide_rotation(DUE, seen(KEYS | {STAGED}, job=job(succeeded=True)))
    assert isinstance(stray, AbandonRotation) and stray.reason.startswith(f"a Job {JOB} exists from before")
    # the store and its Secret are gone
    assert decide_rotation(RUNNING, seen(None)) == AbandonRotation(
        f"the store's credentials Secret {SID}-credentials is gone"
    )


def test_a_long_failure_is_clipped() -> None:
    step = decide_rotation(RUNNING, seen(job=job(failed=True, tail="x" * 5000)))
    assert isinstance(step, AbandonRotation) and len(step.reason) == 1000


# ---- the Job ------------------------------------------------------------------------------------------
def test_the_rotation_job_is_the_setup_job_running_the_rotation_script() -> None:
    config_map = {"data": {"job.yaml": JOB_YAML, "woocommerce-rotate-admin.sh": "#!/usr/bin/env bash\n"}}
    built = build_rotation_job(config_map, store_id=SID, tenant="u-alice", engine="woocommerce", generation=3)
    meta = built["metadata"]
    assert meta["name"] == rotation_job_name(SID, 3) == f"{SID}-rotate-3" and meta["namespace"] == SID
    assert meta["labels"][ROTATION_LABEL] == "true" and meta["labels"][STORE_LABEL] == SID
    assert SETUP_LABEL not in meta["labels"]  # never taken for a setup Job
    assert meta["annotations"]["storefleet.io/rotation-generation"] == "3"
    assert built["spec"]["backoffLimit"] == 1 and built["spec"]["activeDeadlineSeconds"] == 600
    (container,) = built["spec"]["template"]["spec"]["containers"]
    assert container["image"] == "wordpress:cli"
    assert container["command"] == ["bash", "/etc/storefleet/setup/woocommerce-rotate-admin.sh"]
    assert container["env"] == [
        {
            "name": "NEW_ADMIN_PASSWORD",
            "valueFrom": {
                "secretKeyRef": {"name": f"{SID}-credentials", "key": "wordpress-admin-password-next"}
            },
        }
    ]


def test_a_chart_without_the_rotation_script_says_so() -> None:
    with pytest.raises(SetupTemplateError, match="predates password rotation"):
        build_rotation_job(
            {"data": {"job.yaml": JOB_YAML}}, store_id=SID, tenant="u-alice", engine="medusa", generation=1
        )


# ---- Flux drift correction -----------------------------------------------------------------------------
@pytest.mark.parametrize("engine", ["woocommerce", "medusa"])
def test_the_rendered_helmrelease_leaves_a_rotated_password_alone(engine: str) -> None:
    spec = StoreSpec(store_id=SID, tenant="u-alice", name="rotating", engine=engine)
    release = helmrelease(spec, RenderProfile(), {"labels": {}}, {})
    assert flux_reverts_password(release["spec"]["driftDetection"], SID, engine) is None


def test_a_helmrelease_rendered_before_rotation_would_revert_it() -> None:
    reason = flux_reverts_password({"mode": "enabled"}, SID, "woocommerce")
    assert reason is not None and "/data/wordpress-admin-password" in reason and "roll out" in reason
    other = {"paths": ["/data/wordpress-admin-password"], "target": {"kind": "Secret", "name": "other"}}
    assert flux_reverts_password({"mode": "enabled", "ignore": [other]}, SID, "woocommerce") is not None
    whole = {"paths": ["/data"], "target": {"kind": "Secret"}}
    assert flux_reverts_password({"mode": "enabled", "ignore": [whole]}, SID, "woocommerce") is None
    assert flux_reverts_password({"mode": "warn"}, SID, "woocommerce") is None
    assert flux_reverts_password(None, SID, "woocommerce") is None


# ---- a store created from a backup: its objects keep the source's instance name ---------------------------
def test_a_store_restored_from_a_backup_rotates_in_the_secret_it_took_over() -> None:
    instance = "st-oldsource1"
    due = DueRotation(SID, "u-alice", "medusa", S.READY, ROTATION, instance)
    assert decide_rotation(due, seen(None)) == AbandonRotation(
        f"the store's credentials Secret {instance}-credentials is missing"
    )
    config_map = {"data": {"job.yaml": JOB_YAML, "medusa-rotate-admin.sh": "#!/usr/bin/env bash\n"}}
    built = build_rotation_job(
        config_map, store_id=SID, tenant="u-alice", engine="medusa", generation=1, instance=instance
    )
    (container,) = built["spec"]["template"]["spec"]["containers"]
    assert container["env"][-1]["valueFrom"]["secretKeyRef"]["name"] == f"{instance}-credentials"
    assert built["metadata"]["namespace"] == SID and built["metadata"]["name"] == f"{SID}-rotate-1"
    spec = StoreSpec(
        store_id=SID, tenant="u-alice", name="restored", engine="medusa",
        restored_from={"store_id": instance, "backup": "b-1", "instance": instance},
    )  # fmt: skip
    release = helmrelease(spec, RenderProfile(), {"labels": {}}, {})
    drift = release["spec"]["driftDetection"]
    assert flux_reverts_password(drift, instance, "medusa") is None  # the drift rule names its Secret
    assert DueRotation(SID, "u-alice", "medusa", S.READY, ROTATION).instance == SID
