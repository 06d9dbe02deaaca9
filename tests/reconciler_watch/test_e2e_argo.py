"""The whole loop under Argo CD: the watcher creates each store's credentials Secret (Argo CD renders
without cluster access, and secrets never go through git), follows the Application's sync and health,
runs the setup, and turns failed syncs into failed stores that a retry brings back."""

from __future__ import annotations

import base64
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from storefleet.reconciler_watch.credentials import ADMIN_PASSWORD_KEY, credentials_secret_name
from storefleet.reconciler_watch.storefront_key import storefront_key_secret_name
from storefleet.reconciler_watch.watcher import ClusterWatcher
from storefleet_demo.kube.applier import Applier
from tests.kube.argo_double import API
from tests.reconciler_watch.support import (
    create,
    events,
    finish_setup,
    git,
    installed,
    setup_jobs,
    status_of,
    transitions,
    wait_for,
    wait_status,
)

pytestmark = pytest.mark.parametrize("engine", ["argocd"], indirect=True)


def application(applier: Applier, store_id: str) -> dict[str, Any]:
    app = applier.kube.get(API, "Application", "argocd", store_id)
    assert app is not None
    return app


def test_install_to_ready_with_the_credentials_secret_made_in_the_cluster_only(
    client: TestClient, tenant: Any, applier: Applier, watcher: ClusterWatcher, fleet_remote: Path,
    tmp_path: Path,
) -> None:  # fmt: skip
    with applier.run_in_background():
        store = create(client, tenant, "argo-shop", engine="medusa")
        sid = store["id"]
        finish_setup(applier, sid, log="seeded 8 products\npublishable-key=pk_01JSTOREFRONT\n")
        ready = wait_status(client, tenant, sid, "ready")

    secret = applier.kube.get("v1", "Secret", sid, credentials_secret_name(sid))
    assert secret is not None
    assert secret["metadata"]["labels"]["app.kubernetes.io/managed-by"] == "storefleet"
    password = base64.b64decode(secret["data"][ADMIN_PASSWORD_KEY["medusa"]]).decode()
    assert len(password) == 48
    storefront = applier.kube.get("v1", "Secret", sid, storefront_key_secret_name(sid))
    assert (
        storefront is not None
        and base64.b64decode(storefront["data"]["publishable-key"]) == b"pk_01JSTOREFRONT"
    )
    app = application(applier, sid)
    values = app["spec"]["source"]["helm"]["valuesObject"]
    assert values["credentials"]["existingSecret"] == secret["metadata"]["name"]
    assert app["status"]["sync"]["revision"] == ready["last_commit_sha"]
    assert app["status"]["health"]["status"] == "Healthy"
    ready_event = [e for e in events(client, tenant, sid) if (e.get("after") or {}).get("status") == "ready"]
    assert ready_event[-1]["detail"]["observed_revision"] == ready["last_commit_sha"]

    clone = tmp_path / "clone"
    git("clone", "-q", str(fleet_remote), str(clone), cwd=tmp_path)
    everything = "\n".join(p.read_text(errors="replace") for p in clone.rglob("*") if p.is_file()
                           and ".git" not in p.parts)  # fmt: skip
    assert password not in everything


def test_a_failed_sync_fails_the_store_and_a_retry_syncs_again_to_ready(
    client: TestClient, tenant: Any, applier: Applier, watcher: ClusterWatcher
) -> None:
    sid = create(client, tenant, "argo-fail")["id"]
    applier.fail(sid, times=None, message='admission webhook "validate.nginx.ingress" denied the request')
    with applier.run_in_background():
        failed = wait_status(client, tenant, sid, "failed")
        assert failed["status_message"].startswith("Argo CD sync failed: ")
        assert "denied the request" in failed["error"]
        assert setup_jobs(applier, sid) == []

        applier.clear_failures(sid)
        assert client.post(f"/api/v1/stores/{sid}/retry", headers=tenant.headers).status_code == 202
        # the watcher asks for a sync operation; the double runs it, this time successfully
        finish_setup(applier, sid)
        wait_status(client, tenant, sid, "ready")
    assert transitions(client, tenant, sid) == ["requested", "provisioning", "failed", "requested",
                                                "provisioning", "ready"]  # fmt: skip


