"""An in-place restore through the whole loop (docs/backups.md): the API's request, the fleet writer on
a real bare remote, the Flux double (prune, helm uninstall with the release's PVCs, install), the Velero
double (a backup holding the store's claims, a Restore through its phases), real PostgreSQL and the
watcher: three commits (clearing, restoring, done), then `ready` over the restored claims without the
post-install setup again; a failed Restore fails the store with Velero's reason; a restarted watcher
queues no stage twice; a stage that never ends times out naming itself."""

from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from storefleet.api.settings import Settings
from storefleet.renderer.backup_policy import schedule_name
from storefleet_demo.kube.applier import Applier
from storefleet_demo.kube.cluster import KubeCluster
from tests.kube.velero_double import VeleroDouble, install_crds
from tests.reconciler_watch.conftest import WatcherRunner
from tests.reconciler_watch.support import (
    create,
    finish_setup,
    git,
    setup_jobs,
    status_of,
    transitions,
    wait_for,
    wait_status,
)
from tests.reliability.test_no_secrets_leak import fleet_history, scan

CLAIM = "PersistentVolumeClaim"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"backups_enabled": True})


@pytest.fixture
def velero(kube_api: KubeCluster, applier: Applier) -> VeleroDouble:
    double = VeleroDouble(kube_api)
    install_crds(kube_api, applier.kube)  # the applier applies the Schedule and the Restore
    return double


def restore_commits(remote: Path, store_id: str) -> list[str]:
    """The summaries of the restore's commits to the store's directory, oldest first."""
    log = git("log", "--reverse", "--format=%s", "main", "--", f":(glob)tenants/*/{store_id}/**", cwd=remote)
    return [line for line in log.splitlines() if line.startswith("store: restore ")]


def claims(applier: Applier, store_id: str) -> dict[str, dict[str, Any]]:
    return {c["metadata"]["name"]: c for c in applier.kube.list_objects("v1", CLAIM, store_id)}


def backed_up_store(
    client: TestClient, account: Any, applier: Applier, velero: VeleroDouble
) -> tuple[str, str]:
    """A ready store and one completed backup of it (its Schedule applied by Flux from its directory)."""
    with applier.run_in_background():
        sid = create(client, account, "restored-shop")["id"]
        finish_setup(applier, sid)
        wait_status(client, account, sid, "ready")
    assert set(claims(applier, sid)) == {f"{sid}-wordpress", f"{sid}-mariadb"}
    backup = velero.run_schedule(schedule_name(sid))["metadata"]["name"]
    velero.reconcile()
    return sid, backup


def request_restore(client: TestClient, account: Any, sid: str, backup: str) -> str:
    accepted = client.post(f"/api/v1/stores/{sid}/restores", json={"backup": backup}, headers=account.headers)
    assert accepted.status_code == 202, accepted.text
    name = client.get(f"/api/v1/stores/{sid}/logs", headers=account.headers).json()["events"]
    return next(e["detail"]["restore"] for e in name if e["event"] == "store.restore_requested")


def advanced_to(client: TestClient, account: Any, sid: str, stage: str) -> bool:
    """Whether the platform committed `stage` of the store's restore (its audit trail says so)."""
    events = client.get(f"/api/v1/stores/{sid}/logs", headers=account.headers).json()["events"]
    return any(e["event"] == "store.restore_advanced" and e["detail"].get("stage") == stage for e in events)


def spec_stage(db: Any, sid: str) -> Callable[[], str | None]:
    def stage() -> str | None:
        row = db.execute(
            "SELECT spec->'restore'->>'stage' AS stage FROM stores WHERE id = %s", (sid,)
        ).fetchone()
        return row["stage"] if row else None

    return stage


