"""Rotating a store's admin password through the whole loop: the API's request, the watcher (real
informers over HTTP, PostgreSQL), the test Kubernetes API and the applier doubles. The new password is
made in the cluster, reaches the Job only through `secretKeyRef`, becomes the Secret's admin password
once the Job succeeded, and appears in no commit, Job spec or log; the store stays ready and nothing is
committed. A failed Job changes nothing, and a watcher restarted halfway finishes the rotation."""

from __future__ import annotations

import base64
import json
import logging
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from storefleet.reconciler_watch.credentials import ADMIN_PASSWORD_KEY, credentials_secret_name
from storefleet.reconciler_watch.rotation_job import NEW_PASSWORD_ENV, ROTATION_LABEL, staging_key
from storefleet_demo.kube.applier import Applier
from tests.reconciler_watch.conftest import WatcherRunner
from tests.reconciler_watch.support import events, git, installed, status_of, transitions, wait_for
from tests.reliability.test_no_secrets_leak import fleet_history, scan

KEY, STAGED = ADMIN_PASSWORD_KEY["woocommerce"], staging_key("woocommerce")


def secret_data(applier: Applier, store_id: str) -> dict[str, str]:
    secret = applier.kube.get("v1", "Secret", store_id, credentials_secret_name(store_id))
    assert secret is not None
    return {key: base64.b64decode(value).decode() for key, value in (secret.get("data") or {}).items()}


def rotation_jobs(applier: Applier, store_id: str) -> list[dict[str, Any]]:
    return applier.kube.list_objects("batch/v1", "Job", store_id, labels=ROTATION_LABEL)


def rotate(client: TestClient, account: Any, store_id: str) -> dict[str, Any]:
    answer = client.post(f"/api/v1/stores/{store_id}/credentials/rotate", headers=account.headers)
    assert answer.status_code == 202, answer.text
    return answer.json()  # type: ignore[no-any-return]


def rotation_reaches(client: TestClient, account: Any, store_id: str, state: str) -> dict[str, Any]:
    def reached() -> dict[str, Any] | None:
        rotation = status_of(client, account, store_id)["credentials_rotation"]
        return rotation if rotation and rotation["state"] == state else None

    return wait_for(reached, what=f"rotation {state}")  # type: ignore[no-any-return]


def commits(remote: Path) -> int:
    return int(git("rev-list", "--count", "main", cwd=remote))


def staged_job(applier: Applier, store_id: str, generation: int = 1) -> dict[str, Any]:
    """Rotation `generation`'s Job once the watcher created it (the new password staged before it)."""
    name = f"{store_id}-rotate-{generation}"

    def created() -> dict[str, Any] | None:
        return next((j for j in rotation_jobs(applier, store_id) if j["metadata"]["name"] == name), None)

    return wait_for(created, what=f"the Job of rotation {generation}")  # type: ignore[no-any-return]


@pytest.mark.parametrize("engine", ["flux", "argocd"], indirect=True)
def test_a_rotation_gives_the_store_a_new_password_without_a_commit_or_a_trace(
    client: TestClient, tenant: Any, applier: Applier, watchers: WatcherRunner, fleet_remote: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    caplog.set_level(logging.DEBUG)
    watchers.start()
    with applier.run_in_background():
        sid = installed(client, tenant, applier, "rotated-shop")["id"]
    old = secret_data(applier, sid)[KEY]
    before, moves = commits(fleet_remote), transitions(client, tenant, sid)

    accepted = rotate(client, tenant, sid)
    assert accepted["state"] == "requested" and accepted["generation"] == 1
    job = staged_job(applier, sid)
    new = secret_data(applier, sid)[STAGED]
    assert len(new) == 48 and new != old
    (container,) = job["spec"]["template"]["spec"]["containers"]
    assert container["command"] == ["bash", "/etc/storefleet/setup/woocommerce-rotate-admin.sh"]
    (env,) = [e for e in container["env"] if e["name"] == NEW_PASSWORD_ENV]
    assert env == {
        "name": NEW_PASSWORD_ENV,
        "valueFrom": {"secretKeyRef": {"name": credentials_secret_name(sid), "key": STAGED}},
    }
    assert new not in json.dumps(job)  # only the key is named, never the value
    assert status_of(client, tenant, sid)["credentials_rotation"]["state"] == "running"

    assert applier.finish_jobs(sid) == [f"{sid}-rotate-1"]
    done = rotation_reaches(client, tenant, sid, "done")
    assert done["message"].startswith("the shop and Secret")
    assert secret_data(applier, sid)[KEY] == new and STAGED not in secret_data(applier, sid)
    credentials = client.get(f"/api/v1/stores/{sid}/credentials", headers=tenant.headers)
    assert credentials.json()["password"] == new
    assert status_of(client, tenant, sid)["status"] == "ready"  # a rotation is not a lifecycle event
    assert transitions(client, tenant, sid) == moves
    trail = [e["event"] for e in events(client, tenant, sid)]
    assert [e for e in trail if "rotat" in e] == [
        "store.credentials_rotation_requested",
        "store.credentials_rotated",
    ]
    assert commits(fleet_remote) == before  # nothing committed: the password never goes near git
    assert scan(fleet_history(fleet_remote), {"new password": new, "old password": old}) == []
    logs = "\n".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records)
    assert "rotation 1 of its admin password: done" in logs  # the rotation logged: the scan can fail
    assert scan(logs, {"new password": new}) == []


