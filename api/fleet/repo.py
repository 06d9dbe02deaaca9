"""The fleet repo as the writer, the reader, the git-side sync and the pull-request writer use it.

`FleetRepository` is the interface they type against: a clone of one branch of a remote, fetched and
pushed fast-forward only, read at any commit, and written a batch of directory changes at a time.
`git_repo.FleetRepo` is the real one (git); `memory_repo.MemoryFleetRepo` keeps commits in memory for
tests of the callers' logic. (Not to be confused with `repository.py`: the fleet tables' SQL.)

Revisions are full commit ids, the branch's ref names, or either followed by `^` (the first parent).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from storefleet.renderer.model import CommitInfo, DirectoryChange


class GitError(RuntimeError):
    """A git operation failed; `temporary` says whether retrying later may help."""

    def __init__(self, message: str, *, temporary: bool = True) -> None:
        super().__init__(message)
        self.temporary = temporary


class PushRejected(GitError):
    """The remote branch moved (someone else pushed): fetch, rebuild, push again."""


def first_line(text: str) -> str:
    """The first non-blank line of git's output, for an error message."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[0] if lines else "no output"


def not_a_git_remote_failure(exc: BaseException) -> bool:
    """What the git remote's circuit breaker does not count: a push that lost to another push proves
    the remote answers, and a non-temporary GitError is a local refusal."""
    return isinstance(exc, PushRejected) or (isinstance(exc, GitError) and not exc.temporary)


@dataclass(frozen=True)
class Identity:
    """Who the platform's commits are by."""

    name: str
    email: str


def blob_id(data: bytes) -> str:
    """The id git gives a blob with these bytes (sha1 of a 'blob <size>\\0' header and the data)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def parse_trailers(message: str) -> dict[str, str]:
    """`Key: value` lines of the message's last paragraph (git's trailer block)."""
    paragraphs = [p for p in message.strip().split("\n\n") if p.strip()]
    if len(paragraphs) < 2:
        return {}
    trailers: dict[str, str] = {}
    for line in paragraphs[-1].splitlines():
        key, sep, value = line.partition(":")
        if sep and key and " " not in key.strip():
            trailers[key.strip()] = value.strip()
    return trailers


class CommitBatch(Protocol):
    """A batch of commits being built on one base: each directory's new files are handed over as soon
    as they are rendered (the git repo starts writing them while the rest render), then the commits."""

    def stage(self, change: DirectoryChange) -> None:
        """Start on `change`'s files ahead of `build` (which may or may not include it)."""

    def build(self, changes: Sequence[DirectoryChange]) -> list[str | None]:
        """As `FleetRepository.build_commits` on the batch's base; once."""

    def close(self) -> None:
        """Drop whatever was not built; nothing staged is kept."""


class FleetRepository(Protocol):
    """One branch of the fleet repo. Not thread-safe: one instance per thread."""

    def open(self) -> FleetRepository:
        """Make the clone ready for use (create it on first use); returns itself."""

    def close(self) -> None: ...

    # ---- the remote ------------------------------------------------------------------------------
    def fetch(self) -> str | None:
        """Bring the branch up to date from the remote; its head (None while it does not exist)."""

    def push(self, sha: str) -> None:
        """Fast-forward the remote branch to `sha`; never forces. PushRejected if the branch moved."""

    # ---- commits ---------------------------------------------------------------------------------
    def resolve(self, rev: str) -> str | None:
        """The commit `rev` names in this clone, or None."""

    def is_ancestor(self, ancestor: str, descendant: str) -> bool:
        """Whether `ancestor` is `descendant` or one of its ancestors (False if either is unknown)."""

    def commits(self, revision: str, exclude: Sequence[str] = ()) -> list[str]:
        """The commits reachable from `revision` and from none of `exclude` (what the cluster watcher
        asks, through the reader, to learn which store commits an applied revision contains)."""

    def log(
        self, head: str, paths: Sequence[str] = (), *, since: str | None = None, limit: int | None = None
    ) -> list[CommitInfo]:
        """The commits reachable from `head` but not from `since`, newest first, with their trailers
        and the files they changed; only those changing something under `paths`, when given."""

    # ---- trees -----------------------------------------------------------------------------------
    def read_file(self, rev: str, path: str) -> bytes | None:
        """The file at `rev`; None if the file or the revision does not exist."""

    def read_files(self, wanted: Sequence[tuple[str, str]]) -> list[bytes | None]:
        """`read_file` of each (rev, path), in order, for many at once (the git-side sync's batch)."""

    def directories_exist(self, wanted: Sequence[tuple[str, str]]) -> list[bool]:
        """Whether each (rev, directory) is a directory at its rev, in order, for many at once."""

    def read_directory(self, rev: str, directory: str) -> dict[str, bytes] | None:
        """{file name: bytes} of the directory at `rev`; None if it does not exist there."""

    def list_directories(self, rev: str | None, directories: Iterable[str]) -> dict[str, dict[str, str]]:
        """{directory: {file name: blob_id}} for those of `directories` that exist at `rev`."""

    # ---- writing ---------------------------------------------------------------------------------
    def build_commits(self, base: str | None, changes: Sequence[DirectoryChange]) -> list[str | None]:
        """Commit each change on top of the previous one, starting from `base` (None: an empty branch).

        Returns the new commit per change, or None where the change would not alter a byte (files
        that are already there, or no files where there is no directory). Nothing is published until
        `push`.
        """

    def start_commits(self, base: str | None, directories: Iterable[str]) -> CommitBatch:
        """A batch to build on `base`, whose changes will (mostly) touch `directories`; the caller
        closes it."""
