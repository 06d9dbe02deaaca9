"""Helpers of the rollout tests: a fleet of ready stores, the wave commits as git shows them."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from storefleet_demo.kube.applier import Applier
from tests.reconciler_watch.support import git, wait_for


@contextlib.contextmanager
def cluster_running(applier: Applier, *, setup_jobs: bool = True) -> Iterator[None]:
    """The applier reconciles and (unless `setup_jobs` is False: a chart version's move starts no
    setup) every setup Job succeeds, in the background, for the block."""
    stop = threading.Event()
    if not setup_jobs:
        stop.set()

    def finish_jobs() -> None:
        while not stop.wait(0.25):
            applier.finish_jobs(log="seeded the catalogue\npublishable-key=pk_01ROLLOUTTEST\n")

    thread = threading.Thread(target=finish_jobs, daemon=True)
    with applier.run_in_background():
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join(timeout=5)


def statuses(db: Any, store_ids: list[str]) -> dict[str, str]:
    rows = db.execute("SELECT id, status FROM stores WHERE id = ANY(%s)", (store_ids,)).fetchall()
    return {row["id"]: row["status"] for row in rows}


def ready_fleet(
    client: TestClient, accounts: list[Any], count: int, db: Any, timeout_s: float = 120.0
) -> list[str]:
    """`count` WooCommerce stores spread over `accounts`, all ready (the applier must be running)."""
    ids = []
    for n in range(count):
        account = accounts[n % len(accounts)]
        body = {"name": f"shop-{n:04d}", "engine": "woocommerce" if n % 3 else "medusa"}
        answer = client.post("/api/v1/stores", json=body, headers=account.headers)
        assert answer.status_code == 202, answer.text
        ids.append(answer.json()["id"])

    def all_ready() -> bool:
        return set(statuses(db, ids).values()) == {"ready"}

    try:
        wait_for(all_ready, timeout_s=timeout_s, what=f"{count} stores ready")
    except AssertionError:
        raise AssertionError(f"not all ready: {sorted(set(statuses(db, ids).items()))[:10]}") from None
    return ids


def rollout(client: TestClient, admin: Any, rollout_id: str) -> dict[str, Any]:
    answer = client.get(f"/api/v1/rollouts/{rollout_id}", headers=admin.headers)
    assert answer.status_code == 200, answer.text
    return answer.json()  # type: ignore[no-any-return]


def wait_rollout(
    client: TestClient, admin: Any, rollout_id: str, state: str, timeout_s: float = 60.0
) -> dict[str, Any]:
    def reached() -> dict[str, Any] | None:
        current = rollout(client, admin, rollout_id)
        return current if current["state"] == state else None

    return wait_for(reached, timeout_s=timeout_s, what=f"rollout {rollout_id} {state}")  # type: ignore[no-any-return]


def commit_paths(remote: Path, sha: str) -> set[str]:
    """The store directories (tenants/<tenant>/<store>) a commit touched."""
    names = git("show", "--name-only", "--format=", sha, cwd=remote).splitlines()
    return {"/".join(name.split("/")[:3]) for name in names if name.startswith("tenants/")}


def trailers(remote: Path, sha: str) -> dict[str, str]:
    text = git("show", "-s", "--format=%(trailers:only,unfold)", sha, cwd=remote)
    return dict(line.split(": ", 1) for line in text.splitlines() if ": " in line)


def store_dirs(db: Any, store_ids: list[str]) -> set[str]:
    rows = db.execute("SELECT id, owner_id FROM stores WHERE id = ANY(%s)", (store_ids,)).fetchall()
    return {f"tenants/{row['owner_id']}/{row['id']}" for row in rows}