def test_a_failed_rotation_job_changes_nothing_and_a_new_rotation_can_follow(
    client: TestClient, tenant: Any, applier: Applier, watchers: WatcherRunner
) -> None:
    watchers.start()
    with applier.run_in_background():
        sid = installed(client, tenant, applier, "stubborn-shop")["id"]
    old = secret_data(applier, sid)[KEY]
    rotate(client, tenant, sid)
    staged_job(applier, sid)
    applier.finish_jobs(sid, succeed=False, log="Error: Invalid user ID, email or login: 'admin'")
    failed = rotation_reaches(client, tenant, sid, "failed")
    assert failed["message"].startswith(f"the Job {sid}-rotate-1 failed: Job has reached the specified")
    assert "Invalid user ID" in failed["message"] and failed["message"].endswith(
        "the old password still works"
    )
    assert secret_data(applier, sid)[KEY] == old and STAGED not in secret_data(applier, sid)
    assert status_of(client, tenant, sid)["status"] == "ready"
    trail = [e for e in events(client, tenant, sid) if "rotat" in e["event"]]
    assert [e["event"] for e in trail][-1] == "store.credentials_rotation_failed"
    assert "Invalid user ID" in trail[-1]["detail"]["message"]

    assert rotate(client, tenant, sid)["generation"] == 2  # a failed rotation is over: ask again
    staged_job(applier, sid, 2)
    assert applier.finish_jobs(sid) == [f"{sid}-rotate-2"]
    rotation_reaches(client, tenant, sid, "done")
    assert secret_data(applier, sid)[KEY] != old


def test_a_restarted_watcher_takes_a_rotation_up_where_it_stopped(
    client: TestClient, tenant: Any, applier: Applier, watchers: WatcherRunner
) -> None:
    watchers.start()
    with applier.run_in_background():
        sid = installed(client, tenant, applier, "restarted-shop")["id"]
    rotate(client, tenant, sid)
    staged_job(applier, sid)
    new = secret_data(applier, sid)[STAGED]
    # stopped while the Job runs; the Job succeeds meanwhile; a new watcher commits the password
    watchers.stop()
    applier.finish_jobs(sid)
    watchers.start()
    rotation_reaches(client, tenant, sid, "done")
    assert secret_data(applier, sid)[KEY] == new and len(rotation_jobs(applier, sid)) == 1

    # stopped after the Secret's write and before the rotation was recorded done: the staging key
    # is gone, so the new watcher only records it
    rotate(client, tenant, sid)
    staged_job(applier, sid, 2)
    watchers.stop()
    assert applier.finish_jobs(sid) == [f"{sid}-rotate-2"]
    newer = secret_data(applier, sid)[STAGED]
    secret = applier.kube.get("v1", "Secret", sid, credentials_secret_name(sid))
    assert secret is not None
    applier.kube.merge_patch(secret, {"data": {KEY: secret["data"][STAGED], STAGED: None}})
    watchers.start()
    rotation_reaches(client, tenant, sid, "done")
    assert secret_data(applier, sid)[KEY] == newer and len(rotation_jobs(applier, sid)) == 2
