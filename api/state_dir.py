"""The local state directory of `storefleet up`: one running platform per directory, and the
development secrets it keeps there (never in git, readable by the owner only)."""

from __future__ import annotations

import fcntl
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class StateDirBusy(RuntimeError):
    pass


@contextmanager
def hold_state_dir(state_dir: Path) -> Iterator[None]:
    """An exclusive flock on <state-dir>/up.lock. The kernel drops it when the process dies, so a
    killed run never leaves a stale lock behind."""
    lock_path = state_dir / "up.lock"
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "another process"
            raise StateDirBusy(f"{state_dir} is in use by a running storefleet (pid {holder})") from exc
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)


def load_or_create_secret(path: Path, nbytes: int = 48) -> str:
    """A random secret kept in `path` (mode 0600) so tokens survive restarts of a development platform."""
    try:
        secret = path.read_text().strip()
        if secret:
            return secret
    except FileNotFoundError:
        pass
    secret = secrets.token_urlsafe(nbytes)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(secret + "\n")
    return secret
