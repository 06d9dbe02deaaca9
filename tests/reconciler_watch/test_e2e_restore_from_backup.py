"""A store created from the backup of a deleted store, through the whole loop (docs/backups.md): the
API's request, the fleet writer on a real bare remote, the applier double (Flux, and Argo CD), the
Velero double (a backup holding the deleted store's objects, a namespace-mapped Restore), real
PostgreSQL and the watcher. Two commits (the create, with the Restore and no release; the restore
done, with the release), then `ready` over the restored data: the release took over the restored
claims and credentials under the old store's names, no setup ran over them, and nothing secret
reached git."""

from __future__ import annotations

import base64
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
    events,
    finish_setup,
    git,
    setup_jobs,
    transitions,
    wait_for,
    wait_status,
)
from tests.reliability.test_no_secrets_leak import fleet_history, scan

CLAIM = "PersistentVolumeClaim"
COMPONENTS = {"woocommerce": ("wordpress", "mariadb"), "medusa": ("medusa", "postgresql")}
KEY_LOG = "seeded 8 products\npublishable-key=pk_01JRESTORED\n"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"backups_enabled": True})


@pytest.fixture
def velero(kube_api: KubeCluster, applier: Applier) -> VeleroDouble:
    double = VeleroDouble(kube_api)
    install_crds(kube_api, applier.kube)  # the applier applies the Schedule and the Restore
    return double


def commits(remote: Path, store_id: str) -> list[str]:
    """The summaries of the commits to the store's directory, oldest first."""
    log = git("log", "--reverse", "--format=%s", "main", "--", f":(glob)tenants/*/{store_id}/**", cwd=remote)
    return log.splitlines()


def secrets_of(applier: Applier, namespace: str) -> dict[str, dict[str, str]]:
    return {
        s["metadata"]["name"]: {k: base64.b64decode(v).decode() for k, v in (s.get("data") or {}).items()}
        for s in applier.kube.list_objects("v1", "Secret", namespace)
    }


def deleted_store_with_a_backup(
    client: TestClient, account: Any, applier: Applier, velero: VeleroDouble, engine: str
) -> tuple[str, str, dict[str, dict[str, str]]]:
    """A store taken to ready, backed up, then deleted: (its id, its backup, its Secrets' values)."""
    with applier.run_in_background():
        sid = create(client, account, "recovered-shop", engine=engine)["id"]
        finish_setup(applier, sid, log=KEY_LOG if engine == "medusa" else "")
        wait_status(client, account, sid, "ready")
    backup = velero.run_schedule(schedule_name(sid))["metadata"]["name"]
    velero.reconcile()
    kept = secrets_of(applier, sid)
    # its scheduled backup is the one restored: no final backup on the way out
    assert (
        client.delete(f"/api/v1/stores/{sid}?keep_backup=false", headers=account.headers).status_code == 202
    )
    with applier.run_in_background():
        wait_status(client, account, sid, "deleted", timeout_s=30)
    assert applier.kube.get("v1", "Namespace", None, sid) is None
    return sid, backup, kept


