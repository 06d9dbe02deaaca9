"""`storefleet up --demo-cluster` as a user runs it: the platform on its simulated cluster, where
stores become ready, updates and rollbacks land and a failure can be asked for; and what it says
when the simulation is not installed."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from storefleet.api.db.embedded import EmbeddedPostgres
from tests.api.test_cli import STOREFLEET, Platform, _env

STORES = "/api/v1/stores"
# `up` with the demo package hidden, as an install without the `demo` extra has it
WITHOUT_EXTRA = (
    "import sys; sys.modules['storefleet_demo'] = None; "
    "from storefleet.api.cli import main; main(['up', '--demo-cluster', '--state-dir', sys.argv[1]])"
)


class DemoPlatform(Platform):
    UP_ARGS = ("--demo-cluster",)


def _run(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, timeout=60, env=_env(**env))


def test_without_the_extra_up_says_which_to_install(tmp_path: Path) -> None:
    done = _run([sys.executable, "-c", WITHOUT_EXTRA, str(tmp_path / "state")])
    assert done.returncode == 1
    assert "pip install 'storefleet[demo]'" in done.stderr and "storefleet_demo" in done.stderr
    assert not (tmp_path / "state" / "postgres").exists(), "it stops before starting anything"


def test_the_demo_refuses_a_remote_fleet_repo_and_other_commands_refuse_the_setting(tmp_path: Path) -> None:
    remote = _run(
        [STOREFLEET, "up", "--demo-cluster", "--state-dir", str(tmp_path / "s")],
        FLEET_REPO_URL="https://example.com/fleet.git",
    )
    assert remote.returncode != 0 and "unset FLEET_REPO_URL" in remote.stderr
    for command in (["api"], ["watch"]):
        refused = _run([STOREFLEET, *command], DEMO_CLUSTER="true", DATABASE_URL="postgresql://x@localhost/n")
        assert refused.returncode != 0 and "DEMO_CLUSTER is for `storefleet up" in refused.stderr


def _wait_for(check: Callable[[], Any], what: Callable[[], str], timeout: float = 60) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if found := check():
            return found
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what()}")


class Tenant:
    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        account = {"email": "demo@example.com", "username": "demo", "password": "password1"}
        registered = platform.api("POST", "/api/v1/auth/register", json=account)
        self.headers = {"Authorization": f"Bearer {registered.json()['token']}"}

    def call(self, method: str, path: str, status: int = 202, **body: Any) -> Any:
        response = self.platform.api(method, path, headers=self.headers, json=body or None)
        assert response.status_code == status, response.text
        return response.json()

    def settled(self, store_id: str, status: str) -> dict[str, Any]:
        """The store once it is in `status` for its latest commit."""

        seen: list[dict[str, Any]] = []

        def check() -> dict[str, Any] | None:
            store: dict[str, Any] = self.call("GET", f"{STORES}/{store_id}", status=200)
            seen[:] = [store]
            sha = store["last_commit_sha"]
            return store if store["status"] == status and sha and self._judged(store, sha) else None

        return dict(_wait_for(check, lambda: f"{status}, last seen: {seen}"))

    @staticmethod
    def _judged(store: dict[str, Any], sha: str) -> bool:
        return store["status"] != "ready" or sha[:12] in (store["status_message"] or "")


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Platform]:
    platform = DemoPlatform(tmp_path / "state")
    yield platform
    if platform.proc and platform.proc.poll() is None:
        platform.signal(signal.SIGKILL)
    EmbeddedPostgres(platform.state_dir / "postgres").stop()


@pytest.mark.slow
def test_stores_go_ready_update_fail_retry_and_roll_back_on_the_demo_cluster(demo: Platform) -> None:
    demo.start()
    cluster = demo.api("GET", "/api/v1/health").json()["checks"]["cluster"]
    assert cluster["status"] == "ok" and cluster["simulated"] is True
    tenant = Tenant(demo)

    shop = tenant.call("POST", STORES, name="acme-shop", engine="medusa")
    # the API's own messages say it too, from the first answer on
    assert shop["status_message"].startswith("simulated: accepted")
    ready = tenant.settled(shop["id"], "ready")
    assert ready["status_message"].startswith("simulated: ready at ")
    tenant.call("PATCH", f"{STORES}/{shop['id']}", plan="medium")
    updated = tenant.settled(shop["id"], "ready")
    assert updated["plan"] == "medium" and updated["last_commit_sha"] != ready["last_commit_sha"]
    # an update that breaks the store (its promo text asks for a failure), then the rollback
    tenant.call("PATCH", f"{STORES}/{shop['id']}", branding={"promo_text": "fail"})
    assert 'promo text contains "fail"' in tenant.settled(shop["id"], "failed")["error"]
    tenant.call("POST", f"{STORES}/{shop['id']}/rollback")
    assert tenant.settled(shop["id"], "ready")["branding"] is None

    failing = tenant.call("POST", STORES, name="fail-shop", engine="woocommerce")
    failed = tenant.settled(failing["id"], "failed")
    assert failed["status_message"].startswith("simulated: ")
    assert 'simulated failure: the store\'s name contains "fail"' in failed["error"]
    tenant.call("POST", f"{STORES}/{failing['id']}/retry")
    tenant.settled(failing["id"], "ready")
    assert demo.signal(signal.SIGTERM) == 0
