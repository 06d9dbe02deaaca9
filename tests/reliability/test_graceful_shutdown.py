"""SIGTERM in the middle of work: in-flight requests are answered, the writer hands back or finishes
its batch, the watcher stops, the process exits 0; and a second SIGTERM does not wait."""

from __future__ import annotations

import signal
import threading
import time
from pathlib import Path

import httpx
import pytest

from storefleet.api.db.embedded import EmbeddedPostgres
from tests.api.test_cli import Platform
from tests.reliability.shared_platforms import burst
from tests.reliability.test_kill_during_burst import create_commits

pytestmark = pytest.mark.slow
ACCOUNT = {"email": "ops@example.com", "username": "ops", "password": "password1"}


def test_sigterm_during_a_burst_answers_in_flight_requests_and_loses_nothing(tmp_path: Path) -> None:
    platform = Platform(tmp_path / "state", MAX_STORES_PER_USER="0", STORE_CREATION_COOLDOWN_S="0",
                        SHUTDOWN_GRACE_SECONDS="0.5")  # fmt: skip
    exit_code: list[int] = []
    try:
        platform.start()
        token = platform.api("POST", "/api/v1/auth/register", json=ACCOUNT).json()["token"]
        headers = {"Authorization": f"Bearer {token}"}

        def terminate(accepted: int) -> None:
            if accepted == 40:
                threading.Thread(target=lambda: exit_code.append(platform.signal(signal.SIGTERM, 60))).start()

        accepted = burst([platform], headers, 150, terminate)
        deadline = time.monotonic() + 60
        while not exit_code and time.monotonic() < deadline:
            time.sleep(0.1)
        assert exit_code == [0], "a graceful shutdown exits 0"
        assert 40 <= len(accepted) < 150  # it stopped taking requests part-way

        platform.start()  # whatever the writer handed back is committed by the next run
        fleet = platform.state_dir / "fleet.git"
        deadline = time.monotonic() + 60
        while not set(accepted) <= set(create_commits(fleet)) and time.monotonic() < deadline:
            time.sleep(0.2)
        commits = create_commits(fleet)
        assert set(accepted) <= set(commits) and max(commits.values()) == 1
        assert platform.signal(signal.SIGTERM) == 0
    finally:
        if platform.proc and platform.proc.poll() is None:
            platform.signal(signal.SIGKILL)
        EmbeddedPostgres(platform.state_dir / "postgres").stop()


def test_a_second_sigterm_exits_at_once(tmp_path: Path) -> None:
    platform = Platform(tmp_path / "state", SHUTDOWN_GRACE_SECONDS="30")
    try:
        platform.start()
        assert platform.proc is not None
        platform.proc.send_signal(signal.SIGTERM)
        time.sleep(0.5)
        assert httpx.get(f"{platform.url}/health/ready", timeout=2).status_code == 503  # out of rotation
        assert platform.proc.poll() is None  # still answering for the grace period
        started = time.monotonic()
        assert platform.signal(signal.SIGTERM, timeout=10) == 0
        assert time.monotonic() - started < 5, "the second signal must not wait out the grace period"
    finally:
        if platform.proc and platform.proc.poll() is None:
            platform.signal(signal.SIGKILL)
        EmbeddedPostgres(platform.state_dir / "postgres").stop()
