"""One `git fast-import` run, fed as the batch is rendered: blobs first, then the commits.

A rollout wave's thousands of store directories are rendered in Python while fast-import compresses
and writes their files in a process of its own. Each new file goes to fast-import as a blob as soon
as its store is rendered, so on two cores the two overlap; the commits follow once rendering is
done (a group's commit needs all of its members, and a change that alters nothing makes none) and
name those blobs by id, which fast-import resolves among the objects of the run and of the repo.
"""

from __future__ import annotations

import contextlib
import queue
import subprocess
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, NamedTuple

from storefleet.api.fleet.repo import GitError, Identity, blob_id, first_line

# fast-import writes our commits to this private ref; only `push` publishes them.
PENDING_REF = "refs/storefleet/pending"
# glibc returns a freed block at the heap's top to the kernel (trim), and fast-import frees its zlib
# state after every object: for a 5,000-store wave that was ~60,000 brk calls and 0.4 s of system time
# faulting the same pages back in. A high trim threshold keeps them (fast-import exits soon after).
_KEEP_FREED_HEAP = "glibc.malloc.trim_threshold=268435456"
# --depth=0: fast-import deltas a blob only against the blob before it in the stream, another store's
# or another file's, which made a 5,000-store wave's pack no smaller, only slower.
_ARGS = ("git", "fast-import", "--quiet", "--force", "--done", "--depth=0")
_PIPE_BUFFER = 1 << 16


class Edit(NamedTuple):
    """A path of a commit: its new bytes and their blob id, or None for both to delete it."""

    path: str
    data: bytes | None
    blob: str | None


def operations(
    directory: str,
    files: dict[str, bytes] | None,
    current: dict[str, dict[str, str]],
    known: Mapping[bytes, str],
) -> list[Edit]:
    """What turns `directory` (as `current` has it) into `files`: only the files whose bytes differ
    and the ones it no longer has (a rollout wave changes two of a store's four files, and writes
    only those). Updates `current` for the next commit of the batch. No files at all is no
    directory, as git has no empty directories. `known`: blob ids already computed."""
    before = current.get(directory)
    if not files:
        if before is None:
            return []
        del current[directory]
        return [Edit(directory, None, None)]
    after = {name: known.get(data) or blob_id(data) for name, data in files.items()}
    if after == before:
        return []
    current[directory] = after
    before = before or {}
    changed = [n for n in sorted(after) if before.get(n) != after[n]]
    written = [Edit(f"{directory}/{n}", files[n], after[n]) for n in changed]
    return written + [Edit(f"{directory}/{n}", None, None) for n in sorted(before.keys() - after.keys())]


