"""The fleet repo in memory: the `FleetRepository` behaviour without git, for tests of the logic above it.

A commit is an immutable snapshot of every file (path -> bytes) under a fake sha derived from its
content and parents, so the same history always gets the same shas. `MemoryRemote` is the shared
remote: clones fetch from it and push to it, fast-forward only. A test plays the other parties on it:
`commit` is someone pushing now, `before_next_push` someone pushing just before a clone's next push
arrives (which that push then loses, as non-fast-forward), `reachable = False` a network outage.
"""

from __future__ import annotations

import hashlib
import threading
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import MappingProxyType

from storefleet.api.fleet.repo import (
    CommitBatch,
    FleetRepository,
    GitError,
    Identity,
    PushRejected,
    blob_id,
    parse_trailers,
)
from storefleet.renderer.model import CommitInfo, DirectoryChange

# Commit times are fake too: this instant plus one second per generation.
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
SOMEONE_ELSE = Identity("Someone Else", "someone@example.com")


@dataclass(frozen=True)
class _Commit:
    sha: str
    parents: tuple[str, ...]
    files: Mapping[str, bytes]  # the whole tree
    author: str
    message: str
    generation: int  # 1 for a root commit

    def changed(self, objects: Mapping[str, _Commit]) -> tuple[str, ...]:
        """The paths that differ from the first parent (from nothing, for a root commit)."""
        before = objects[self.parents[0]].files if self.parents else {}
        return tuple(
            sorted(p for p in before.keys() | self.files.keys() if before.get(p) != self.files.get(p))
        )


def _new_commit(
    parents: tuple[str, ...], files: dict[str, bytes], author: str, message: str, generation: int
) -> _Commit:
    tree = sorted((path, blob_id(data)) for path, data in files.items())
    digest = hashlib.sha1(repr((parents, tree, author, message)).encode(), usedforsecurity=False)
    return _Commit(digest.hexdigest(), parents, MappingProxyType(dict(files)), author, message, generation)


def _reachable(objects: Mapping[str, _Commit], start: str) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        sha = todo.pop()
        if sha not in seen:
            seen.add(sha)
            todo.extend(objects[sha].parents)
    return seen


def _newest_first(objects: Mapping[str, _Commit], shas: Iterable[str]) -> list[str]:
    return sorted(shas, key=lambda sha: (-objects[sha].generation, sha))


def _under(path: str, prefixes: Sequence[str]) -> bool:
    return any(path == p or path.startswith(p.rstrip("/") + "/") for p in prefixes)


def _with_directory(files: Mapping[str, bytes], change: DirectoryChange) -> dict[str, bytes]:
    """`files` with each directory of the change replaced by its files (removed when they are None)."""
    directories = [directory for directory, _ in change.edits]
    kept = {path: data for path, data in files.items() if not _under(path, directories)}
    new = {f"{d}/{name}": data for d, new_files in change.edits for name, data in (new_files or {}).items()}
    return kept | new


class MemoryRemote:
    """The remote's branches and the commits they reach. Thread-safe: clones in several threads share it."""

    def __init__(self) -> None:
        self.reachable = True
        self.pushes = 0  # pushes accepted
        self._lock = threading.RLock()
        self._objects: dict[str, _Commit] = {}
        self._branches: dict[str, str] = {}
        self._before_push: deque[Callable[[], None]] = deque()

    def head(self, branch: str) -> str | None:
        with self._lock:
            return self._branches.get(branch)

    def commit(
        self, branch: str, files: Mapping[str, bytes | None], message: str, author: Identity = SOMEONE_ELSE
    ) -> str:
        """Someone else commits on `branch` and pushes: each path of `files` gets new bytes (None
        deletes it). Returns the commit."""
        with self._lock:
            parent = self._objects.get(self._branches.get(branch, ""))
            tree = dict(parent.files) if parent else {}
            for path, data in files.items():
                if data is None:
                    tree.pop(path, None)
                else:
                    tree[path] = data
            parents = (parent.sha,) if parent else ()
            commit = _new_commit(parents, tree, author.name, message, parent.generation + 1 if parent else 1)
            self._objects[commit.sha] = commit
            self._branches[branch] = commit.sha
            return commit.sha

    def before_next_push(self, action: Callable[[], None]) -> None:
        """Run `action` (say, another `commit`) when the next push arrives, before it is checked."""
        self._before_push.append(action)

    def send(self, branch: str, into: dict[str, _Commit]) -> str | None:
        """A clone's fetch: every commit into `into`; the branch's head."""
        with self._lock:
            self._check_reachable()
            into.update(self._objects)
            return self._branches.get(branch)

    def receive(self, branch: str, sha: str, objects: Mapping[str, _Commit]) -> None:
        """A clone's push of `sha` (its commits in `objects`): accepted only as a fast-forward."""
        if self._before_push:
            self._before_push.popleft()()
        with self._lock:
            self._check_reachable()
            current = self._branches.get(branch)
            if current is not None and current not in _reachable(objects, sha):
                raise PushRejected(f"push rejected: {branch} moved to {current[:12]} (non-fast-forward)")
            self._objects.update((s, objects[s]) for s in _reachable(objects, sha))
            self._branches[branch] = sha
            self.pushes += 1

    def _check_reachable(self) -> None:
        if not self.reachable:
            raise GitError("could not read from remote repository (the in-memory remote is unreachable)")


