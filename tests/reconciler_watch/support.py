"""Helpers for the watcher's end-to-end tests: waiting, the API as a tenant sees it, git on the remote."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from storefleet_demo.kube.applier import Applier


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def push_human_revert(remote: Path, commit: str, workdir: Path) -> str:
    """What a platform engineer does: clone the fleet repo, `git revert` a commit, push; the new sha."""
    clone = workdir / "human"
    git("clone", "-q", str(remote), str(clone), cwd=workdir)
    git("-c", "user.name=Pat Engineer", "-c", "user.email=pat@example.com",
        "revert", "--no-edit", commit, cwd=clone)  # fmt: skip
    revert_sha = git("rev-parse", "HEAD", cwd=clone)
    git("push", "-q", "origin", "HEAD:main", cwd=clone)
    return revert_sha


def wait_for(check: Callable[[], Any], timeout_s: float = 30.0, what: str = "condition") -> Any:
    """`check()` once it is truthy. The timeout only bounds a hang: a CI machine running two test
    workers beside other work took more than 15 s for a rollout wave's commit to start gating."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def status_of(client: TestClient, account: Any, store_id: str) -> dict[str, Any]:
    response = client.get(f"/api/v1/stores/{store_id}", headers=account.headers)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def wait_status(client: TestClient, account: Any, store_id: str, status: str, timeout_s: float = 15.0) -> Any:
    """The store once it has `status`; fails at once if it settles in another terminal-ish status."""

    def reached() -> dict[str, Any] | None:
        store = status_of(client, account, store_id)
        return store if store["status"] == status else None

    try:
        return wait_for(reached, timeout_s, what=f"status {status}")
    except AssertionError as exc:
        store = status_of(client, account, store_id)
        raise AssertionError(f"{exc}; the store is {store['status']}: {store['status_message']}") from None


def create(client: TestClient, account: Any, name: str, **fields: Any) -> dict[str, Any]:
    body = {"name": name, "engine": "woocommerce", **fields}
    created = client.post("/api/v1/stores", json=body, headers=account.headers)
    assert created.status_code == 202, created.text
    return created.json()  # type: ignore[no-any-return]


def provisioned(client: TestClient, account: Any, name: str, **fields: Any) -> dict[str, Any]:
    """A new store once the writer has committed it (status provisioning)."""
    created = create(client, account, name, **fields)
    return wait_status(client, account, created["id"], "provisioning")  # type: ignore[no-any-return]


def events(client: TestClient, account: Any, store_id: str) -> list[dict[str, Any]]:
    """The store's audit events, oldest first."""
    response = client.get(f"/api/v1/stores/{store_id}/logs?limit=100", headers=account.headers)
    assert response.status_code == 200, response.text
    return sorted(response.json()["events"], key=lambda e: e["id"])


def transitions(client: TestClient, account: Any, store_id: str) -> list[str]:
    """The statuses the store moved to, in order (from its audit trail)."""
    moves = []
    for event in events(client, account, store_id):
        after = (event.get("after") or {}).get("status")
        before = (event.get("before") or {}).get("status")
        if after and after != before:
            moves.append(after)
    return moves


def setup_jobs(applier: Applier, store_id: str) -> list[dict[str, Any]]:
    return applier.kube.list_objects("batch/v1", "Job", store_id, labels="storefleet.io/setup")


def finish_setup(applier: Applier, store_id: str, *, succeed: bool = True, log: str = "") -> str:
    """Wait for the store's next setup Job and end it; returns its name."""
    names = wait_for(lambda: applier.finish_jobs(store_id, succeed=succeed, log=log), what="a setup Job")
    assert len(names) == 1, names
    return str(names[0])


def installed(client: TestClient, account: Any, applier: Applier, name: str, **fields: Any) -> dict[str, Any]:
    """A new store taken to ready through the applier (running in the background) and its setup."""
    store_id = create(client, account, name, **fields)["id"]
    finish_setup(applier, store_id)
    return wait_status(client, account, store_id, "ready")  # type: ignore[no-any-return]
