"""The day-two loop leaves no secret behind either: a backup made now, an in-place restore from it
and a rotation of the store's admin password — after all three, neither the fleet repo's history nor
any log line holds a password (the old admin password, the rotated one, the database's) or a token."""

from __future__ import annotations

import base64
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from storefleet.api.settings import Settings
from storefleet_demo.kube.cluster import KubeCluster
from storefleet_demo.kube.flux_double import FluxDouble
from tests.kube.velero_double import VeleroDouble, install_crds
from tests.reconciler_watch.conftest import WatcherRunner
from tests.reconciler_watch.support import status_of, wait_for, wait_status
from tests.reconciler_watch.test_e2e_credentials_rotation import rotate, rotation_reaches, staged_job
from tests.reconciler_watch.test_e2e_restore import advanced_to, backed_up_store, request_restore
from tests.reliability.test_no_secrets_leak import fleet_history, scan


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"backups_enabled": True, "watch_tick_s": 0.2})


@pytest.fixture
def applier(kube_api: KubeCluster, fleet_remote: Path) -> FluxDouble:
    return FluxDouble(kube_api, fleet_remote)


@pytest.fixture
def watchers(client: TestClient, settings: Settings) -> Iterator[WatcherRunner]:
    runner = WatcherRunner(client, settings)
    yield runner
    runner.stop()


def _store_passwords(applier: FluxDouble, store_id: str) -> dict[str, str]:
    return {
        f"store {secret['metadata']['name']} {key}": base64.b64decode(value).decode()
        for secret in applier.kube.list_objects("v1", "Secret", store_id)
        for key, value in (secret.get("data") or {}).items()
    }


def test_backup_restore_and_rotation_leave_no_secret_in_git_or_the_logs(
    client: TestClient, tenant: Any, kube_api: KubeCluster, applier: FluxDouble, watchers: WatcherRunner,
    fleet_remote: Path, settings: Settings, caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    caplog.set_level(logging.DEBUG)
    velero = VeleroDouble(kube_api)
    install_crds(kube_api, applier.kube)
    watchers.start()
    sid, backup = backed_up_store(client, tenant, applier, velero)
    secrets = _store_passwords(applier, sid)
    now = client.post(f"/api/v1/stores/{sid}/backups", headers=tenant.headers)
    assert now.status_code == 202, now.text
    request_restore(client, tenant, sid, backup)
    with applier.run_in_background():
        wait_for(lambda: advanced_to(client, tenant, sid, "restoring"), 30, what="stage restoring")
        wait_for(lambda: velero.reconcile() or next(iter(velero.restores()), None), what="the Restore run")
        wait_status(client, tenant, sid, "ready", timeout_s=30)
        rotate(client, tenant, sid)
        job = staged_job(applier, sid)
        applier.finish_jobs()  # the rotation Job succeeds in the shop
        assert job["metadata"]["name"] == f"{sid}-rotate-1"
        rotation_reaches(client, tenant, sid, "done")
    secrets |= {f"after {name}": value for name, value in _store_passwords(applier, sid).items()}
    secrets |= {"session token": tenant.token}
    if settings.jwt_secret is not None:
        secrets["JWT secret"] = settings.jwt_secret.get_secret_value()
    assert status_of(client, tenant, sid)["status"] == "ready"
    assert len(set(secrets.values())) > len(_store_passwords(applier, sid))  # the rotated one is new
    history, logs = (
        fleet_history(fleet_remote),
        "\n".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records),
    )
    assert sid in logs and "restor" in logs  # the flow did log: the scan below could fail
    assert scan(history, secrets) == []
    assert scan(logs, secrets) == []
