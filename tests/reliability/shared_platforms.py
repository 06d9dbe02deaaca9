"""Two `storefleet up` processes against one database and one fleet remote, as two replicas run."""

from __future__ import annotations

import secrets
import signal
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import psycopg

from storefleet.api.fleet.local_remote import ensure_local_fleet_repo
from storefleet.api.fleet.repo import Identity
from storefleet.renderer.profile import GitOpsEngine
from storefleet.renderer.template import instantiate_template
from tests.api.test_cli import Platform
from tests.reliability.test_kill_during_burst import create_commits

# Bigint advisory locks held: with no request in flight, only the fleet writer's session lock (the
# guardrails' transaction-level locks end with their transactions).
WRITER_LOCKS_SQL = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1"


def bare_fleet_remote(path: Path) -> Path:
    files = instantiate_template(GitOpsEngine.FLUX, "test", "http://127.0.0.1:8000/git/fleet.git", "main")
    ensure_local_fleet_repo(path, "main", Identity("storefleet", "storefleet@localhost"), files)
    return path


def two_platforms(root: Path, database_url: str, remote: Path) -> list[Platform]:
    env = {
        "DATABASE_URL": database_url,
        "FLEET_REPO_URL": str(remote),
        "JWT_SECRET": secrets.token_urlsafe(48),  # one secret: a token works on either replica
        "MAX_STORES_PER_USER": "0",
        "STORE_CREATION_COOLDOWN_S": "0",
        "FLEET_POLL_INTERVAL_S": "0.2",
        "DB_CONNECT_TIMEOUT_S": "2",
    }
    return [Platform(root / name, **env) for name in ("replica-a", "replica-b")]


def stop_all(platforms: list[Platform]) -> None:
    for platform in platforms:
        if platform.proc and platform.proc.poll() is None:
            platform.signal(signal.SIGTERM, timeout=60)


def writer_locks(conninfo: str) -> int:
    with psycopg.connect(conninfo, autocommit=True) as conn:
        row = conn.execute(WRITER_LOCKS_SQL).fetchone()
    return int(row[0]) if row else 0


def burst(
    platforms: list[Platform], headers: dict[str, str], count: int, on_accepted: Callable[[int], None]
) -> list[str]:
    """`count` creates spread over the replicas, 6 at a time; the ids of those answered 202.
    `on_accepted(n)` runs (once per n) in the thread whose create was the n-th accepted."""
    accepted: list[str] = []
    lock = threading.Lock()

    def create(n: int) -> None:
        platform = platforms[n % len(platforms)]
        body = {"name": f"shop-{n:03d}", "engine": "woocommerce"}
        try:
            response = platform.api("POST", "/api/v1/stores", headers=headers, json=body)
        except httpx.TransportError:
            return
        if response.status_code != 202:
            assert response.status_code == 503, response.text  # refused while the database is away
            return
        with lock:
            accepted.append(response.json()["id"])
            total = len(accepted)
        on_accepted(total)

    with ThreadPoolExecutor(6) as pool:
        list(pool.map(create, range(count)))
    return accepted


def wait_committed(remote: Path, store_ids: list[str], timeout_s: float = 90) -> Counter[str]:
    deadline = time.monotonic() + timeout_s
    commits = create_commits(remote)
    while not set(store_ids) <= set(commits) and time.monotonic() < deadline:
        time.sleep(0.2)
        commits = create_commits(remote)
    return commits
