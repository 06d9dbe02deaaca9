"""GET and POST /api/v1/stores/{id}/backups: a store's Velero Backups read from the test Kubernetes
API with the official client over HTTP, and on-demand Backups created there (never in git), with the
Velero double playing the backup and schedule controllers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient

from storefleet.api.app import create_app
from storefleet.api.backups import service
from storefleet.api.settings import Settings
from storefleet.renderer import velero
from storefleet.renderer.backup_policy import schedule_name
from storefleet.renderer.manifests import store_labels
from storefleet.renderer.profile import RenderProfile
from storefleet.renderer.spec import StoreSpec
from storefleet_demo.kube.cluster import KubeCluster
from tests.kube.velero_double import VeleroDouble

URL = "/api/v1/stores/{id}/backups"
PROFILE = RenderProfile(backups_enabled=True)


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"backups_enabled": True})


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


def _spec(db: psycopg.Connection[Any], store_id: str) -> StoreSpec:
    row = db.execute("SELECT spec FROM stores WHERE id = %s", (store_id,)).fetchone()
    assert row is not None
    return StoreSpec.model_validate(row["spec"])


def _declare_schedule(double: VeleroDouble, spec: StoreSpec) -> None:
    """What the applier puts in the cluster from the store's schedule.yaml."""
    double.kube.create(velero.schedule(spec, PROFILE, store_labels(spec)))


@contextmanager
def _app(settings: Settings, **changes: Any) -> Iterator[TestClient]:
    app = create_app(settings.model_copy(update=changes), migrate=False)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def _code(response: Any) -> str:
    return str(response.json()["error"]["code"])


def test_the_owner_sees_the_stores_backups_newest_first_with_velero_status(
    client: TestClient, db: Any, tenant: Any, admin: Any, velero_double: VeleroDouble, ready_store: Any
) -> None:
    store, other = ready_store(tenant), ready_store(tenant, "other-shop")
    sid = store["id"]
    for spec in (_spec(db, sid), _spec(db, other["id"])):
        _declare_schedule(velero_double, spec)
    schedule = schedule_name(sid)
    velero_double.run_schedule(schedule, datetime(2026, 12, 1, 3, 7, tzinfo=UTC))
    velero_double.run_schedule(schedule_name(other["id"]), datetime(2026, 12, 1, 3, 9, tzinfo=UTC))
    velero_double.fail_backups(f"{schedule}-20261201", reason="hook database-dump failed")
    velero_double.reconcile()
    velero_double.run_schedule(schedule, datetime(2026, 12, 2, 3, 7, tzinfo=UTC))  # not picked up yet

    listed = client.get(URL.format(id=sid), headers=tenant.headers)
    assert listed.status_code == 200, listed.text
    body = listed.json()
    assert body["store_id"] == sid and body["schedule"] == schedule
    newest, failed = body["backups"]
    assert newest["name"] == f"{schedule}-20261202030700"
    assert newest["phase"] == "New" and newest["started_at"] is None and newest["trigger"] == "schedule"
    assert failed["name"] == f"{schedule}-20261201030700"
    assert failed["phase"] == "Failed" and failed["failure_reason"] == "hook database-dump failed"
    assert failed["items_backed_up"] == 12 and failed["total_items"] == 24
    assert failed["started_at"] and failed["completed_at"] and failed["expires_at"]
    assert client.get(URL.format(id=sid), headers=admin.headers).json() == body  # an admin sees it too


