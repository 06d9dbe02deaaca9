"""A store deleted with its last backup kept, through the whole loop (docs/backups.md): the API's
delete creates the final Backup in the cluster and queues no removal; the Velero double completes it;
the watcher queues the removal, the fleet writer commits it on a real bare remote, the applier double
(Flux, and Argo CD) prunes the store; the kept Backup outlives it, listed for the deleted store with
its long retention, and a new store made from it ends ready. A final backup that fails fails the
store with nothing removed; `keep_backup=false` deletes as before, keeping none."""

from __future__ import annotations

import json
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
from tests.reconciler_watch.support import create, events, finish_setup, transitions, wait_for, wait_status
from tests.reconciler_watch.test_e2e_restore_from_backup import commits, secrets_of
from tests.reliability.test_no_secrets_leak import fleet_history, scan

TTL = "2160h0m0s"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"backups_enabled": True, "deleted_store_backup_ttl": TTL})


@pytest.fixture
def velero(kube_api: KubeCluster, applier: Applier) -> VeleroDouble:
    double = VeleroDouble(kube_api)
    install_crds(kube_api, applier.kube)
    return double


def ready_store(client: TestClient, account: Any, applier: Applier, name: str) -> str:
    with applier.run_in_background():
        sid = str(create(client, account, name)["id"])
        finish_setup(applier, sid)
        wait_status(client, account, sid, "ready")
    return sid


def waiting_for_backup(client: TestClient, account: Any, sid: str) -> dict[str, Any] | None:
    store: dict[str, Any] = client.get(f"/api/v1/stores/{sid}", headers=account.headers).json()
    return store if store["status_message"].startswith("taking the final backup") else None


@pytest.mark.parametrize("engine", ["flux", "argocd"], indirect=True)
def test_a_deleted_store_s_final_backup_outlives_it_and_a_new_store_is_made_from_it(
    client: TestClient, tenant: Any, applier: Applier, velero: VeleroDouble, watchers: WatcherRunner,
    fleet_remote: Path, engine: str,
) -> None:  # fmt: skip
    watchers.start()
    sid = ready_store(client, tenant, applier, "kept-shop")
    passwords = {
        f"{name} {key}": value
        for name, data in secrets_of(applier, sid).items()
        for key, value in data.items()
    }
    deleted = client.delete(f"/api/v1/stores/{sid}", headers=tenant.headers)
    assert deleted.status_code == 202, deleted.text
    final = deleted.json()["final_backup"]
    with applier.run_in_background():
        waiting = wait_for(
            lambda: waiting_for_backup(client, tenant, sid), what="the wait for the final backup"
        )
        assert waiting["status"] == "deleting"
        assert applier.kube.get("v1", "Namespace", None, sid) is not None  # nothing removed yet
        assert len(commits(fleet_remote, sid)) == 1  # the create only
        velero.reconcile()  # the final backup runs and completes
        wait_status(client, tenant, sid, "deleted", timeout_s=30)
    assert applier.kube.get("v1", "Namespace", None, sid) is None
    assert len(commits(fleet_remote, sid)) == 2  # the create, then the one removal
    assert transitions(client, tenant, sid) == ["requested", "provisioning", "ready", "deleting", "deleted"]
    completed = [e for e in events(client, tenant, sid) if e["event"] == "store.final_backup_completed"]
    assert [e["detail"] for e in completed] == [{"final_backup": final}]

    listed = client.get(f"/api/v1/stores/{sid}/backups", headers=tenant.headers)
    assert listed.status_code == 200, listed.text
    (kept,) = [b for b in listed.json()["backups"] if b["name"] == final]
    assert (kept["kept"], kept["trigger"], kept["phase"]) == (True, "deletion", "Completed")
    (backup,) = [b for b in velero.backups(schedule_name(sid)) if b["metadata"]["name"] == final]
    assert backup["spec"]["ttl"] == TTL and backup["metadata"]["labels"]["storefleet.io/kept"] == "true"
    # the kept Backup object, its audit rows and git hold none of the store's passwords
    trail = json.dumps(events(client, tenant, sid))
    assert (
        passwords and scan(f"{json.dumps(backup)}\n{trail}\n{fleet_history(fleet_remote)}", passwords) == []
    )

    body = {"name": "kept-shop", "engine": "woocommerce", "restore_from": {"store_id": sid, "backup": final}}
    accepted = client.post("/api/v1/stores", json=body, headers=tenant.headers)
    assert accepted.status_code == 202, accepted.text
    new = accepted.json()["id"]
    with applier.run_in_background():
        wait_for(lambda: velero.restores(), what="the Restore applied")
        wait_for(lambda: velero.reconcile() or applier.kube.list_objects("v1", "PersistentVolumeClaim", new),
                 what="restored claims")  # fmt: skip
        ready = wait_status(client, tenant, new, "ready", timeout_s=30)
    assert ready["status_message"].startswith("ready at")


def test_a_final_backup_that_fails_fails_the_store_with_nothing_removed(
    client: TestClient, tenant: Any, applier: Applier, velero: VeleroDouble, watchers: WatcherRunner,
    fleet_remote: Path,
) -> None:  # fmt: skip
    watchers.start()
    sid = ready_store(client, tenant, applier, "unlucky-shop")
    final = client.delete(f"/api/v1/stores/{sid}", headers=tenant.headers).json()["final_backup"]
    velero.fail_backups(final, reason="hook database-dump failed")
    with applier.run_in_background():
        velero.reconcile()
        failed = wait_status(client, tenant, sid, "failed", timeout_s=20)
    assert failed["error"] == (
        f"final backup {final} Failed: hook database-dump failed; the store was not deleted, nothing was "
        "removed: delete it again with keep_backup=true for another final backup or keep_backup=false for "
        "none, or retry it"
    )
    assert len(commits(fleet_remote, sid)) == 1  # no removal was ever committed
    assert applier.kube.get("v1", "Namespace", None, sid) is not None
    retried = client.post(f"/api/v1/stores/{sid}/retry", headers=tenant.headers)
    assert retried.status_code == 202, retried.text
    with applier.run_in_background():
        wait_status(client, tenant, sid, "ready", timeout_s=30)


def test_keep_backup_false_deletes_as_before_keeping_none(
    client: TestClient, tenant: Any, applier: Applier, velero: VeleroDouble, watchers: WatcherRunner
) -> None:
    watchers.start()
    sid = ready_store(client, tenant, applier, "gone-shop")
    deleted = client.delete(f"/api/v1/stores/{sid}?keep_backup=false", headers=tenant.headers)
    assert deleted.status_code == 202 and deleted.json()["final_backup"] is None
    with applier.run_in_background():
        wait_status(client, tenant, sid, "deleted", timeout_s=30)
    assert velero.backups(schedule_name(sid)) == []
