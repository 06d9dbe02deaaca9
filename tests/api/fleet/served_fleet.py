"""The real app serving a local fleet repo over HTTP on loopback, as `storefleet up` does: uvicorn with
its default event loop and HTTP parser (uvloop, httptools), in a thread of the test process, so real
`git` clients and raw sockets can talk to it and the server's child processes are ours to inspect."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil
import uvicorn

from storefleet.api.app import create_app
from storefleet.api.fleet.context import local_fleet_repo_path
from storefleet.api.fleet.local_remote import ensure_local_fleet_repo
from storefleet.api.fleet.repo import Identity
from storefleet.api.settings import Settings
from storefleet.renderer.profile import GitOpsEngine
from storefleet.renderer.template import instantiate_template
from tests.conftest import TEST_JWT_SECRET

PUSH_TOKEN = "push-token-for-tests"
GIT_ENV = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_CONFIG_NOSYSTEM": "1", "HOME": "/nonexistent"}


@dataclass(frozen=True)
class ServedFleet:
    port: int
    repo: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/git/fleet.git"

    @property
    def push_url(self) -> str:
        return f"http://pusher:{PUSH_TOKEN}@127.0.0.1:{self.port}/git/fleet.git"


def run_git(*args: str, cwd: Path | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, timeout=timeout, env=GIT_ENV, check=False
    )


def _settings(database_url: str, state_dir: Path) -> Settings:
    return Settings(
        DATABASE_URL=database_url,
        STOREFLEET_ENV="test",
        STOREFLEET_STATE_DIR=str(state_dir),
        JWT_SECRET=TEST_JWT_SECRET,
        PASSWORD_HASH_PROFILE="cheapest",
        DB_POOL_MIN_SIZE=1,
        DB_POOL_MAX_SIZE=2,
        FRONTEND_DIST=str(state_dir / "no-dashboard"),
        FLEET_GIT_HTTP_PUSH_TOKEN=PUSH_TOKEN,
    )


@contextmanager
def served_fleet(database_url: str, state_dir: Path) -> Iterator[ServedFleet]:
    settings = _settings(database_url, state_dir)
    repo = local_fleet_repo_path(settings)
    files = instantiate_template(GitOpsEngine.FLUX, "test", "http://127.0.0.1/git/fleet.git", "main")
    ensure_local_fleet_repo(repo, "main", Identity("storefleet", "storefleet@localhost"), files)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(
        create_app(settings, migrate=False), log_config=None, access_log=False, lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the app did not start"
        time.sleep(0.02)
    try:
        yield ServedFleet(sock.getsockname()[1], repo)
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        sock.close()


def raw_request(port: int, request_line: bytes, headers: bytes = b"", body: bytes = b"") -> tuple[int, bytes]:
    """Send bytes exactly as given (no client-side normalisation of the path); the status and body.
    The bound is a hang detector: 16 concurrent git clients on two busy cores can keep one waiting
    past 10 s without anything being wrong."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
        conn.sendall(
            request_line + b"\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + headers + b"\r\n" + body
        )
        chunks = []
        while chunk := conn.recv(65536):
            chunks.append(chunk)
    response = b"".join(chunks)
    head, _, payload = response.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    if b"transfer-encoding: chunked" in head.lower():
        payload = _dechunk(payload)
    return status, payload


def _dechunk(data: bytes) -> bytes:
    out, rest = [], data
    while rest:
        size_line, _, rest = rest.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            break
        out.append(rest[:size])
        rest = rest[size + 2 :]
    return b"".join(out)


def json_error(payload: bytes) -> dict[str, Any]:
    """The API's error shape: {"error": {"code", "message"}, "request_id"}."""
    body = json.loads(payload)
    assert set(body) == {"error", "request_id"}, body
    assert isinstance(body["error"]["code"], str) and isinstance(body["error"]["message"], str), body
    return dict(body["error"])


def git_children() -> list[psutil.Process]:
    """This process's descendants that are git (a backend still running, or a zombie never reaped)."""
    found = []
    for child in psutil.Process().children(recursive=True):
        try:
            if child.name().startswith("git") or child.status() == psutil.STATUS_ZOMBIE:
                found.append(child)
        except psutil.NoSuchProcess:
            continue
    return found


def wait_for_no_git_children(timeout: float = 10) -> list[psutil.Process]:
    deadline = time.monotonic() + timeout
    while (left := git_children()) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


def open_pipes() -> int:
    count = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            count += os.readlink(f"/proc/self/fd/{fd}").startswith("pipe:")
        except OSError:
            continue
    return count