def test_a_degraded_rollout_fails_the_store_with_the_health_message(
    client: TestClient, tenant: Any, applier: Applier, watcher: ClusterWatcher
) -> None:
    sid = create(client, tenant, "argo-degraded")["id"]
    applier.fail(sid, times=None, mode="rollout")
    with applier.run_in_background():
        failed = wait_status(client, tenant, sid, "failed")
    assert "degraded" in failed["status_message"].lower()
    assert "exceeded its progress deadline" in failed["status_message"]


def test_delete_removes_the_application_and_namespace_then_deleted(
    client: TestClient, tenant: Any, applier: Applier, watcher: ClusterWatcher
) -> None:
    with applier.run_in_background():
        sid = installed(client, tenant, applier, "argo-gone")["id"]
        assert client.delete(f"/api/v1/stores/{sid}", headers=tenant.headers).status_code == 202
        wait_status(client, tenant, sid, "deleted")
    assert applier.kube.get(API, "Application", "argocd", sid) is None
    wait_for(lambda: applier.kube.get("v1", "Namespace", None, sid) is None)


def test_a_medusa_setup_that_reports_no_publishable_key_fails_the_store(
    client: TestClient, tenant: Any, applier: Applier, watcher: ClusterWatcher
) -> None:
    with applier.run_in_background():
        sid = create(client, tenant, "argo-nokey", engine="medusa")["id"]
        finish_setup(applier, sid, log="seeded 8 products\n")
        failed = wait_status(client, tenant, sid, "failed")
    assert "no publishable API key" in failed["error"] and "seeded 8 products" in failed["error"]
    assert applier.kube.get("v1", "Secret", sid, storefront_key_secret_name(sid)) is None


def test_a_late_sync_error_about_the_retried_failure_does_not_fail_the_retry(
    client: TestClient, tenant: Any, applier: Applier, watcher: ClusterWatcher
) -> None:
    sid = create(client, tenant, "argo-late-error")["id"]
    applier.fail(sid, times=None, message="the webhook denied the request")
    with applier.run_in_background():
        wait_status(client, tenant, sid, "failed")
    applier.clear_failures(sid)
    assert client.post(f"/api/v1/stores/{sid}/retry", headers=tenant.headers).status_code == 202
    wait_for(lambda: "operation" in application(applier, sid), what="the retry's sync operation")

    # The refresh of the failed sync lands only now: its SyncError is stamped after the retry.
    app = application(applier, sid)
    stale = next(c for c in app["status"]["conditions"] if c["type"] == "SyncError")
    after_retry = datetime.now(UTC) + timedelta(seconds=1)  # stamped to the second, like Argo CD
    late = {**stale, "lastTransitionTime": after_retry.strftime("%Y-%m-%dT%H:%M:%SZ")}
    applier.kube.json_patch(app, [{"op": "replace", "path": "/status/conditions", "value": [late]}])
    assert applier.start_syncs(sid) == [sid]  # the retry's own operation, Running
    time.sleep(1.0)  # a few watcher ticks
    assert status_of(client, tenant, sid)["status"] == "provisioning"

    with applier.run_in_background():
        finish_setup(applier, sid)
        wait_status(client, tenant, sid, "ready")
    assert transitions(client, tenant, sid).count("failed") == 1


def test_a_comparison_error_that_persists_across_a_refresh_fails_the_store(
    client: TestClient, tenant: Any, applier: Applier, watcher: ClusterWatcher
) -> None:
    sid = create(client, tenant, "argo-broken-chart")["id"]
    applier.fail(sid, times=None, mode="comparison", message="`helm template` failed: parse error")
    with applier.run_in_background():
        failed = wait_status(client, tenant, sid, "failed", timeout_s=10)
    assert failed["status_message"].startswith("Argo CD ComparisonError: Failed to load target state")
    assert "parse error" in failed["error"]
    assert application(applier, sid)["status"]["sync"]["status"] == "Unknown"
