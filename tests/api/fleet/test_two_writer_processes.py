"""Two `storefleet writer` processes and a person pushing to the same branch at the same time."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

pytestmark = pytest.mark.slow
STOREFLEET = str(Path(sys.executable).parent / "storefleet")


def _writer_process(settings: Any, state_dir: Path, log: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLEET_", "DATABASE_", "JWT_"))}
    env |= {
        "DATABASE_URL": settings.database_url.get_secret_value(),
        "FLEET_REPO_URL": settings.fleet_repo_url,
        "STOREFLEET_STATE_DIR": str(state_dir),
        "STOREFLEET_ENV": "test",
        "FLEET_POLL_INTERVAL_S": "0.2",
        "FLEET_BATCH_SIZE": "7",
        "LOG_LEVEL": "INFO",
    }
    with log.open("wb") as out:
        return subprocess.Popen([STOREFLEET, "writer"], env=env, stdout=out, stderr=subprocess.STDOUT)


def test_two_writers_and_a_person_lose_nothing_and_clobber_nothing(
    client: TestClient, settings: Any, tenant: Any, human: Any, db: Any, tmp_path: Path
) -> None:
    writers = [_writer_process(settings, tmp_path / f"w{i}", tmp_path / f"w{i}.log") for i in range(2)]
    stop = threading.Event()
    hand_commits: list[str] = []

    def person() -> None:
        while not stop.is_set() and len(hand_commits) < 15:
            try:
                human.pull()
                name = f"notes/{len(hand_commits)}.md"
                (human.path / "notes").mkdir(exist_ok=True)
                (human.path / name).write_text("hand edit\n")
                human.git("add", "-A")
                human.git("commit", "-qm", f"hand edit {name}")
                human.git("push", "-q", "origin", "HEAD:main")
                hand_commits.append(human.head())
            except subprocess.CalledProcessError:
                human.git("reset", "-q", "--hard", "origin/main")  # lost a race: try again
            time.sleep(0.05)

    pusher = threading.Thread(target=person)
    pusher.start()
    try:
        for i in range(40):
            body = {"name": f"shop-{i}", "engine": "medusa" if i % 2 else "woocommerce"}
            assert client.post("/api/v1/stores", json=body, headers=tenant.headers).status_code == 202
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if db.execute("SELECT count(*) AS n FROM outbox WHERE processed_at IS NULL").fetchone()["n"] == 0:
                break
            time.sleep(0.2)
        else:
            raise AssertionError(
                "the writers did not drain the outbox:\n" + (tmp_path / "w0.log").read_text()[-3000:]
            )
    finally:
        stop.set()
        pusher.join(timeout=30)
        for proc in writers:
            proc.send_signal(signal.SIGTERM)
        codes = [proc.wait(timeout=60) for proc in writers]
    assert codes == [0, 0]
    human.git("fetch", "-q", "origin")
    log = human.git(
        "log", "origin/main", "--format=%H %(trailers:key=Change-Id,valueonly,separator=)"
    ).splitlines()
    change_ids = Counter(int(parts[1]) for line in log if len(parts := line.split()) == 2)
    outbox = [r["id"] for r in db.execute("SELECT id FROM outbox ORDER BY id")]
    assert sorted(change_ids) == outbox and set(change_ids.values()) == {1}, "each change exactly once"
    shas = {line.split()[0] for line in log}
    assert hand_commits and set(hand_commits) <= shas, "every hand commit survived"
    assert human.git("log", "origin/main", "--merges", "--format=%H").strip() == ""
