"""POST /api/v1/stores/{id}/restores: the first of a restore's three commits — the backup checked in
the test Kubernetes API (the Velero double's), the store `restoring`, its spec declaring the restore at
stage `clearing` in the outbox; and every refusal."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from storefleet.api.settings import Settings
from storefleet.renderer.backup_policy import schedule_name
from storefleet.renderer.manifests import render_store
from storefleet.renderer.profile import RenderProfile
from storefleet.renderer.spec import StoreSpec
from storefleet_demo.kube.cluster import KubeCluster
from tests.api.stores.cluster.test_backups import _app, _code, _declare_schedule, _spec
from tests.kube.velero_double import VeleroDouble

URL = "/api/v1/stores/{id}/restores"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"backups_enabled": True})


@pytest.fixture
def velero_double(kube_api: KubeCluster) -> VeleroDouble:
    return VeleroDouble(kube_api)


@pytest.fixture
def backed_up(
    db: Any, new_store: Any, set_status: Callable[[str, str], None], velero_double: VeleroDouble
) -> Callable[..., tuple[str, str]]:
    """A ready store with one backup of its Schedule, run to `Completed` unless `finish` is False."""

    def _make(account: Any, name: str = "acme-shop", finish: bool = True) -> tuple[str, str]:
        sid = new_store(account, name)["id"]
        set_status(sid, "ready")
        _declare_schedule(velero_double, _spec(db, sid))
        backup = velero_double.run_schedule(schedule_name(sid), datetime(2026, 12, 1, 3, 7, tzinfo=UTC))
        if finish:
            velero_double.reconcile()
        return sid, backup["metadata"]["name"]

    return _make


def _outbox(db: Any, store_id: str) -> list[dict[str, Any]]:
    rows = db.execute("SELECT action, spec, params FROM outbox WHERE store_id = %s ORDER BY id", (store_id,))
    return list(rows.fetchall())


def test_a_restore_is_committed_as_the_store_emptied_first(
    client: TestClient, db: Any, tenant: Any, backed_up: Any
) -> None:
    sid, backup = backed_up(tenant)
    accepted = client.post(URL.format(id=sid), json={"backup": backup}, headers=tenant.headers)
    assert accepted.status_code == 202, accepted.text
    assert accepted.json()["status"] == "restoring"

    spec = _spec(db, sid)
    assert spec.restore is not None
    restore = spec.restore
    assert (restore.backup, restore.source_namespace, restore.stage) == (backup, sid, "clearing")
    action, queued, params = _outbox(db, sid)[-1].values()
    assert action == "update" and StoreSpec.model_validate(queued) == spec
    assert params["restore"]["name"] == spec.restore.name
    files = render_store(spec, RenderProfile(backups_enabled=True))
    assert "helmrelease.yaml" not in files and "restore.yaml" not in files  # stage 1: emptied

    logs = client.get(f"/api/v1/stores/{sid}/logs", headers=tenant.headers).json()["events"]
    requested = [e for e in logs if e["event"] == "store.restore_requested"]
    assert [e["detail"] for e in requested] == [{"backup": backup, "restore": spec.restore.name}]

    busy = client.patch(f"/api/v1/stores/{sid}", json={"plan": "medium"}, headers=tenant.headers)
    assert busy.status_code == 409 and _code(busy) == "STORE_BUSY"  # nothing races the restore
    again = client.post(URL.format(id=sid), json={"backup": backup}, headers=tenant.headers)
    assert again.status_code == 409 and _code(again) == "STORE_NOT_RESTORABLE"


def test_a_retry_of_a_store_that_failed_mid_restore_puts_its_release_back(
    client: TestClient, db: Any, tenant: Any, backed_up: Any, set_status: Any
) -> None:
    sid, backup = backed_up(tenant)
    assert client.post(URL.format(id=sid), json={"backup": backup}, headers=tenant.headers).status_code == 202
    set_status(sid, "failed")  # as the watcher does when Velero reports the restore failed
    assert client.post(f"/api/v1/stores/{sid}/retry", headers=tenant.headers).status_code == 202
    spec = _spec(db, sid)
    assert spec.restore is None
    action, queued, _ = _outbox(db, sid)[-1].values()
    assert action == "retry" and "restore" not in queued
    assert "helmrelease.yaml" in render_store(spec, RenderProfile())


def test_refusals(
    client: TestClient,
    settings: Settings,
    tenant: Any,
    other_tenant: Any,
    admin: Any,
    backed_up: Any,
    set_status: Any,
) -> None:
    sid, backup = backed_up(tenant)
    other_sid, other_backup = backed_up(tenant, "other-shop")
    _, pending = backed_up(tenant, "slow-shop", finish=False)

    def post(store_id: str, body: Any, account: Any = tenant) -> Any:
        return client.post(URL.format(id=store_id), json=body, headers=account.headers)

    for response, status, code in (
        (post(sid, {"backup": backup}, other_tenant), 404, "STORE_NOT_FOUND"),
        (post(sid, {"backup": "storefleet-st-nothing-20260101000000"}), 404, "BACKUP_NOT_FOUND"),
        (post(sid, {"backup": other_backup}), 404, "BACKUP_NOT_FOUND"),  # another store's
        (post(sid, {"backup": pending}), 404, "BACKUP_NOT_FOUND"),
        (post(sid, {"backup": "Not A Name"}), 422, "VALIDATION_ERROR"),
        (post(sid, {}), 422, "VALIDATION_ERROR"),
    ):
        assert (response.status_code, _code(response)) == (status, code), response.text
    assert _spec_restore(client, sid, tenant) == "ready"  # nothing changed

    slow_sid = _store_of(pending)
    not_done = post(slow_sid, {"backup": pending})
    assert not_done.status_code == 409 and _code(not_done) == "BACKUP_NOT_COMPLETED"
    for status in ("deleting", "requested", "provisioning", "updating"):
        set_status(other_sid, status)
        refused = post(other_sid, {"backup": other_backup})
        assert refused.status_code == 409 and _code(refused) == "STORE_NOT_RESTORABLE"
    with _app(settings, backups_enabled=False) as off:
        refused = off.post(URL.format(id=sid), json={"backup": backup}, headers=tenant.headers)
        assert refused.status_code == 409 and _code(refused) == "BACKUPS_DISABLED"
    with _app(settings, kubeconfig=None) as clusterless:
        refused = clusterless.post(URL.format(id=sid), json={"backup": backup}, headers=tenant.headers)
        assert refused.status_code == 503 and _code(refused) == "CLUSTER_NOT_CONFIGURED"
    by_admin = post(sid, {"backup": backup}, admin)
    assert by_admin.status_code == 202 and by_admin.json()["status"] == "restoring"


def _store_of(backup: str) -> str:
    """`storefleet-<store-id>-<stamp>` -> the store id."""
    return backup.removeprefix("storefleet-").rsplit("-", 1)[0]


def _spec_restore(client: TestClient, store_id: str, account: Any) -> str:
    return str(client.get(f"/api/v1/stores/{store_id}", headers=account.headers).json()["status"])
