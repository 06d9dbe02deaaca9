"""POST /api/v1/stores {restore_from}: a new store from a backup of another store — the backup checked
in the test Kubernetes API (the Velero double's), the store `restoring` with the source's settings and
chart instance, its first commit (the create) declaring the namespace-mapped Restore without a
release, audited; and every refusal, each a 4xx with a code and nothing written."""

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
from storefleet.renderer.yamlio import load
from storefleet_demo.kube.cluster import KubeCluster
from tests.api.stores.cluster.test_backups import _app, _code, _declare_schedule, _spec
from tests.kube.velero_double import VeleroDouble

URL = "/api/v1/stores"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"backups_enabled": True})


@pytest.fixture
def velero_double(kube_api: KubeCluster) -> VeleroDouble:
    return VeleroDouble(kube_api)


@pytest.fixture
def backed_up(
    db: Any,
    new_store: Any,
    set_status: Callable[[str, str], None],
    velero_double: VeleroDouble,
) -> Callable[..., tuple[str, str]]:
    """A store of `account` with one backup, run to `Completed` unless `finish` is False, then left in
    `status` (deleted, by default: the case the feature is for)."""

    def _make(
        account: Any, name: str = "acme-shop", finish: bool = True, status: str = "deleted", **fields: Any
    ) -> tuple[str, str]:
        sid = new_store(account, name, **fields)["id"]
        set_status(sid, "ready")
        _declare_schedule(velero_double, _spec(db, sid))
        backup = velero_double.run_schedule(schedule_name(sid), datetime(2026, 12, 1, 3, 7, tzinfo=UTC))
        if finish:
            velero_double.reconcile()
        set_status(sid, status)
        return sid, backup["metadata"]["name"]

    return _make


def _body(source: str, backup: str, name: str = "acme-shop", **fields: Any) -> dict[str, Any]:
    return {
        "name": name,
        "engine": "woocommerce",
        "restore_from": {"store_id": source, "backup": backup},
        **fields,
    }


def _counts(db: Any) -> tuple[int, int]:
    row = db.execute(
        "SELECT (SELECT count(*) FROM stores) AS s, (SELECT count(*) FROM outbox) AS o"
    ).fetchone()
    return row["s"], row["o"]


def test_a_store_is_created_restoring_from_the_backup_of_a_deleted_store(
    client: TestClient, db: Any, tenant: Any, backed_up: Any
) -> None:
    source, backup = backed_up(tenant, theme="astra", plan="medium", template="fashion")
    accepted = client.post(URL, json=_body(source, backup), headers=tenant.headers)
    assert accepted.status_code == 202, accepted.text
    store = accepted.json()
    assert store["status"] == "restoring" and store["id"] != source
    assert (store["name"], store["theme"], store["plan"], store["template"]) == (
        "acme-shop", "astra", "medium", "fashion",
    )  # fmt: skip
    assert backup in store["status_message"] and source in store["status_message"]

    spec = _spec(db, store["id"])
    assert spec.restored_from is not None and spec.restore is not None
    assert (spec.restored_from.store_id, spec.restored_from.backup) == (source, backup)
    assert spec.instance == source  # the objects keep the deleted store's names
    assert (spec.restore.backup, spec.restore.source_namespace, spec.restore.stage) == (
        backup, source, "restoring",
    )  # fmt: skip
    (row,) = db.execute(
        "SELECT action, spec, params FROM outbox WHERE store_id = %s ORDER BY id", (store["id"],)
    ).fetchall()
    action, queued, params = row.values()
    assert action == "create" and StoreSpec.model_validate(queued) == spec
    assert params["restore_from"] == {"store_id": source, "backup": backup}

    files = render_store(spec, RenderProfile(backups_enabled=True))
    assert "helmrelease.yaml" not in files  # the release comes with the restore's last commit
    restore = load(files["restore.yaml"])
    assert restore["spec"]["namespaceMapping"] == {source: store["id"]}
    assert restore["spec"]["labelSelector"] == {"matchLabels": {"storefleet.io/store": source}}

    logs = client.get(f"/api/v1/stores/{store['id']}/logs", headers=tenant.headers).json()["events"]
    by_event = {e["event"]: e for e in logs}
    assert by_event["store.requested"]["after"]["status"] == "restoring"
    assert by_event["store.restore_requested"]["detail"] == {
        "backup": backup, "restore": spec.restore.name, "source_store": source,
    }  # fmt: skip

    busy = client.patch(f"/api/v1/stores/{store['id']}", json={"plan": "large"}, headers=tenant.headers)
    assert busy.status_code == 409 and _code(busy) == "STORE_BUSY"  # nothing races the restore


