"""Git-side sync: follow the fleet branch and carry changes people made in git back into the platform.

Each new commit since the last one walked is classified. The platform's own commits (a `Change-Id`
trailer naming an outbox row recorded with that very commit) need nothing. Any other commit — a human
`git revert`, a hand edit, a merged pull request — updates each store directory it touched: a changed
`store.yaml` becomes the store's desired spec (ready -> updating), a removed directory deletes the
store, a new directory of a known tenant is adopted. Only explicit diffs between known commits act:
a failed fetch, an empty branch or rewritten history changes nothing and is reported instead.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg_pool import AsyncConnectionPool

from storefleet.api.core.actor import Actor
from storefleet.api.db.pool import Connection
from storefleet.api.domain import audit
from storefleet.api.domain import outbox_repository as outbox
from storefleet.api.fleet import repository as fleet_repository
from storefleet.api.fleet import sync_apply, sync_batch
from storefleet.api.fleet.reader import FleetReader
from storefleet.api.fleet.repo import FleetRepository, GitError
from storefleet.api.fleet.repository import FleetState
from storefleet.api.fleet.service import FLEET_PUSHED_CHANNEL
from storefleet.api.metrics import registry as metrics
from storefleet.renderer.commit_message import CHANGE_ID
from storefleet.renderer.manifests import CLUSTERS_DIR, STORE_FILE, TENANTS_DIR, fleet_root, parse_store_dir
from storefleet.renderer.model import CommitInfo

log = logging.getLogger(__name__)
SYNC = Actor.system("git-sync")


@dataclass
class SyncReport:
    head: str | None = None
    commits: int = 0
    external: int = 0
    actions: list[str] = field(default_factory=list)
    error: str | None = None


# Commits applied per transaction: enough to turn thousands of statements into a few, few enough to
# hold the batch's store rows locked for well under a second.
BATCH_COMMITS = 500


@dataclass(frozen=True)
class _Batch:
    commits: list[CommitInfo]  # oldest first
    position: str  # the commit recorded as walked with the batch: the walk resumes after it


@dataclass(frozen=True)
class _Walk:
    head: str | None
    commits: list[CommitInfo]  # oldest first
    rewritten: bool
    batches: list[_Batch] = field(default_factory=list)


def directory_of(cluster: str | None, tenant: str, store_id: str) -> str:
    return f"{fleet_root(cluster)}/{tenant}/{store_id}"


def store_dirs(paths: tuple[str, ...]) -> list[tuple[str | None, str, str]]:
    """(cluster or None for the home root, tenant, store id) of every store directory among `paths`,
    in first-seen order."""
    seen: dict[tuple[str | None, str, str], None] = {}
    for path in paths:
        found = parse_store_dir(path)
        if found is not None:
            seen.setdefault(found, None)
    return list(seen)


class GitSync:
    def __init__(
        self,
        pool: AsyncConnectionPool[Any],
        reader: FleetReader,
        repo_key: str,
        interval_s: float,
        after_sync: Callable[[], Awaitable[object]] | None = None,
    ):
        self._pool = pool
        self._reader = reader
        self._repo_key = repo_key
        self._interval_s = interval_s
        # Run after each pass on the freshly fetched branch (the fleet log's catch-up); its failure is
        # logged and never stops the sync.
        self._after_sync = after_sync
        self.wake = asyncio.Event()
        self.last_report = SyncReport()

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                self.last_report = await self.sync_once()
            except GitError as exc:
                metrics.FLEET_SYNC_ERRORS.labels(kind="fetch").inc()
                self.last_report = SyncReport(error=f"fetch failed: {exc}")
                log.warning("git sync: %s", exc)
            await self._run_after_sync()
            self.wake.clear()
            waiters = {asyncio.ensure_future(stop.wait()), asyncio.ensure_future(self.wake.wait())}
            await asyncio.wait(waiters, timeout=self._interval_s, return_when=asyncio.FIRST_COMPLETED)
            for task in waiters:
                task.cancel()

    async def _run_after_sync(self) -> None:
        if self._after_sync is None:
            return
        try:
            await self._after_sync()
        except (GitError, psycopg.Error) as exc:
            log.warning("git sync: the work after the pass failed: %s", exc)

    async def sync_once(self) -> SyncReport:
        async with self._pool.connection() as conn:
            state = await fleet_repository.get_state(conn, self._repo_key)
        last = state.last_synced_sha
        walk = await self._reader.call(lambda repo, head: _walk(repo, head, last), fetch="always")
        report = SyncReport(head=walk.head, commits=len(walk.commits))
        if walk.head is None:
            report.error = "the fleet branch does not exist (or is empty); nothing was changed"
            return report
        async with self._pool.connection() as conn:
            if walk.rewritten:
                assert last is not None  # only a recorded baseline can be rewritten
                return await self._report_rewrite(conn, state, last, walk.head, report)
            await self._apply_batches(conn, walk, report)
            await fleet_repository.set_state(conn, self._repo_key, last_synced_sha=walk.head, sync_error=None)
            if report.actions:
                await _announce(conn)
        return report

    async def _apply_batches(self, conn: Connection, walk: _Walk, report: SyncReport) -> None:
        recorded = await outbox.outbox_commits(conn, [i for c in walk.commits if (i := _change_id(c))])
        for batch in walk.batches:
            external = []
            for commit in batch.commits:
                # A cherry-pick copies the trailers but not the commit id, so it still counts as external.
                ours = recorded.get(_change_id(commit) or -1) == commit.sha
                metrics.FLEET_SYNC_COMMITS.labels(origin="platform" if ours else "external").inc()
                if not ours:
                    external.append(commit)
            report.external += len(external)
            if not external:  # the platform's own commits only: nothing to read or apply
                await fleet_repository.set_state(conn, self._repo_key, last_synced_sha=batch.position)
                continue
            touched = await self._reader.call(functools.partial(_read, commits=external), fetch="never")
            # The batch's effects and its position in one transaction: a crash leaves both or neither.
            async with conn.transaction():
                report.actions += await sync_batch.apply_batch(conn, touched)
                await fleet_repository.set_state(conn, self._repo_key, last_synced_sha=batch.position)

    async def _report_rewrite(
        self, conn: Connection, state: FleetState, last: str, head: str, report: SyncReport
    ) -> SyncReport:
        report.error = f"the fleet branch was rewritten: {last[:12]} is no longer an ancestor of {head[:12]}"
        metrics.FLEET_SYNC_ERRORS.labels(kind="rewritten").inc()
        if state.sync_error != report.error:
            log.error("git sync paused: %s; an operator must re-baseline it", report.error)
            async with conn.transaction():
                await fleet_repository.set_state(conn, self._repo_key, sync_error=report.error)
                await audit.record(conn, "fleet.history_rewritten", SYNC, detail={"last": last, "head": head})
        return report


async def _announce(conn: Connection) -> None:
    """External commits changed store directories: tell the cluster watcher, as the writer does after
    its pushes, so that it nudges the applier now instead of waiting for the applier's interval. Only
    a process with a cluster listens. Best effort: a lost nudge costs time, never the sync."""
    try:
        await conn.execute("SELECT pg_notify(%s, '')", (FLEET_PUSHED_CHANNEL,))
    except psycopg.Error as exc:
        log.warning("git sync: could not ask for a nudge of the applier: %s", exc)


def _walk(repo: FleetRepository, head: str | None, last: str | None) -> _Walk:
    if head is None:
        return _Walk(None, [], rewritten=False)
    if last is None or last == head:
        return _Walk(head, [], rewritten=False)  # first run: the current head is the baseline
    if repo.resolve(last) is None or not repo.is_ancestor(last, head):
        return _Walk(head, [], rewritten=True)
    walked = list(reversed(repo.log(head, [TENANTS_DIR, CLUSTERS_DIR], since=last)))
    return _Walk(head, walked, rewritten=False, batches=_batches(repo, walked, last, head))


def _batches(repo: FleetRepository, commits: list[CommitInfo], last: str, head: str) -> list[_Batch]:
    batches: list[_Batch] = []
    start = 0
    while start < len(commits):
        end = _clean_cut(repo, commits, start + BATCH_COMMITS, last)
        position = commits[end - 1].sha if end < len(commits) else head
        batches.append(_Batch(commits[start:end], position))
        start = end
    return batches


def _clean_cut(repo: FleetRepository, commits: list[CommitInfo], end: int, last: str) -> int:
    """The first batch end from `end` on where the walk splits cleanly: the commits before it are
    exactly the walked ones the last of them descends from, so that recording it as the position
    resumes the walk with the rest (always so on a linear branch; merged branches may need a later
    cut, and the head always is one). One `git rev-list` per cut tried."""
    step = max(1, BATCH_COMMITS // 10)
    while end < len(commits):
        ancestors = set(repo.commits(commits[end - 1].sha, [last]))
        before, after = commits[:end], commits[end:]
        if all(c.sha in ancestors for c in before) and not any(c.sha in ancestors for c in after):
            return end
        end += step
    return len(commits)


def _read(repo: FleetRepository, _head: str | None, commits: list[CommitInfo]) -> list[sync_batch.Touched]:
    """Every store directory the commits touched, read at its commit, in the order they apply: the
    batch's `store.yaml` files in one read; only where one is missing is its directory looked for, to
    tell a directory without store.yaml from a removed one."""
    touched = [(commit, where) for commit in commits for where in store_dirs(commit.paths)]
    files = repo.read_files([(c.sha, f"{directory_of(*where)}/{STORE_FILE}") for c, where in touched])
    missing = [
        (c.sha, directory_of(*where)) for (c, where), data in zip(touched, files, strict=True) if data is None
    ]
    present = dict(zip(missing, repo.directories_exist(missing), strict=True))
    by_commit: dict[str, list[sync_batch.Touched]] = {}
    for (commit, where), data in zip(touched, files, strict=True):
        exists = data is not None or present[commit.sha, directory_of(*where)]
        state = sync_apply.DirState(exists=exists, store_yaml=data)
        by_commit.setdefault(commit.sha, []).append(
            sync_batch.touched(commit, sync_apply.Location(*where), state)
        )
    # A store moved from one root to another is a new directory and a removed one: the new one first,
    # so that the removal finds the store already elsewhere and deletes nothing.
    return [item for items in by_commit.values() for item in sorted(items, key=lambda i: not i.state.exists)]


def _change_id(commit: CommitInfo) -> int | None:
    change_id = commit.trailers.get(CHANGE_ID, "")
    return int(change_id) if change_id.isdigit() else None
