"""`storefleet` as a user runs it: real processes, real signals, the embedded database in a temp dir."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from storefleet.api.db.embedded import EmbeddedPostgres

pytestmark = pytest.mark.slow
STOREFLEET = str(Path(sys.executable).parent / "storefleet")
COLD_START_BUDGET_S = 20


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "JWT_SECRET", "STOREFLEET_ENV"}}
    # API request limits off: the reliability tests send bursts from one user and one address.
    no_api_limits = {
        "API_RATE_LIMIT_READS": "0",
        "API_RATE_LIMIT_WRITES": "0",
        "API_RATE_LIMIT_STORE_CREATIONS": "0",
    }
    return {**env, "PASSWORD_HASH_PROFILE": "cheapest", "LOG_LEVEL": "INFO", **no_api_limits, **extra}


class Platform:
    UP_ARGS: tuple[str, ...] = ()  # more arguments for `storefleet up`

    def __init__(self, state_dir: Path, **env: str) -> None:
        self.state_dir = state_dir
        self.env = env
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = state_dir.parent / f"up-{self.port}.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> float:
        started = time.monotonic()
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                [STOREFLEET, "up", *self.UP_ARGS, "--port", f"{self.port}", "--state-dir", self.state_dir],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=_env(**self.env),
            )
        while time.monotonic() - started < 60:
            assert self.proc.poll() is None, self.log.read_text()[-3000:]
            try:
                if httpx.get(f"{self.url}/api/v1/health", timeout=1).status_code == 200:
                    return time.monotonic() - started
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise AssertionError("storefleet up did not become healthy:\n" + self.log.read_text()[-3000:])

    def signal(self, sig: signal.Signals, timeout: float = 30) -> int:
        assert self.proc is not None
        self.proc.send_signal(sig)
        return self.proc.wait(timeout=timeout)

    def api(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return httpx.request(method, f"{self.url}{path}", timeout=10, **kwargs)


@pytest.fixture
def platform(tmp_path: Path) -> Iterator[Platform]:
    plat = Platform(tmp_path / "state")
    yield plat
    if plat.proc and plat.proc.poll() is None:
        plat.signal(signal.SIGKILL)
    EmbeddedPostgres(plat.state_dir / "postgres").stop()


def test_up_cold_start_restart_and_crash_recovery(platform: Platform) -> None:
    cold = platform.start()
    assert cold < COLD_START_BUDGET_S, f"cold start took {cold:.1f}s"
    assert "crashed" not in platform.log.read_text(), "a background loop failed during start-up"
    health = platform.api("GET", "/api/v1/health").json()
    assert health["checks"]["database"]["status"] == "ok"
    reg = platform.api(
        "POST",
        "/api/v1/auth/register",
        json={"email": "a@example.com", "username": "ann", "password": "password1"},
    ).json()
    headers = {"Authorization": f"Bearer {reg['token']}"}
    store = platform.api(
        "POST", "/api/v1/stores", json={"name": "acme-shop", "engine": "medusa"}, headers=headers
    )
    assert store.status_code == 202

    # graceful stop: exit 0, the embedded server is stopped too
    assert platform.signal(signal.SIGTERM) == 0
    assert not (platform.state_dir / "postgres" / "postmaster.pid").exists()
    assert "stopped embedded PostgreSQL" in platform.log.read_text()

    # restart: data and tokens survive
    platform.start()
    listed = platform.api("GET", "/api/v1/stores", headers=headers).json()
    assert [s["name"] for s in listed["stores"]] == ["acme-shop"]

    # a killed run leaves its database running and a stale lock: the next start recovers; its writer
    # process does not outlive it
    writers_before = _writer_pids(platform.state_dir)
    assert len(writers_before) == 1
    platform.signal(signal.SIGKILL)
    deadline = time.monotonic() + 10
    while _writer_pids(platform.state_dir) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _writer_pids(platform.state_dir), "the writer outlived a killed storefleet up"
    platform.start()
    assert platform.api("GET", "/api/v1/stores", headers=headers).json()["total"] == 1
    assert platform.signal(signal.SIGINT) == 0


def _writer_pids(state_dir: Path) -> list[int]:
    """`storefleet writer` processes started for this state dir."""
    pids = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().split(b"\0")
            environ = (proc / "environ").read_bytes()
        except OSError:
            continue
        if b"writer" in cmdline[:3] and f"STOREFLEET_STATE_DIR={state_dir}".encode() in environ:
            pids.append(int(proc.name))
    return pids


def test_second_up_on_the_same_state_dir_is_refused(platform: Platform) -> None:
    platform.start()
    other = subprocess.run(
        [STOREFLEET, "up", "--port", str(_free_port()), "--state-dir", str(platform.state_dir)],
        capture_output=True,
        text=True,
        timeout=60,
        env=_env(),
    )
    assert other.returncode != 0 and "in use by a running storefleet" in other.stderr
    assert platform.api("GET", "/api/v1/health").status_code == 200
    assert platform.signal(signal.SIGTERM) == 0


def test_readiness_turns_503_during_the_shutdown_grace(tmp_path: Path) -> None:
    port = _free_port()
    env = _env(SHUTDOWN_GRACE_SECONDS="2")
    proc = subprocess.Popen(
        [STOREFLEET, "up", "--port", str(port), "--state-dir", str(tmp_path / "s")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_ready(url)
        proc.send_signal(signal.SIGTERM)
        time.sleep(0.5)
        assert httpx.get(f"{url}/health/ready", timeout=2).status_code == 503
        assert httpx.get(f"{url}/health/live", timeout=2).status_code == 200
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        EmbeddedPostgres(tmp_path / "s" / "postgres").stop()


def _wait_ready(url: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/health/ready", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError("not ready")


def test_api_command_needs_a_database_url() -> None:
    result = subprocess.run(
        [STOREFLEET, "api", "--port", "0"],
        capture_output=True,
        text=True,
        timeout=60,
        env=_env(STOREFLEET_ENV="production"),
    )
    assert result.returncode != 0 and "DATABASE_URL is not set" in result.stderr


def test_api_command_refuses_a_missing_or_placeholder_jwt_secret(database_url: str) -> None:
    for extra in ({}, {"JWT_SECRET": "changeme"}):
        result = subprocess.run(
            [STOREFLEET, "api", "--port", "0"],
            capture_output=True,
            text=True,
            timeout=60,
            env=_env(STOREFLEET_ENV="production", DATABASE_URL=database_url, **extra),
        )
        assert result.returncode == 2, result.stderr
        assert "JWT_SECRET" in result.stderr


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        ({"DATABASE_URL": "mysql://app:hunter2@db/x"}, "DATABASE_URL"),
        ({"CORS_ORIGINS": "*", "CORS_ALLOW_CREDENTIALS": "true"}, "CORS_ORIGINS"),
    ],
)
def test_api_command_refuses_unsafe_settings(database_url: str, extra: dict[str, str], named: str) -> None:
    env = {"DATABASE_URL": database_url, "JWT_SECRET": "k" * 48, **extra}
    result = subprocess.run(
        [STOREFLEET, "api", "--port", "0"],
        capture_output=True,
        text=True,
        timeout=60,
        env=_env(STOREFLEET_ENV="production", **env),
    )
    assert result.returncode == 2, result.stderr
    assert named in result.stderr and "hunter2" not in result.stderr


def test_migrate_command(database_url: str) -> None:
    result = subprocess.run(
        [STOREFLEET, "migrate"],
        capture_output=True,
        text=True,
        timeout=60,
        env=_env(DATABASE_URL=database_url),
    )
    assert result.returncode == 0 and "schema is up to date" in result.stdout


def _git(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "GIT_TERMINAL_PROMPT": "0"},
    )


def test_up_commits_a_new_store_within_two_seconds_and_serves_the_fleet_repo(tmp_path: Path) -> None:
    platform = Platform(tmp_path / "state", FLEET_GIT_HTTP_PUSH_TOKEN="push-token-123")
    try:
        _commit_and_serve(platform, tmp_path)
    finally:
        if platform.proc and platform.proc.poll() is None:
            platform.signal(signal.SIGKILL)
        EmbeddedPostgres(platform.state_dir / "postgres").stop()


def _commit_and_serve(platform: Platform, tmp_path: Path) -> None:
    platform.start()
    fleet = platform.state_dir / "fleet.git"
    before = _git("rev-list", "--count", "main", cwd=fleet).stdout.strip()
    token = platform.api(
        "POST",
        "/api/v1/auth/register",
        json={"email": "a@example.com", "username": "ann", "password": "password1"},
    ).json()["token"]
    accepted = time.monotonic()
    store = platform.api(
        "POST",
        "/api/v1/stores",
        json={"name": "acme-shop", "engine": "woocommerce"},
        headers={"Authorization": f"Bearer {token}"},
    ).json()
    while _git("rev-list", "--count", "main", cwd=fleet).stdout.strip() == before:
        assert time.monotonic() - accepted < 2.0, "no commit within 2 s"
        time.sleep(0.02)
    message = _git("log", "-1", "--format=%B", "main", cwd=fleet).stdout
    assert f"Store-Id: {store['id']}" in message

    clone = tmp_path / "clone"
    result = _git("clone", "-q", f"{platform.url}/git/fleet.git", str(clone), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (clone / "tenants" / store["owner_id"] / store["id"] / "store.yaml").exists()
    assert (clone / "clusters").is_dir()
    # the HelmRelease's chart path resolves inside the served repo
    assert (clone / "charts" / "ecommerce-store" / "Chart.yaml").is_file()
    # a push needs the push token as the basic-auth password
    (clone / "x.md").write_text("x\n")
    _git("add", "x.md", cwd=clone)
    _git("-c", "user.name=x", "-c", "user.email=x@x", "commit", "-qm", "x", cwd=clone)
    assert _git("push", "-q", "origin", "HEAD:main", cwd=clone).returncode != 0
    authed = f"http://pusher:push-token-123@127.0.0.1:{platform.port}/git/fleet.git"
    assert _git("push", "-q", authed, "HEAD:main", cwd=clone).returncode == 0
    assert _git("log", "-1", "--format=%s", "main", cwd=fleet).stdout.strip() == "x"
    assert platform.signal(signal.SIGTERM) == 0