def test_a_store_from_a_store_made_from_a_backup_keeps_the_first_instance(
    client: TestClient, db: Any, tenant: Any, backed_up: Any, velero_double: VeleroDouble, set_status: Any
) -> None:
    first, backup = backed_up(tenant)
    second = client.post(URL, json=_body(first, backup, "second"), headers=tenant.headers).json()["id"]
    set_status(second, "ready")
    _declare_schedule(velero_double, _spec(db, second))
    again = velero_double.run_schedule(schedule_name(second))["metadata"]["name"]
    velero_double.reconcile()
    third = client.post(URL, json=_body(second, again, "third"), headers=tenant.headers)
    assert third.status_code == 202, third.text
    spec = _spec(db, third.json()["id"])
    assert spec.restored_from is not None and spec.restored_from.store_id == second
    assert spec.instance == first  # the names the restored objects carry
    assert spec.restore is not None and spec.restore.source_namespace == second


def test_refusals_write_nothing(
    client: TestClient,
    db: Any,
    settings: Settings,
    tenant: Any,
    other_tenant: Any,
    admin: Any,
    backed_up: Any,
    new_store: Any,
) -> None:
    source, backup = backed_up(tenant)
    _, other_backup = backed_up(tenant, "other-shop")
    medusa, medusa_backup = backed_up(tenant, "medusa-shop", engine="medusa")
    slow, pending = backed_up(tenant, "slow-shop", finish=False)  # last: nothing runs Velero after it
    new_store(tenant, "taken-name")
    before = _counts(db)

    def post(body: Any, account: Any = tenant) -> Any:
        return client.post(URL, json=body, headers=account.headers)

    for response, status, code in (
        (post(_body(source, backup), other_tenant), 404, "STORE_NOT_FOUND"),  # another tenant's
        (post(_body("st-nothing000", backup)), 404, "STORE_NOT_FOUND"),
        (post(_body(source, "storefleet-st-nothing-20260101000000")), 404, "BACKUP_NOT_FOUND"),
        (post(_body(source, other_backup)), 404, "BACKUP_NOT_FOUND"),  # another store's
        (post(_body(slow, pending)), 409, "BACKUP_NOT_COMPLETED"),
        (post(_body(medusa, medusa_backup)), 422, "BACKUP_ENGINE_MISMATCH"),
        (post(_body(source, backup, theme="astra")), 422, "VALIDATION_ERROR"),
        (post(_body(source, backup, plan="small")), 422, "VALIDATION_ERROR"),
        (post(_body(source, backup, "taken-name")), 409, "STORE_NAME_TAKEN"),
        (post(_body(source, "Not A Name")), 422, "VALIDATION_ERROR"),
        (post({"name": "x-shop", "engine": "woocommerce", "restore_from": {"store_id": source}}), 422,
         "VALIDATION_ERROR"),
    ):  # fmt: skip
        assert (response.status_code, _code(response)) == (status, code), response.text
    with _app(settings, backups_enabled=False) as off:
        refused = off.post(URL, json=_body(source, backup), headers=tenant.headers)
        assert refused.status_code == 409 and _code(refused) == "BACKUPS_DISABLED"
    with _app(settings, kubeconfig=None) as clusterless:
        refused = clusterless.post(URL, json=_body(source, backup), headers=tenant.headers)
        assert refused.status_code == 503 and _code(refused) == "CLUSTER_NOT_CONFIGURED"
    assert _counts(db) == before  # no store, no commit

    mismatch = post(_body(medusa, medusa_backup))
    assert mismatch.json()["error"]["details"][0]["field"] == "engine"
    by_admin = post(_body(source, backup, "admin-copy"), admin)  # an admin restores anyone's
    assert by_admin.status_code == 202 and by_admin.json()["owner_id"] == admin.id