class FastImport:
    """A `git fast-import` process in `cwd`, started by the first object written to it.

    `blob` sends file contents ahead; `commit` writes a commit on PENDING_REF; `finish` ends the run
    and gives the commits' ids; `close` ends an unfinished run.
    """

    def __init__(
        self, cwd: Path, env: dict[str, str], identity: Identity, base: str | None, timeout_s: float
    ) -> None:
        self._cwd, self._env, self._identity, self._timeout_s = cwd, env, identity, timeout_s
        self._base = base
        self._process: subprocess.Popen[bytes] | None = None
        self._feeder: _Feeder | None = None
        self._marks: IO[bytes] | None = None
        self._stderr: IO[bytes] | None = None
        self._sent: set[str] = set()
        self._commits = 0

    def blob(self, blob: str, data: bytes) -> None:
        """Write the file contents whose blob id is `blob` (once a run)."""
        if blob not in self._sent:
            self._write(b"blob\ndata %d\n%s\n" % (len(data), data))
            self._sent.add(blob)

    def commit(self, message: str, edits: Sequence[Edit]) -> str:
        """A commit of `edits` on the previous one (the first on `base`); returns its mark."""
        parts = []
        if not self._commits:
            parts.append(f"reset {PENDING_REF}\n" + (f"from {self._base}\n\n" if self._base else "\n"))
        self._commits += 1
        mark = f":{self._commits}"
        who = f"{self._identity.name} <{self._identity.email}> {int(time.time())} +0000"
        encoded = message.encode()
        parts.append(f"commit {PENDING_REF}\nmark {mark}\nauthor {who}\ncommitter {who}\n")
        head = "".join(parts).encode() + b"data %d\n%s\n" % (len(encoded), encoded)
        self._write(head + b"".join(self._operation(edit) for edit in edits) + b"\n")
        return mark

    def _operation(self, edit: Edit) -> bytes:
        if edit.data is None:
            return f"D {edit.path}\n".encode()
        if edit.blob is not None and edit.blob in self._sent:  # written ahead: named by id
            return f"M 100644 {edit.blob} {edit.path}\n".encode()
        return f"M 100644 inline {edit.path}\n".encode() + b"data %d\n%s\n" % (len(edit.data), edit.data)

    def finish(self) -> dict[str, str]:
        """End the run; {mark: commit id}."""
        try:
            self._write(b"done\n")
            process = self._started()
            self._end(process)
            if process.returncode != 0:
                raise GitError(f"git fast-import failed: {self._error()}")
            assert self._marks is not None
            lines = Path(self._marks.name).read_text().split("\n")
            return dict(line.split(" ", 1) for line in lines if line)
        finally:
            self.close()

    def close(self) -> None:
        process = self._process
        if process is not None and process.returncode is None:
            if self._commits:  # killed mid-commits, so that its ref is never updated
                process.kill()
            with contextlib.suppress(GitError):
                if not self._commits:  # blobs only: ended cleanly, they stay unreferenced
                    self._write(b"done\n")
                self._end(process)
        for file in (self._marks, self._stderr):
            if file is not None:
                file.close()
        self._process = self._marks = self._stderr = None
        self._feeder = None

    # ---- the process ------------------------------------------------------------------------------
    def _write(self, data: bytes) -> None:
        process = self._started()
        assert self._feeder is not None
        if self._feeder.broken:  # it stopped reading: it failed
            self._end(process)
            raise GitError(f"git fast-import failed: {self._error()}")
        self._feeder.put(data)

    def _started(self) -> subprocess.Popen[bytes]:
        if self._process is None:
            tunables = ":".join(filter(None, [self._env.get("GLIBC_TUNABLES"), _KEEP_FREED_HEAP]))
            try:
                self._marks = tempfile.NamedTemporaryFile(dir=self._cwd, prefix="marks-")  # noqa: SIM115
                self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 - not a pipe: it never fills up
                self._process = subprocess.Popen(  # noqa: S603 - git with arguments we build, no shell
                    [*_ARGS, f"--export-marks={self._marks.name}"],
                    cwd=self._cwd,
                    env={**self._env, "GLIBC_TUNABLES": tunables},
                    stdin=subprocess.PIPE,
                    stdout=subprocess.DEVNULL,
                    stderr=self._stderr,
                    bufsize=_PIPE_BUFFER,
                )
            except OSError as exc:  # the repository's directory is gone (a local remote moved away)
                self.close()
                raise GitError(f"git fast-import failed: {exc.strerror}") from exc
            assert self._process.stdin is not None
            self._feeder = _Feeder(self._process.stdin)
        return self._process

    def _end(self, process: subprocess.Popen[bytes]) -> None:
        """End the input once what is queued is written, and wait for the process to exit."""
        if self._feeder is not None:
            self._feeder.close(self._timeout_s)
        try:
            process.wait(self._timeout_s)
        except subprocess.TimeoutExpired as exc:
            process.kill()
            process.wait()
            raise GitError("git fast-import timed out") from exc

    def _error(self) -> str:
        if self._stderr is None:
            return "no output"
        self._stderr.seek(0)
        return first_line(self._stderr.read().decode("utf-8", "surrogateescape"))


# What the feeder's thread is handed at once. Woken for every blob (~10,000 in a 5,000-store wave),
# it made the rendering thread give up the GIL every switch interval and wait to take it back: the
# two threads' handoffs cost the wave ~0.3 s, and git, fed 64 KiB a handoff, fell behind rendering. A
# megabyte is ~250 stores' files: git still starts on them while the rest render.
_CHUNK = 1 << 20


class _Feeder:
    """Writes to a process's input from a thread of its own, so that rendering never waits for git to
    read: on a busy machine each such wait cost a round trip through the scheduler (a 5,000-store
    wave's rendering up to twice as slow). Holds what git has not read yet, at most the batch, and
    hands it to the thread in chunks of `_CHUNK` bytes."""

    def __init__(self, stdin: IO[bytes]) -> None:
        self._stdin = stdin
        self._queue: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self._pending: list[bytes] = []  # what is not handed to the thread yet
        self._pending_size = 0
        self.broken = False
        self._thread = threading.Thread(target=self._run, name="fast-import-input", daemon=True)
        self._thread.start()

    def put(self, data: bytes) -> None:
        self._pending.append(data)
        self._pending_size += len(data)
        if self._pending_size >= _CHUNK:
            self._hand_over()

    def close(self, timeout_s: float) -> None:
        """Close the input once everything queued is written (a process that stopped reading ends the
        thread when it exits)."""
        self._hand_over()
        self._queue.put(None)
        self._thread.join(timeout_s)

    def _hand_over(self) -> None:
        if self._pending:
            self._queue.put(b"".join(self._pending))
            self._pending, self._pending_size = [], 0

    def _run(self) -> None:
        try:
            while (data := self._queue.get()) is not None:
                self._stdin.write(data)
        except BrokenPipeError:
            self.broken = True
        with contextlib.suppress(BrokenPipeError):
            self._stdin.close()