class MemoryFleetRepo(FleetRepository):
    """A clone of `branch` of a MemoryRemote; its commits stay local until pushed."""

    def __init__(self, remote: MemoryRemote, branch: str, identity: Identity) -> None:
        self.remote = remote
        self.branch = branch
        self.identity = identity
        self._objects: dict[str, _Commit] = {}
        self._head: str | None = None  # the branch as last fetched or pushed

    def open(self) -> MemoryFleetRepo:
        return self

    def close(self) -> None:
        pass

    # ---- the remote ------------------------------------------------------------------------------
    def fetch(self) -> str | None:
        self._head = self.remote.send(self.branch, self._objects)
        return self._head

    def push(self, sha: str) -> None:
        self._commit(sha)
        self.remote.receive(self.branch, sha, self._objects)
        self._head = sha

    # ---- commits ---------------------------------------------------------------------------------
    def resolve(self, rev: str) -> str | None:
        name = rev.rstrip("^")
        if name in (self.branch, f"refs/heads/{self.branch}", f"refs/remotes/origin/{self.branch}"):
            sha = self._head
        else:
            sha = name if name in self._objects else None
        for _ in range(len(rev) - len(name)):
            parents = self._objects[sha].parents if sha else ()
            sha = parents[0] if parents else None
        return sha

    def is_ancestor(self, ancestor: str, descendant: str) -> bool:
        start, target = self.resolve(descendant), self.resolve(ancestor)
        return start is not None and target is not None and target in _reachable(self._objects, start)

    def commits(self, revision: str, exclude: Sequence[str] = ()) -> list[str]:
        return _newest_first(self._objects, self._range(revision, exclude))

    def log(
        self, head: str, paths: Sequence[str] = (), *, since: str | None = None, limit: int | None = None
    ) -> list[CommitInfo]:
        found: list[CommitInfo] = []
        for sha in self.commits(head, [since] if since else []):
            commit = self._objects[sha]
            changed = commit.changed(self._objects)
            if paths:
                changed = tuple(path for path in changed if _under(path, paths))
                if not changed:
                    continue
            found.append(self._info(commit, changed))
            if limit is not None and len(found) == limit:
                break
        return found

    # ---- trees -----------------------------------------------------------------------------------
    def read_file(self, rev: str, path: str) -> bytes | None:
        sha = self.resolve(rev)
        return self._objects[sha].files.get(path) if sha else None

    def read_files(self, wanted: Sequence[tuple[str, str]]) -> list[bytes | None]:
        return [self.read_file(rev, path) for rev, path in wanted]

    def directories_exist(self, wanted: Sequence[tuple[str, str]]) -> list[bool]:
        return [
            self.resolve(rev) is not None and directory in self.list_directories(rev, [directory])
            for rev, directory in wanted
        ]

    def read_directory(self, rev: str, directory: str) -> dict[str, bytes] | None:
        if directory not in self.list_directories(rev, [directory]):
            return None
        files = self._commit(rev).files
        return {path.rpartition("/")[2]: data for path, data in files.items() if _under(path, [directory])}

    def list_directories(self, rev: str | None, directories: Iterable[str]) -> dict[str, dict[str, str]]:
        wanted = sorted(set(directories))
        if rev is None or not wanted:
            return {}
        found: dict[str, dict[str, str]] = {}
        for path, data in sorted(self._commit(rev).files.items()):
            if _under(path, wanted):
                directory, _, name = path.rpartition("/")
                found.setdefault(directory, {})[name] = blob_id(data)
        return found

    # ---- writing ---------------------------------------------------------------------------------
    def build_commits(self, base: str | None, changes: Sequence[DirectoryChange]) -> list[str | None]:
        parent = self._commit(base) if base else None
        files: Mapping[str, bytes] = parent.files if parent else {}
        shas: list[str | None] = []
        for change in changes:
            new_files = _with_directory(files, change)
            if new_files == files:
                shas.append(None)
                continue
            generation = parent.generation + 1 if parent else 1
            parents = (parent.sha,) if parent else ()
            parent = _new_commit(parents, new_files, self.identity.name, change.message, generation)
            self._objects[parent.sha] = parent
            files = parent.files
            shas.append(parent.sha)
        return shas

    def start_commits(self, base: str | None, directories: Iterable[str]) -> CommitBatch:
        return _AtBuild(self, base)

    # ---- helpers ---------------------------------------------------------------------------------
    def _commit(self, rev: str) -> _Commit:
        sha = self.resolve(rev)
        if sha is None:
            raise GitError(f"unknown revision {rev!r}", temporary=False)
        return self._objects[sha]

    def _range(self, revision: str, exclude: Sequence[str]) -> set[str]:
        shas = _reachable(self._objects, self._commit(revision).sha)
        for rev in exclude:
            shas -= _reachable(self._objects, self._commit(rev).sha)
        return shas

    def _info(self, commit: _Commit, paths: tuple[str, ...]) -> CommitInfo:
        when = EPOCH + timedelta(seconds=commit.generation)
        return CommitInfo(
            sha=commit.sha,
            parents=commit.parents,
            author=commit.author,
            time=when.isoformat(),
            message=commit.message.strip("\n"),  # as git's log shows it
            trailers=parse_trailers(commit.message),
            paths=paths,
        )


class _AtBuild(CommitBatch):
    """Nothing ahead: in memory, a batch is all built at once."""

    def __init__(self, repo: MemoryFleetRepo, base: str | None) -> None:
        self._repo, self._base = repo, base

    def stage(self, change: DirectoryChange) -> None:
        pass

    def build(self, changes: Sequence[DirectoryChange]) -> list[str | None]:
        return self._repo.build_commits(self._base, changes)

    def close(self) -> None:
        pass
