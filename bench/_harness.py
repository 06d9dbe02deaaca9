"""Shared pieces of the benchmarks that run the real `storefleet up` (not a benchmark itself).

The platform in a temp state dir, accounts registered through the API, /proc memory readings, the
machine and code banner, percentiles, and the command line every script ends with (`bench_main`).
`make bench` runs only `bench/b*.py`, so this module is skipped.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
STOREFLEET = REPO / ".venv" / "bin" / "storefleet"
HOST = "127.0.0.1"
PASSWORD = "bench-password-0123"

# The guardrails a benchmark lifts, and only those. A benchmark plays many people (tenants, an admin)
# from one IP, creating stores back to back: the per-person guards (registrations per IP, the
# cooldown between one tenant's creations, the per-user and platform store caps) would refuse it long
# before it measured anything. Everything else stays at its production default: security headers,
# the body cap, the request timeout, bulkheads, circuit breakers, metrics, logging (INFO, JSON) and
# the sign-in limits.
LIFTED_PER_PERSON_GUARDS: dict[str, str] = {
    "REGISTRATION_RATE_LIMIT": "0",
    "STORE_CREATION_COOLDOWN_S": "0",
    "MAX_STORES_PER_USER": "0",
    "MAX_STORES_TOTAL": "0",
    # the API request limits count per user and per IP: B1's 1,000 creations and B4's 2,000 reads
    # come from a handful of users on one IP
    "API_RATE_LIMIT_READS": "0",
    "API_RATE_LIMIT_WRITES": "0",
    "API_RATE_LIMIT_STORE_CREATIONS": "0",
}
# argon2's cheapest profile, for a benchmark that does not measure sign-in (register and log in only
# to get its tokens): the default profile's 64 MiB and ~50 ms per hash would be set-up noise there.
CHEAP_PASSWORD_HASHES: dict[str, str] = {"PASSWORD_HASH_PROFILE": "cheapest"}


# ---- running the platform ------------------------------------------------------------------------
@dataclass
class Platform:
    proc: subprocess.Popen[bytes]
    base_url: str
    state_dir: Path
    log_path: Path

    @property
    def conninfo(self) -> str:
        return f"host={self.state_dir / 'postgres'} port=5432 user=postgres dbname=storefleet"

    @property
    def fleet_remote(self) -> Path:
        """The bare repo `storefleet up` creates and its fleet writer pushes to."""
        return self.state_dir / "fleet.git"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def server_env(extra: Mapping[str, str]) -> dict[str, str]:
    drop = ("DATABASE_URL", "STOREFLEET_STATE_DIR", "FLEET_REPO_URL")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    # development: the state dir supplies a JWT secret; the log level and format keep their defaults
    env.update(STOREFLEET_ENV="development", PYTHONUNBUFFERED="1")
    env.update(LIFTED_PER_PERSON_GUARDS)
    env.update(extra)
    return env


def wait_healthy(plat: Platform, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if plat.proc.poll() is not None:
            raise RuntimeError(f"storefleet up exited with {plat.proc.returncode}:\n{log_tail(plat)}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{plat.base_url}/api/v1/health", timeout=2.0, trust_env=False).status_code == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"no healthy server after {timeout_s:.0f}s:\n{log_tail(plat)}")


def log_tail(plat: Platform, lines: int = 30) -> str:
    with contextlib.suppress(OSError):
        return "\n".join(plat.log_path.read_text(errors="replace").splitlines()[-lines:])
    return "(no log)"


def stop_platform(plat: Platform, timeout_s: float = 60.0) -> int | None:
    """SIGTERM and wait (the server stops its embedded PostgreSQL); SIGKILL + pg_ctl stop as a fallback."""
    if plat.proc.poll() is None:
        plat.proc.send_signal(signal.SIGTERM)
        try:
            plat.proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            print(f"! no exit {timeout_s:.0f}s after SIGTERM; killing pid {plat.proc.pid}", file=sys.stderr)
            plat.proc.kill()
            plat.proc.wait(timeout=10)
    _stop_orphaned_postgres(plat.state_dir / "postgres")
    return plat.proc.returncode


def _stop_orphaned_postgres(pgdata: Path) -> None:
    if postmaster_pid(pgdata) is None:
        return
    from storefleet.api.db.embedded import EmbeddedPostgres

    print("! embedded PostgreSQL still running after the server exited; stopping it", file=sys.stderr)
    EmbeddedPostgres(pgdata).stop()


def postmaster_pid(pgdata: Path) -> int | None:
    with contextlib.suppress(OSError, ValueError, IndexError):
        pid = int((pgdata / "postmaster.pid").read_text().splitlines()[0])
        if Path(f"/proc/{pid}").exists():
            return pid
    return None


@contextlib.contextmanager
def running_platform(
    prefix: str, startup_timeout_s: float, extra_env: Mapping[str, str]
) -> Iterator[Platform]:
    """`storefleet up` on a free loopback port in a fresh temp state dir, removed afterwards."""
    state_dir = Path(tempfile.mkdtemp(prefix=prefix))
    log_path = state_dir / "server.log"
    port = free_port()
    args = [str(STOREFLEET), "up", "--host", HOST, "--port", str(port), "--state-dir", str(state_dir)]
    try:
        with log_path.open("wb") as log:
            proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                    env=server_env(extra_env), cwd=state_dir)  # fmt: skip
        plat = Platform(proc, f"http://{HOST}:{port}", state_dir, log_path)
        try:
            wait_healthy(plat, startup_timeout_s)
            yield plat
        finally:
            code = stop_platform(plat)
            print(f"server stopped (exit code {code})")
    finally:
        shutil.rmtree(state_dir, ignore_errors=True)


# ---- accounts ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Account:
    id: str
    role: str
    headers: dict[str, str]


def register(client: httpx.Client, username: str) -> Account:
    body = {"email": f"{username}@example.com", "username": username, "password": PASSWORD}
    response = client.post("/api/v1/auth/register", json=body)
    if response.status_code != 201:
        raise RuntimeError(f"register {username}: {response.status_code} {response.text}")
    data = response.json()
    return Account(data["user"]["id"], data["user"]["role"], {"Authorization": f"Bearer {data['token']}"})


# ---- measuring and reporting ---------------------------------------------------------------------
def pct(samples: Sequence[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def proc_status(pid: int) -> dict[str, float]:
    """VmRSS and VmHWM of `pid` in MB (MiB)."""
    fields: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) / 1024
    return fields


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def print_machine() -> None:
    mem_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal:"))  # fmt: skip
    git = subprocess.run(["git", "--version"], capture_output=True, text=True, check=False).stdout.strip()
    print(f"machine: {os.cpu_count()} CPUs, {mem_kb / 1024**2:.1f} GiB RAM, {platform.platform()}, "
          f"Python {platform.python_version()}, {git}; {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")  # fmt: skip
    print(f"code: {code_version()}")


def code_version() -> str:
    """The commit measured, and which product files differ from it (uncommitted edits)."""
    git = ["git", "-C", str(REPO)]
    paths = ["api", "renderer", "reconciler-watch", "pyproject.toml"]
    try:
        head = subprocess.run(
            [*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True, timeout=10
        )
        dirty = subprocess.run([*git, "status", "--porcelain", "--", *paths],
                               capture_output=True, text=True, timeout=10)  # fmt: skip
    except (OSError, subprocess.TimeoutExpired):
        return "unknown (git not available)"
    changed = [line[3:] for line in dirty.stdout.splitlines()]
    return head.stdout.strip() + (f" + uncommitted changes in {', '.join(changed)}" if changed else "")


# ---- command line --------------------------------------------------------------------------------
CHECKS_OK = "checks: OK"
CHECKS_FAILED = "checks: FAILED"


class Help(argparse.RawDescriptionHelpFormatter, argparse.ArgumentDefaultsHelpFormatter):
    """`--help`: the script's docstring as written, and each option's default."""


def bench_main(
    doc: str | None,
    add_options: Callable[[Callable[..., argparse.Action]], None],
    run: Callable[[argparse.Namespace], bool],
    smoke: Mapping[str, object],
    argv: Sequence[str] | None = None,
) -> int:
    """Parse the script's options (`add_options` gets `parser.add_argument`), run them, and return the
    exit code: 0 when `run`'s own correctness checks passed (whatever the figures: PASS/FAIL against
    the targets is printed, not an exit code), 1 when they did not; a crash is an exception.

    `--smoke` runs at the size `smoke` gives (a few stores, a few seconds: what the test suite runs to
    catch a benchmark that no longer works); options given on the command line still win. Every
    script starts `storefleet up` or a watcher, so `--startup-timeout` is added here.
    """
    parser = argparse.ArgumentParser(description=doc, formatter_class=Help)
    add_options(parser.add_argument)
    parser.add_argument(
        "--startup-timeout", type=float, default=120.0, help="seconds to wait for /api/v1/health"
    )
    sizes = ", ".join(f"--{name.replace('_', '-')} {value}" for name, value in smoke.items())
    parser.add_argument(
        "--smoke",
        action="store_true",
        help=f"a few seconds at a tiny size ({sizes}): checks that the benchmark still works; "
        "its figures mean nothing",
    )
    if parser.parse_args(argv).smoke:
        parser.set_defaults(**smoke)
    passed = run(parser.parse_args(argv))
    print(CHECKS_OK if passed else CHECKS_FAILED)
    return 0 if passed else 1
