"""DELETE /api/v1/stores/{id} with what it keeps (docs/backups.md): a final Velero Backup created in the
test Kubernetes API before any removal is queued (`keep_backup`, by default when backups are on), and
an admin's `retain_volumes` patching exactly the store's bound PersistentVolumes to `Retain`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient

from storefleet.api.app import create_app
from storefleet.api.settings import Settings
from storefleet.renderer.backup_policy import schedule_name
from storefleet_demo.kube.cluster import KubeCluster
from tests.kube.velero_double import VeleroDouble

URL = "/api/v1/stores/{id}"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"backups_enabled": True, "deleted_store_backup_ttl": "1440h"})


@pytest.fixture
def velero_double(kube_api: KubeCluster) -> VeleroDouble:
    return VeleroDouble(kube_api)


@pytest.fixture
def ready_store(new_store: Any, set_status: Callable[[str, str], None]) -> Callable[..., dict[str, Any]]:
    def _ready(account: Any, name: str = "acme-shop") -> dict[str, Any]:
        store = new_store(account, name)
        set_status(store["id"], "ready")
        return store  # type: ignore[no-any-return]

    return _ready


@contextmanager
def _app(settings: Settings, **changes: Any) -> Iterator[TestClient]:
    app = create_app(settings.model_copy(update=changes), migrate=False)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def _removals(db: psycopg.Connection[Any], store_id: str) -> int:
    row = db.execute(
        "SELECT count(*) AS n FROM outbox WHERE store_id = %s AND action = 'delete'", (store_id,)
    ).fetchone()
    assert row is not None
    return int(row["n"])


def _final_backup(db: psycopg.Connection[Any], store_id: str) -> str | None:
    row = db.execute("SELECT final_backup FROM stores WHERE id = %s", (store_id,)).fetchone()
    assert row is not None
    return row["final_backup"]  # type: ignore[no-any-return]


def _audited(client: TestClient, account: Any, store_id: str, event: str) -> list[dict[str, Any]]:
    listed = client.get(f"/api/v1/audit?store_id={store_id}&event={event}", headers=account.headers)
    assert listed.status_code == 200, listed.text
    return list(listed.json()["events"])


def test_a_delete_takes_a_kept_final_backup_and_queues_no_removal_until_it_completes(
    client: TestClient, db: Any, tenant: Any, admin: Any, velero_double: VeleroDouble, ready_store: Any
) -> None:
    sid = ready_store(tenant)["id"]
    deleted = client.delete(URL.format(id=sid), headers=tenant.headers)
    assert deleted.status_code == 202, deleted.text
    body = deleted.json()
    name = body["final_backup"]
    assert body["status"] == "deleting" and name.startswith(f"{schedule_name(sid)}-")
    assert body["status_message"] == f"deletion requested; taking the final backup {name} before removal"
    assert body["retained_volumes"] == []
    (backup,) = velero_double.backups(schedule_name(sid))
    labels = backup["metadata"]["labels"]
    assert backup["metadata"]["name"] == name
    assert labels["storefleet.io/kept"] == "true" and labels["storefleet.io/backup-trigger"] == "deletion"
    assert labels["storefleet.io/store"] == sid and labels["storefleet.io/tenant"] == tenant.id
    assert backup["spec"]["ttl"] == "1440h" and backup["spec"]["includedNamespaces"] == [sid]
    assert _removals(db, sid) == 0 and _final_backup(db, sid) == name  # nothing removed yet
    (audited,) = _audited(client, tenant, sid, "store.final_backup_requested")
    assert audited["detail"] == {"backup": name, "ttl": "1440h", "namespace": "velero"}
    again = client.delete(URL.format(id=sid), headers=tenant.headers)  # deleting twice is harmless
    assert again.status_code == 202 and again.json()["final_backup"] is None
    assert len(velero_double.backups(schedule_name(sid))) == 1

    velero_double.reconcile()  # InProgress, then Completed: the listing marks it kept
    listed = client.get(f"{URL.format(id=sid)}/backups", headers=tenant.headers).json()["backups"]
    assert [(b["name"], b["trigger"], b["kept"], b["phase"]) for b in listed] == [
        (name, "deletion", True, "Completed")
    ]


def test_keep_backup_false_queues_the_removal_at_once_without_a_backup(
    client: TestClient, db: Any, tenant: Any, velero_double: VeleroDouble, ready_store: Any
) -> None:
    sid = ready_store(tenant)["id"]
    deleted = client.delete(f"{URL.format(id=sid)}?keep_backup=false", headers=tenant.headers)
    assert deleted.status_code == 202, deleted.text
    assert deleted.json()["final_backup"] is None
    assert velero_double.backups(schedule_name(sid)) == []
    assert _removals(db, sid) == 1 and _final_backup(db, sid) is None


def test_a_store_that_does_not_run_is_deleted_without_a_backup_and_one_is_refused_if_not_installed(
    client: TestClient, db: Any, tenant: Any, velero_double: VeleroDouble, new_store: Any, set_status: Any
) -> None:
    failed, provisioning = new_store(tenant, "failed-shop")["id"], new_store(tenant, "new-shop")["id"]
    set_status(failed, "failed")
    set_status(provisioning, "provisioning")
    refused = client.delete(f"{URL.format(id=provisioning)}?keep_backup=true", headers=tenant.headers)
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "STORE_NOT_RUNNING"
    assert client.get(URL.format(id=provisioning), headers=tenant.headers).json()["status"] == "provisioning"
    deleted = client.delete(URL.format(id=provisioning), headers=tenant.headers)
    assert deleted.status_code == 202 and deleted.json()["final_backup"] is None
    assert velero_double.backups() == [] and _removals(db, provisioning) == 1
    # a failed store is backed up only when asked: it may be installed (a failed update), or not
    asked = client.delete(f"{URL.format(id=failed)}?keep_backup=true", headers=tenant.headers)
    assert asked.status_code == 202 and asked.json()["final_backup"] is not None
    assert _removals(db, failed) == 0


def test_with_backups_off_a_delete_keeps_none_and_asking_for_one_is_409(
    settings: Settings, db: Any, tenant: Any, ready_store: Any, velero_double: VeleroDouble
) -> None:
    sid, other = ready_store(tenant)["id"], ready_store(tenant, "other-shop")["id"]
    with _app(settings, backups_enabled=False) as off:
        refused = off.delete(f"{URL.format(id=sid)}?keep_backup=true", headers=tenant.headers)
        assert refused.status_code == 409 and refused.json()["error"]["code"] == "BACKUPS_DISABLED"
        assert off.get(URL.format(id=sid), headers=tenant.headers).json()["status"] == "ready"
        deleted = off.delete(URL.format(id=other), headers=tenant.headers)
        assert deleted.status_code == 202 and deleted.json()["final_backup"] is None
    assert velero_double.backups() == [] and _removals(db, other) == 1


@pytest.mark.parametrize("query", ["keep_backup=maybe", "retain_volumes=perhaps", "keep_backup="])
def test_unknown_flag_values_are_422_and_change_nothing(
    client: TestClient, db: Any, admin: Any, tenant: Any, ready_store: Any, query: str
) -> None:
    sid = ready_store(tenant)["id"]
    refused = client.delete(f"{URL.format(id=sid)}?{query}", headers=admin.headers)
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "VALIDATION_ERROR"
    assert client.get(URL.format(id=sid), headers=tenant.headers).json()["status"] == "ready"


def test_another_tenant_gets_404_whatever_it_asks_to_keep(
    client: TestClient, tenant: Any, other_tenant: Any, ready_store: Any, velero_double: VeleroDouble
) -> None:
    sid = ready_store(tenant)["id"]
    for query in ("", "?keep_backup=true", "?retain_volumes=true"):
        refused = client.delete(f"{URL.format(id=sid)}{query}", headers=other_tenant.headers)
        assert refused.status_code == 404 and refused.json()["error"]["code"] == "STORE_NOT_FOUND"
    assert velero_double.backups() == []


def _volume(kube: Any, name: str, namespace: str, claim: str) -> None:
    """A provisioned PersistentVolume and the claim it is bound to, as the PV controller leaves them."""
    kube.create({
        "apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": name},
        "spec": {"persistentVolumeReclaimPolicy": "Delete", "capacity": {"storage": "1Gi"},
                 "claimRef": {"namespace": namespace, "name": claim}},
    })  # fmt: skip
    if kube.get("v1", "Namespace", None, namespace) is None:
        kube.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": namespace}})
    _claim(kube, claim, namespace, name)


def _claim(kube: Any, name: str, namespace: str, volume: str) -> None:
    created = kube.create({
        "apiVersion": "v1", "kind": "PersistentVolumeClaim",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {"volumeName": volume, "resources": {"requests": {"storage": "1Gi"}}},
    })  # fmt: skip
    kube.write_status(created, {"phase": "Bound"})


def test_an_admin_retains_exactly_the_store_s_bound_volumes_and_a_tenant_may_not(
    client: TestClient, tenant: Any, admin: Any, ready_store: Any, velero_double: VeleroDouble
) -> None:
    sid, other = ready_store(tenant)["id"], ready_store(tenant, "other-shop")["id"]
    kube = velero_double.kube
    _volume(kube, "pvc-1111", sid, f"{sid}-mariadb")
    _volume(kube, "pvc-2222", sid, f"{sid}-wordpress")
    _volume(kube, "pvc-3333", other, f"{other}-mariadb")  # another store's
    _volume(kube, "pvc-4444", "elsewhere", f"{sid}-uploads")  # names the store's PV below: not bound to it
    _claim(kube, "stray", sid, "pvc-4444")

    refused = client.delete(f"{URL.format(id=sid)}?retain_volumes=true", headers=tenant.headers)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "RETAIN_VOLUMES_ADMIN_ONLY"
    assert (
        kube.get("v1", "PersistentVolume", None, "pvc-1111")["spec"]["persistentVolumeReclaimPolicy"]
        == "Delete"
    )

    deleted = client.delete(
        f"{URL.format(id=sid)}?retain_volumes=true&keep_backup=false", headers=admin.headers
    )
    assert deleted.status_code == 202, deleted.text
    assert deleted.json()["retained_volumes"] == ["pvc-1111", "pvc-2222"]
    policies = {
        pv["metadata"]["name"]: (
            pv["spec"]["persistentVolumeReclaimPolicy"],
            pv["metadata"].get("labels") or {},
        )
        for pv in kube.list_objects("v1", "PersistentVolume", None)
    }
    for retained in ("pvc-1111", "pvc-2222"):
        policy, labels = policies[retained]
        assert policy == "Retain"
        assert labels["storefleet.io/store"] == sid and labels["storefleet.io/tenant"] == tenant.id
    assert policies["pvc-3333"] == ("Delete", {}) and policies["pvc-4444"] == ("Delete", {})
    (audited,) = _audited(client, admin, sid, "store.volumes_retained")
    assert audited["detail"] == {"volumes": ["pvc-1111", "pvc-2222"]}
    history = client.get(f"{URL.format(id=sid)}/logs", headers=tenant.headers).json()["events"]
    (moved,) = [e for e in history if e["event"] == "store.transition"]
    assert moved["detail"]["retained_volumes"] == ["pvc-1111", "pvc-2222"], moved
