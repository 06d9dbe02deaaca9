"""A child process `storefleet up` keeps running beside the API (the fleet writer): restarted with
backoff if it dies, stopped with SIGTERM (then SIGKILL) on shutdown, before the database it uses."""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

log = logging.getLogger(__name__)


class SupervisedProcess:
    def __init__(self, name: str, args: list[str], env: dict[str, str], stop_timeout_s: float = 30.0) -> None:
        self.name = name
        self._args = args
        self._env = env
        self._stop_timeout_s = stop_timeout_s
        self._proc: subprocess.Popen[bytes] | None = None
        self._stopping = threading.Event()
        self._watcher: threading.Thread | None = None

    def start(self) -> None:
        self._spawn()
        self._watcher = threading.Thread(target=self._watch, name=f"supervise-{self.name}", daemon=True)
        self._watcher.start()

    def _spawn(self) -> None:
        # A session of its own: a terminal's Ctrl-C reaches `storefleet up`, which stops the child
        # itself, in order, instead of the child dying on its own first.
        self._proc = subprocess.Popen(  # noqa: S603 - our own executable and fixed arguments
            self._args,
            env=self._env,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            preexec_fn=_die_with_parent,  # only prctl, before exec
        )
        log.info("started %s (pid %s)", self.name, self._proc.pid)

    def _watch(self) -> None:
        delay = 1.0
        while not self._stopping.is_set():
            assert self._proc is not None
            code = self._proc.wait()
            if self._stopping.is_set():
                return
            log.error("%s exited with %s; restarting in %.0fs", self.name, code, delay)
            if self._stopping.wait(delay):
                return
            delay = min(delay * 2, 30.0)
            self._spawn()

    def stop(self) -> None:
        self._stopping.set()
        proc = self._proc
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=self._stop_timeout_s)
        except subprocess.TimeoutExpired:
            log.warning("%s did not stop in %.0fs; killing it", self.name, self._stop_timeout_s)
            proc.kill()
            proc.wait()
        log.info("stopped %s", self.name)


def _die_with_parent() -> None:
    """Linux: SIGTERM this child when its parent dies, so a `storefleet up` killed with SIGKILL
    leaves no writer running against its database."""
    if sys.platform != "linux":
        return
    libc = ctypes.CDLL(None, use_errno=True)
    pr_set_pdeathsig = 1
    libc.prctl(pr_set_pdeathsig, signal.SIGTERM)


def storefleet_command(*args: str) -> list[str]:
    """The `storefleet` console script beside this interpreter (a venv's bin/), else `-m`."""
    script = Path(sys.executable).with_name("storefleet")
    if script.exists():
        return [str(script), *args]
    return [sys.executable, "-m", "storefleet.api.cli", *args]


def child_environment(**overrides: str) -> dict[str, str]:
    return {**os.environ, **overrides}
