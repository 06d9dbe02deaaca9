"""An installed `storefleet` driven from outside: its processes, its HTTP API, its embedded database."""

from __future__ import annotations

import signal
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import httpx

from storefleet.api.db.embedded import EmbeddedPostgres

T = TypeVar("T")
PASSWORD = "a-long-password"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(probe: Callable[[], T], timeout_s: float) -> T:
    """The first truthy result of `probe`, retried while it fails or returns nothing."""
    deadline, last = time.monotonic() + timeout_s, None
    while time.monotonic() < deadline:
        try:
            if result := probe():
                return result
        except (httpx.TransportError, ValueError, KeyError) as exc:
            last = exc
        time.sleep(0.2)
    raise AssertionError(f"gave up after {timeout_s}s (last error: {last!r})")


class InstalledPlatform:
    def __init__(self, storefleet: Path, home: Path, env: dict[str, str]) -> None:
        self.storefleet, self.home, self.env = storefleet, home, env
        self.state_dir = home / "state"
        self.workdir = home / "empty"
        self.workdir.mkdir()
        self.port = free_port()
        self.token = ""
        self.processes: dict[str, subprocess.Popen[bytes]] = {}

    def spawn(self, name: str, args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        with (self.home / f"{name}.log").open("ab") as log:
            process = subprocess.Popen(
                [str(self.storefleet), *args],
                cwd=self.workdir,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.processes[name] = process
        return process

    def log(self, name: str) -> str:
        return (self.home / f"{name}.log").read_text(errors="replace")

    def start_up(self) -> None:
        args = ["up", "--port", str(self.port), "--state-dir", str(self.state_dir)]
        up = self.spawn("up", args, self.env)
        wait_for(lambda: up.poll() is None and self.get("/api/v1/health/ready").status_code == 200, 90)
        account = {"email": "owner@example.com", "username": "owner", "password": PASSWORD}
        self.token = self.post("/api/v1/auth/register", account).json()["token"]

    def get(self, path: str, *, auth: bool = False, port: int | None = None) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.token}"} if auth else {}
        return httpx.get(f"http://127.0.0.1:{port or self.port}{path}", headers=headers, timeout=10)

    def post(self, path: str, body: dict[str, Any]) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return httpx.post(f"http://127.0.0.1:{self.port}{path}", json=body, headers=headers, timeout=10)

    def create_store(self, name: str) -> dict[str, Any]:
        created = self.post("/api/v1/stores", {"name": name, "engine": "woocommerce"})
        assert created.status_code == 202, created.text
        return dict(created.json())

    def production_env(self) -> dict[str, str]:
        """The production shape against `up`'s database: DATABASE_URL and the same JWT secret."""
        conninfo = EmbeddedPostgres(self.state_dir / "postgres").start()  # adopts the running server
        secret = (self.state_dir / "jwt-secret").read_text().strip()
        return {**self.env, "DATABASE_URL": conninfo, "JWT_SECRET": secret}

    def stop_all(self) -> None:
        for process in reversed(self.processes.values()):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
        EmbeddedPostgres(self.state_dir / "postgres").stop()
