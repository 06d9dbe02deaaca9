"""`kill -9` of `storefleet up` in the middle of a burst of 200 creates; after a restart every
accepted store is committed exactly once, and no store exists twice or not at all."""

from __future__ import annotations

import signal
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from storefleet.api.db.embedded import EmbeddedPostgres
from tests.api.test_cli import Platform
from tests.reconciler_watch.support import git

pytestmark = pytest.mark.slow
BURST = 200
KILL_AFTER = 60  # accepted creates before the kill


def create_commits(fleet: Path) -> Counter[str]:
    """Store id -> how many create commits name it."""
    log = git("log", "--format=%(trailers:key=Action,valueonly)%x1f%(trailers:key=Store-Id,valueonly)%x1e",
              "main", cwd=fleet)  # fmt: skip
    counts: Counter[str] = Counter()
    for record in filter(str.strip, log.split("\x1e")):
        action, store_id = (part.strip() for part in record.split("\x1f"))
        if action == "create":
            counts[store_id] += 1
    return counts


def test_a_kill_during_a_burst_of_creates_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    # The guardrails would refuse a burst from one tenant: this test is about crash recovery.
    platform = Platform(tmp_path / "state", MAX_STORES_PER_USER="0", STORE_CREATION_COOLDOWN_S="0")
    try:
        platform.start()
        body = {"email": "burst@example.com", "username": "burst", "password": "password1"}
        token = platform.api("POST", "/api/v1/auth/register", json=body).json()["token"]
        headers = {"Authorization": f"Bearer {token}"}
        accepted: list[str] = []
        killed = threading.Event()
        lock = threading.Lock()

        def create(n: int) -> None:
            if killed.is_set():
                return
            try:
                response = platform.api("POST", "/api/v1/stores", headers=headers,
                                        json={"name": f"burst-{n:03d}", "engine": "woocommerce"})  # fmt: skip
            except httpx.TransportError:
                return  # in flight at the kill: no answer, so no promise was made
            if response.status_code == 202:
                with lock:
                    accepted.append(response.json()["id"])
                    if len(accepted) == KILL_AFTER and not killed.is_set():
                        killed.set()
                        platform.signal(signal.SIGKILL)

        with ThreadPoolExecutor(8) as pool:
            list(pool.map(create, range(BURST)))
        assert killed.is_set() and len(accepted) >= KILL_AFTER

        platform.start()  # the same state dir: the database and the fleet repo survive
        rows = platform.api("GET", "/api/v1/stores?limit=100", headers=headers).json()["total"]
        fleet = platform.state_dir / "fleet.git"
        deadline = time.monotonic() + 60
        while len(create_commits(fleet)) < rows and time.monotonic() < deadline:
            time.sleep(0.2)
        commits = create_commits(fleet)
        assert set(accepted) <= set(commits), "an accepted store was never committed"
        assert max(commits.values()) == 1, [s for s, n in commits.items() if n > 1]
        assert len(commits) == rows  # every stored row committed, nothing committed without a row
        assert platform.signal(signal.SIGTERM) == 0
    finally:
        if platform.proc and platform.proc.poll() is None:
            platform.signal(signal.SIGKILL)
        EmbeddedPostgres(platform.state_dir / "postgres").stop()
