"""The pull-request writer: in WRITE_MODE=pull-request it takes the fleet writer's place, proposing
each outbox change as a pull request instead of pushing it, and follows the open ones.

The same lock as the push writer (one writer per repo and branch), the same loop (outbox NOTIFY or a
poll), the same rendering and commit message. Idempotent across crashes: the branch name is derived
from the change, so a retried change moves its branch and finds its open pull request by that name
instead of opening a second. Between batches it re-reads a bounded number of open pull requests: the
backup for a missed webhook.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import Any

import psycopg
from anyio import to_thread
from github import GithubException
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool
from pybreaker import CircuitBreakerError

from storefleet.api.domain import outbox_repository as outbox
from storefleet.api.domain.outbox_repository import PendingChange
from storefleet.api.fleet import service as fleet_service
from storefleet.api.fleet.changes import CommitUnit, change_record, plan_commits, try_render
from storefleet.api.fleet.pulls import service
from storefleet.api.fleet.pulls.auto_merge import AutoMergeRules
from storefleet.api.fleet.pulls.github import GitHubGateway, GitHubThrottled
from storefleet.api.fleet.pulls.proposal import Proposal, propose, propose_chart, propose_group
from storefleet.api.fleet.pulls.pull_info import PullInfo
from storefleet.api.fleet.pulls.repository import PullRequestRow
from storefleet.api.fleet.reader import FleetReader
from storefleet.api.fleet.repo import FleetRepository, GitError
from storefleet.api.fleet.writer import backoff_delay, lock_key, sleep_until, wait_for_notify
from storefleet.api.outbox.doorbell import OUTBOX_CHANNEL
from storefleet.renderer.model import DirectoryChange
from storefleet.renderer.profile import RenderProfile

log = logging.getLogger(__name__)
BACKOFF_CAP_S = 300.0


@dataclass(frozen=True)
class PullRequestConfig:
    repo_key: str
    batch_size: int
    poll_interval_s: float  # the outbox poll (NOTIFY wakes it sooner)
    follow_interval_s: float  # how often open pull requests are re-read
    follow_batch: int
    auto_merge: AutoMergeRules
    merge_method: str


class PullRequestWriter:
    def __init__(
        self,
        pool: AsyncConnectionPool[Any],
        conninfo: str,
        gateway: GitHubGateway,
        reader: FleetReader,
        profile: RenderProfile,
        config: PullRequestConfig,
    ) -> None:
        self._pool, self._conninfo, self._gateway, self._reader = pool, conninfo, gateway, reader
        self._profile, self._config = profile, config
        self.circuit = gateway.circuit
        self.holds_lock = False
        self.last_error: str | None = None  # the last failure, for the health report
        self._failures = 0
        self._followed_at = 0.0

    async def run(self, stop: asyncio.Event) -> None:
        async with await psycopg.AsyncConnection.connect(
            self._conninfo, autocommit=True, row_factory=dict_row
        ) as lock:
            while not stop.is_set():
                row = await (await lock.execute(
                    "SELECT pg_try_advisory_lock(%s) AS ok", (lock_key(self._config.repo_key),)
                )).fetchone()  # fmt: skip
                if row and row["ok"]:
                    break
                await sleep_until(stop, self._config.poll_interval_s)
            if stop.is_set():
                return
            self.holds_lock = True
            await lock.execute(f"LISTEN {OUTBOX_CHANNEL}")
            try:
                await self._serve(lock, stop)
            finally:
                self.holds_lock = False

    async def _serve(self, lock: psycopg.AsyncConnection[Any], stop: asyncio.Event) -> None:
        while not stop.is_set():
            delay = self._config.poll_interval_s
            try:
                while await self.drain_once() and not stop.is_set():
                    pass
                if time.monotonic() - self._followed_at >= self._config.follow_interval_s:
                    await self.follow_once()
                self._failures, self.last_error = 0, None
            except GitHubThrottled as exc:
                log.warning("pull requests: %s", exc)  # the changes wait in the outbox
                delay = exc.retry_after_s
            except CircuitBreakerError:
                delay = max(self.circuit.retry_in(), 0.05)
            except (GithubException, GitError, OSError) as exc:
                # GitHub failing, refusing (a 4xx: e.g. credentials, permissions) or out of reach: the
                # changes wait in the outbox; retried with backoff, the cause in the health report.
                self._failures += 1
                self.last_error = f"{type(exc).__name__}: {exc}"[:500]
                delay = backoff_delay(self._failures, BACKOFF_CAP_S)
                log.warning("pull requests: %s; retrying in %.1fs", self.last_error, delay)
            await wait_for_notify(lock, stop, delay)

    # ---- proposing ---------------------------------------------------------------------------------
    async def drain_once(self) -> int:
        """Propose the next batch of pending changes; returns how many were completed."""
        async with self._pool.connection() as conn:
            changes = await outbox.pending_changes(conn, self._config.batch_size)
        if not changes:
            return 0
        base_sha, base_tree = await to_thread.run_sync(self._gateway.base)
        # In outbox order; a rollout wave's rows (a commit group) become one pull request, preceded in
        # it by its chart version's commit when the wave adds one.
        units, rejected = await to_thread.run_sync(plan_commits, changes, self._profile)
        for change, _ in rejected:
            await self._propose(change, base_sha, base_tree)  # it fails the store, saying why
        chart: CommitUnit | None = None
        for unit in units:
            if not unit.changes:
                chart = unit
            elif unit.changes[0].commit_group:
                await self._propose_group(unit, chart, base_sha, base_tree)
                chart = None
            else:
                await self._propose(unit.changes[0], base_sha, base_tree)
        return len(changes)

    async def _propose_group(
        self, unit: CommitUnit, chart: CommitUnit | None, base_sha: str, base_tree: str
    ) -> None:
        """A rollout wave (or its revert): one pull request for all of its stores."""
        directories = [d for d, _ in unit.commit.edits]

        def read(repo: FleetRepository, _: str | None) -> dict[str, list[str]]:
            found = repo.list_directories(base_sha, directories)
            return {d: sorted(found.get(d, {})) for d in directories}

        existing = await self._reader.call(read, fetch="never", needs=base_sha)
        group = str(unit.changes[0].commit_group)
        proposal = propose_group(unit.commit, existing, group)
        chain = ([propose_chart(chart.commit)] if chart is not None else []) + [proposal]
        commit_sha = await to_thread.run_sync(self._gateway.commit_chain, chain, base_sha, base_tree)
        await to_thread.run_sync(self._gateway.point_branch, proposal.branch, commit_sha)
        pull = await to_thread.run_sync(self._gateway.open_pull, proposal)
        async with self._pool.connection() as conn:
            await service.record_opened_group(conn, unit.changes, pull, commit_sha)
        if self._config.auto_merge.allows(unit.changes[0]):
            await self._auto_merge(pull)

    async def _propose(self, change: PendingChange, base_sha: str, base_tree: str) -> None:
        rendered = await to_thread.run_sync(try_render, change, self._profile)
        if isinstance(rendered, str):
            async with self._pool.connection() as conn, conn.transaction():
                await fleet_service.reject_change(
                    conn, change, f"the store spec cannot be rendered: {rendered}"
                )
            return
        if change.action == "delete" and not change.store_last_commit:
            async with self._pool.connection() as conn:
                withdrawn = await service.withdraw_unmerged(conn, change)
            await self._close_all(withdrawn, "The store was deleted before this change was merged.")
            return
        proposal = propose(change_record(change), rendered, await self._existing_files(rendered, base_sha))
        pull, commit_sha = await to_thread.run_sync(self._open, proposal, base_sha, base_tree)
        async with self._pool.connection() as conn:
            older = await service.record_opened(conn, change, change_record(change).action, pull, commit_sha)
        await self._close_all(older, f"Superseded by #{pull.number}.")
        if self._config.auto_merge.allows(change):
            await self._auto_merge(pull)

    def _open(self, proposal: Proposal, base_sha: str, base_tree: str) -> tuple[PullInfo, str]:
        commit_sha = self._gateway.commit(proposal, base_sha, base_tree)
        self._gateway.point_branch(proposal.branch, commit_sha)
        pull = self._gateway.open_pull(proposal)
        return pull, commit_sha

    async def _existing_files(self, change: DirectoryChange, base_sha: str) -> list[str]:
        """The store directory's files on the base branch (read from the local clone of the repo)."""

        def read(repo: FleetRepository, _: str | None) -> list[str]:
            return sorted(repo.list_directories(base_sha, [change.directory]).get(change.directory, {}))

        return await self._reader.call(read, fetch="never", needs=base_sha)

    async def _auto_merge(self, pull: PullInfo) -> None:
        await to_thread.run_sync(
            self._gateway.merge_pull, pull.number, self._config.merge_method, pull.head_sha
        )
        await self._record(await to_thread.run_sync(self._gateway.get_pull, pull.number))

    async def _close_all(self, pulls: list[PullRequestRow], comment: str) -> None:
        for pull in pulls:
            await to_thread.run_sync(self._gateway.close_pull, pull.number, comment)
            await to_thread.run_sync(self._gateway.delete_branch, pull.branch)

    # ---- following ---------------------------------------------------------------------------------
    async def follow_once(self) -> int:
        """Re-read the open pull requests least recently looked at; returns how many ended."""
        self._followed_at = time.monotonic()
        async with self._pool.connection() as conn:
            pulls = await service.open_pulls(conn, self._config.follow_batch)
        ended = 0
        for pull in pulls:
            info = await to_thread.run_sync(self._gateway.get_pull, pull.number)
            ended += info.state != "open"
            await self._record(info)
        await self._delete_ended_branches()
        return ended

    async def _delete_ended_branches(self) -> None:
        """The branches of pull requests that ended (seen by the poll or by the webhook) go."""
        async with self._pool.connection() as conn:
            pulls = await service.branches_to_delete(conn, self._config.follow_batch)
        for pull in pulls:
            await to_thread.run_sync(self._gateway.delete_branch, pull.branch)
            async with self._pool.connection() as conn:
                await service.branch_deleted(conn, pull.id)

    async def _record(self, pull: PullInfo) -> None:
        async with self._pool.connection() as conn:
            log.info("pull request %s", await service.record_outcome(conn, pull))
