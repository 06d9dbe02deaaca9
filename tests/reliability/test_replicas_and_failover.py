"""Two platform processes on one database and one remote; and the database failing over to its
standby in the middle of a burst of creates."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from storefleet.api.db.embedded import EmbeddedPostgres
from tests.reliability.replicated_postgres import ReplicatedPostgres
from tests.reliability.shared_platforms import (
    bare_fleet_remote,
    burst,
    stop_all,
    two_platforms,
    wait_committed,
    writer_locks,
)

pytestmark = pytest.mark.slow
ACCOUNT = {"email": "ops@example.com", "username": "ops", "password": "password1"}


def _headers(platform: object) -> dict[str, str]:
    token = platform.api("POST", "/api/v1/auth/register", json=ACCOUNT).json()["token"]  # type: ignore[attr-defined]
    return {"Authorization": f"Bearer {token}"}


def test_two_replicas_share_one_writer_and_commit_each_store_once(tmp_path: Path) -> None:
    database = EmbeddedPostgres(tmp_path / "pg", durable=False)
    conninfo = database.start()
    remote = bare_fleet_remote(tmp_path / "fleet.git")
    platforms = two_platforms(tmp_path, conninfo, remote)
    try:
        for platform in platforms:
            platform.start()
        headers = _headers(platforms[0])
        accepted = burst(platforms, headers, 80, lambda _: None)
        assert len(accepted) == 80
        commits = wait_committed(remote, accepted)
        assert set(accepted) == set(commits) and max(commits.values()) == 1
        assert writer_locks(conninfo) == 1  # two writer processes, one holds the lock
        # either replica reads what the other wrote
        for platform in platforms:
            listed = platform.api("GET", "/api/v1/stores?limit=1", headers=headers).json()
            assert listed["total"] == 80
    finally:
        stop_all(platforms)
        database.stop()


def test_a_database_failover_mid_burst_loses_no_accepted_request(tmp_path: Path) -> None:
    database = ReplicatedPostgres(tmp_path / "pg")
    database.start()
    remote = bare_fleet_remote(tmp_path / "fleet.git")
    platforms = two_platforms(tmp_path, database.database_url, remote)
    failed_over = threading.Event()

    def fail_over(accepted: int) -> None:
        if accepted == 30:
            database.crash_primary()
            time.sleep(1)  # requests meanwhile get 503 fast: there is no writable database
            database.promote_standby()
            failed_over.set()

    try:
        for platform in platforms:
            platform.start()
        headers = _headers(platforms[0])
        accepted = burst(platforms, headers, 150, fail_over)
        assert failed_over.is_set() and len(accepted) > 60, len(accepted)
        commits = wait_committed(remote, accepted)
        assert set(accepted) <= set(commits), "an accepted store was never committed"
        assert max(commits.values()) == 1, [s for s, n in commits.items() if n > 1]
        survivors = database.standby.conninfo()
        assert writer_locks(survivors) == 1  # the lock was taken again on the new primary, once
        stored = platforms[1].api("GET", "/api/v1/stores?limit=1", headers=headers).json()["total"]
        assert stored == len(commits)  # every stored row is committed, nothing committed without a row
    finally:
        stop_all(platforms)
        database.stop()