@pytest.mark.parametrize(
    ("engine", "store_engine"), [("flux", "woocommerce"), ("argocd", "medusa")], indirect=["engine"]
)
def test_a_deleted_store_comes_back_as_a_new_store_from_its_backup(
    client: TestClient, tenant: Any, applier: Applier, velero: VeleroDouble, watchers: WatcherRunner,
    fleet_remote: Path, engine: str, store_engine: str,
) -> None:  # fmt: skip
    watchers.start()
    old, backup, old_secrets = deleted_store_with_a_backup(client, tenant, applier, velero, store_engine)
    body = {
        "name": "recovered-shop",
        "engine": store_engine,
        "restore_from": {"store_id": old, "backup": backup},
    }
    accepted = client.post("/api/v1/stores", json=body, headers=tenant.headers)
    assert accepted.status_code == 202, accepted.text
    new = accepted.json()["id"]
    assert accepted.json()["status"] == "restoring" and new != old
    with applier.run_in_background():
        restore = wait_for(lambda: next(iter(velero.restores()), None), what="the Restore applied")
        assert restore["spec"]["namespaceMapping"] == {old: new}
        restored = wait_for(lambda: velero.reconcile() or claims(applier, new), what="restored claims")
        uids = {name: claim["metadata"]["uid"] for name, claim in restored.items()}
        ready = wait_status(client, tenant, new, "ready", timeout_s=30)

    assert ready["status_message"].startswith("ready at")
    assert commits(fleet_remote, new) == [
        f"store: create recovered-shop ({store_engine}) for tenant {tenant.id} from backup {backup}",
        f"store: restore recovered-shop from backup {backup} (done)",
    ]
    assert transitions(client, tenant, new) == ["restoring", "ready"]
    # the release took the restored claims over under the old store's names: no new, empty ones
    assert set(uids) == {f"{old}-{component}" for component in COMPONENTS[store_engine]}
    after = claims(applier, new)
    assert {name: claim["metadata"]["uid"] for name, claim in after.items()} == uids
    assert all(c["metadata"]["labels"]["storefleet.io/store"] == new for c in after.values())
    # the data's credentials came with it, and the owner reads them through the API
    new_secrets = secrets_of(applier, new)
    assert new_secrets[f"{old}-credentials"] == old_secrets[f"{old}-credentials"]
    login = client.get(f"/api/v1/stores/{new}/credentials", headers=tenant.headers)
    assert login.status_code == 200, login.text
    admin_key = "wordpress-admin-password" if store_engine == "woocommerce" else "medusa-admin-password"
    assert login.json()["password"] == old_secrets[f"{old}-credentials"][admin_key]
    if store_engine == "medusa":  # the storefront's key came back with the data that made it
        assert new_secrets[f"{old}-storefront-key"]["publishable-key"] == "pk_01JRESTORED"
    assert setup_jobs(applier, new) == []  # no setup over the restored data
    assert velero.restores() == []  # restore.yaml left the directory: the applier pruned the Restore
    requested = [e for e in events(client, tenant, new) if e["event"] == "store.restore_requested"]
    assert [e["detail"]["source_store"] for e in requested] == [old]
    everything = {f"{name} {key}": value for name, data in old_secrets.items() for key, value in data.items()}
    assert everything and scan(fleet_history(fleet_remote), everything) == []


def claims(applier: Applier, namespace: str) -> dict[str, dict[str, Any]]:
    return {c["metadata"]["name"]: c for c in applier.kube.list_objects("v1", CLAIM, namespace)}


def test_a_restore_that_fails_fails_the_new_store_with_velero_s_reason(
    client: TestClient, tenant: Any, applier: Applier, velero: VeleroDouble, watchers: WatcherRunner,
    fleet_remote: Path,
) -> None:  # fmt: skip
    watchers.start()
    old, backup, _ = deleted_store_with_a_backup(client, tenant, applier, velero, "woocommerce")
    body = {
        "name": "second-try",
        "engine": "woocommerce",
        "restore_from": {"store_id": old, "backup": backup},
    }
    new = client.post("/api/v1/stores", json=body, headers=tenant.headers).json()["id"]
    velero.fail_restores(f"storefleet-{new}", reason="error restoring pods: admission webhook denied")
    with applier.run_in_background():
        wait_for(lambda: velero.restores(), what="the Restore applied")
        velero.reconcile()
        failed = wait_status(client, tenant, new, "failed", timeout_s=20)
    assert failed["error"] == "Velero restore Failed: error restoring pods: admission webhook denied"
    assert len(commits(fleet_remote, new)) == 1  # the create; no release was ever committed
    assert applier.kube.get("helm.toolkit.fluxcd.io/v2", "HelmRelease", new, new) is None


def test_a_restore_that_never_ends_times_out_naming_its_stage(
    client: TestClient, tenant: Any, applier: Applier, velero: VeleroDouble, watchers: WatcherRunner
) -> None:
    watchers.start(provisioning_timeout_s=2.0)
    old, backup, _ = deleted_store_with_a_backup(client, tenant, applier, velero, "woocommerce")
    body = {
        "name": "stuck-shop",
        "engine": "woocommerce",
        "restore_from": {"store_id": old, "backup": backup},
    }
    new = client.post("/api/v1/stores", json=body, headers=tenant.headers).json()["id"]
    with applier.run_in_background():  # the Restore is applied; Velero never runs it
        failed = wait_status(client, tenant, new, "failed", timeout_s=20)
    assert failed["error"].startswith("timed out after 2 s at stage restoring: ")