def test_a_restore_in_place_ends_ready_over_the_restored_claims_in_three_commits(
    client: TestClient, tenant: Any, applier: Applier, velero: VeleroDouble, watchers: WatcherRunner,
    fleet_remote: Path,
) -> None:  # fmt: skip
    watchers.start()
    sid, backup = backed_up_store(client, tenant, applier, velero)
    jobs_before = len(setup_jobs(applier, sid))
    name = request_restore(client, tenant, sid, backup)
    with applier.run_in_background():
        # stage clearing: Flux prunes the HelmRelease, helm-controller uninstalls it with its claims
        # (read from the trail: the status message moves on as soon as the Restore is applied)
        wait_for(lambda: advanced_to(client, tenant, sid, "restoring"), 30, what="stage restoring")
        assert claims(applier, sid) == {}
        # stage restoring: the Restore reaches the cluster from git; Velero runs it
        restore = wait_for(lambda: next(iter(velero.restores()), None), what="the Restore applied")
        assert restore["metadata"]["name"] == name
        assert applier.kube.get("helm.toolkit.fluxcd.io/v2", "HelmRelease", sid, sid) is None
        restored = wait_for(lambda: velero.reconcile() or claims(applier, sid), what="restored claims")
        uids = {n: c["metadata"]["uid"] for n, c in restored.items()}
        ready = wait_status(client, tenant, sid, "ready", timeout_s=30)
    assert ready["status_message"].startswith("ready at")
    assert restore_commits(fleet_remote, sid) == [
        f"store: restore restored-shop from backup {backup} ({stage})"
        for stage in ("clearing", "restoring", "done")
    ]
    after = claims(applier, sid)  # the release adopted the restored claims, it did not make new ones
    assert {n: c["metadata"]["uid"] for n, c in after.items()} == uids
    assert all(c["metadata"]["labels"]["velero.io/restore-name"] == name for c in after.values())
    assert len(setup_jobs(applier, sid)) == jobs_before  # no setup over the restored data
    assert velero.restores() == []  # restore.yaml left the directory: Flux pruned the Restore
    assert transitions(client, tenant, sid)[-2:] == ["restoring", "ready"]
    # nothing secret reached git on the way: the dump hooks read the database password in the pod
    passwords = {
        f"store {key}": base64.b64decode(value).decode()
        for secret in applier.kube.list_objects("v1", "Secret", sid)
        for key, value in (secret.get("data") or {}).items()
    }
    assert passwords, "the store's generated Secret is there to look for"
    assert scan(fleet_history(fleet_remote), passwords) == []


def test_a_failed_restore_fails_the_store_with_velero_s_reason_and_a_retry_brings_it_back(
    client: TestClient, tenant: Any, applier: Applier, velero: VeleroDouble, watchers: WatcherRunner,
    fleet_remote: Path,
) -> None:  # fmt: skip
    watchers.start()
    sid, backup = backed_up_store(client, tenant, applier, velero)
    velero.fail_restores(f"storefleet-{sid}", reason="error restoring persistentvolumeclaims: quota exceeded")
    request_restore(client, tenant, sid, backup)
    with applier.run_in_background():
        wait_for(lambda: velero.restores(), what="the Restore applied")
        velero.reconcile()
        failed = wait_status(client, tenant, sid, "failed", timeout_s=20)
    assert failed["error"] == "Velero restore Failed: error restoring persistentvolumeclaims: quota exceeded"
    assert len(restore_commits(fleet_remote, sid)) == 2  # clearing and restoring; no done
    retried = client.post(f"/api/v1/stores/{sid}/retry", headers=tenant.headers)
    assert retried.status_code == 202, retried.text
    with applier.run_in_background():
        wait_status(client, tenant, sid, "ready", timeout_s=30)  # its release back, over new claims
    assert set(claims(applier, sid)) == {f"{sid}-wordpress", f"{sid}-mariadb"}


def test_a_restarted_watcher_queues_no_stage_twice(
    client: TestClient, tenant: Any, applier: Applier, velero: VeleroDouble, watchers: WatcherRunner,
    fleet_remote: Path, db: Any,
) -> None:  # fmt: skip
    watcher = watchers.start()
    sid, backup = backed_up_store(client, tenant, applier, velero)
    request_restore(client, tenant, sid, backup)
    stage = spec_stage(db, sid)
    with applier.run_in_background():
        wait_for(lambda: stage() == "restoring", 20, what="stage restoring")
    # the same cleared store seen again, by this watcher and by a new one: nothing more is queued
    watchers.portal.call(watcher.evaluate, [sid])
    watchers.stop()
    watcher = watchers.start()
    watchers.portal.call(watcher.evaluate, [sid])
    queued = db.execute(
        "SELECT params->'restore'->>'stage' AS stage FROM outbox WHERE store_id = %s AND params ? 'restore'"
        " ORDER BY id",
        (sid,),
    ).fetchall()
    assert [row["stage"] for row in queued] == ["clearing", "restoring"]
    with applier.run_in_background():
        wait_for(lambda: velero.restores(), what="the Restore applied")
        watchers.stop()  # stopped while Velero restores; a new watcher finds it Completed
        velero.reconcile()
        watchers.start()
        wait_status(client, tenant, sid, "ready", timeout_s=30)
    assert [s.rsplit("(", 1)[1] for s in restore_commits(fleet_remote, sid)] == [
        "clearing)", "restoring)", "done)"
    ]  # fmt: skip


def test_a_stage_that_never_ends_times_out_naming_it(
    client: TestClient, tenant: Any, applier: Applier, velero: VeleroDouble, watchers: WatcherRunner
) -> None:
    watchers.start(provisioning_timeout_s=2.0)
    sid, backup = backed_up_store(client, tenant, applier, velero)
    request_restore(client, tenant, sid, backup)  # and Flux never prunes the release
    failed = wait_status(client, tenant, sid, "failed", timeout_s=20)
    assert failed["error"].startswith(
        "timed out after 2 s at stage clearing: clearing the store: waiting for"
    )
    assert f"HelmRelease {sid}" in failed["error"] and f"PVC {sid}-mariadb" in failed["error"]
    assert status_of(client, tenant, sid)["status"] == "failed"