def test_a_backup_asked_for_now_is_created_in_the_cluster_and_audited(
    client: TestClient,
    db: Any,
    tenant: Any,
    velero_double: VeleroDouble,
    ready_store: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sid = ready_store(tenant)["id"]
    monkeypatch.setattr(service, "utc_now", lambda: datetime(2026, 12, 6, 23, 40, 5, tzinfo=UTC))
    first = client.post(URL.format(id=sid), headers=tenant.headers)
    assert first.status_code == 202, first.text
    second = client.post(URL.format(id=sid), headers=tenant.headers)  # the same second
    assert second.status_code == 202, second.text
    schedule = schedule_name(sid)
    names = [first.json()["name"], second.json()["name"]]
    assert names == [f"{schedule}-20261206234005", f"{schedule}-20261206234005-2"]
    assert first.json()["phase"] == "New" and first.json()["trigger"] == "on_demand"

    created = {b["metadata"]["name"]: b for b in velero_double.backups(schedule)}
    assert set(created) == set(names)
    backup = created[names[0]]
    spec = _spec(db, sid)
    assert backup["spec"] == velero.backup_template(spec, PROFILE, store_labels(spec))  # the Schedule's
    assert backup["metadata"]["labels"]["velero.io/schedule-name"] == schedule

    velero_double.reconcile()
    rows = {b["name"]: b for b in client.get(URL.format(id=sid), headers=tenant.headers).json()["backups"]}
    assert rows[names[0]]["phase"] == "Completed" and rows[names[0]]["items_backed_up"] == 24
    assert rows[names[0]]["trigger"] == "on_demand"

    logs = client.get(f"/api/v1/stores/{sid}/logs", headers=tenant.headers).json()["events"]
    requested = [e for e in logs if e["event"] == "store.backup_requested"]
    assert sorted(e["detail"]["backup"] for e in requested) == sorted(names)
    assert all(e["actor_id"] == tenant.id for e in requested)


def test_another_tenant_gets_404_and_an_admin_may_back_any_store_up(
    client: TestClient,
    tenant: Any,
    other_tenant: Any,
    admin: Any,
    velero_double: VeleroDouble,
    ready_store: Any,
) -> None:
    sid = ready_store(tenant)["id"]
    for method in ("get", "post"):
        refused = getattr(client, method)(URL.format(id=sid), headers=other_tenant.headers)
        assert refused.status_code == 404 and _code(refused) == "STORE_NOT_FOUND"
        missing = getattr(client, method)(URL.format(id="st-nonexisting"), headers=tenant.headers)
        assert missing.status_code == 404
    assert velero_double.backups() == []
    by_admin = client.post(URL.format(id=sid), headers=admin.headers)
    assert by_admin.status_code == 202, by_admin.text
    logs = client.get(f"/api/v1/stores/{sid}/logs", headers=tenant.headers).json()["events"]
    assert [e["actor_id"] for e in logs if e["event"] == "store.backup_requested"] == [admin.id]


@pytest.mark.parametrize("status", ["requested", "provisioning", "updating", "failed", "deleting"])
def test_only_a_running_store_is_backed_up(
    client: TestClient, tenant: Any, velero_double: VeleroDouble, new_store: Any, set_status: Any, status: str
) -> None:
    sid = new_store(tenant)["id"]
    set_status(sid, status)
    refused = client.post(URL.format(id=sid), headers=tenant.headers)
    assert refused.status_code == 409 and _code(refused) == "STORE_NOT_RUNNING"
    assert velero_double.backups() == []
    assert client.get(URL.format(id=sid), headers=tenant.headers).status_code == 200  # listing still works


def test_a_degraded_store_is_backed_up(
    client: TestClient, tenant: Any, velero_double: VeleroDouble, new_store: Any, set_status: Any
) -> None:
    sid = new_store(tenant)["id"]
    set_status(sid, "degraded")
    assert client.post(URL.format(id=sid), headers=tenant.headers).status_code == 202


def test_backups_turned_off_list_none_and_refuse_one_and_no_cluster_is_503(
    settings: Settings,
    tenant: Any,
    other_tenant: Any,
    ready_store: Any,
    kube_api: KubeCluster,
    tmp_path: Path,
) -> None:
    sid = ready_store(tenant)["id"]
    with _app(settings, backups_enabled=False) as off:
        listed = off.get(URL.format(id=sid), headers=tenant.headers)
        assert listed.status_code == 200, listed.text
        assert listed.json() == {"store_id": sid, "enabled": False, "schedule": None, "backups": []}
        refused = off.post(URL.format(id=sid), headers=tenant.headers)
        assert refused.status_code == 409 and _code(refused) == "BACKUPS_DISABLED"
        hidden = off.get(URL.format(id=sid), headers=other_tenant.headers)  # still someone else's store
        assert hidden.status_code == 404 and _code(hidden) == "STORE_NOT_FOUND"
    with _app(settings, kubeconfig=None) as clusterless:
        for method in ("get", "post"):
            refused = getattr(clusterless, method)(URL.format(id=sid), headers=tenant.headers)
            assert refused.status_code == 503 and _code(refused) == "CLUSTER_NOT_CONFIGURED"


def test_a_cluster_without_velero_is_503_velero_not_installed(
    client: TestClient, tenant: Any, ready_store: Any
) -> None:
    sid = ready_store(tenant)["id"]  # no Velero double: the API serves no velero.io
    for method in ("get", "post"):
        refused = getattr(client, method)(URL.format(id=sid), headers=tenant.headers)
        assert refused.status_code == 503 and _code(refused) == "VELERO_NOT_INSTALLED", refused.text
