"""The fleet writer: drains the outbox into commits, one per change, pushed once per batch.

One writer per repo and branch across all processes (a PostgreSQL advisory lock); the others wait.
Exactly-once: every commit carries its outbox row in a `Change-Id` trailer, and before building a
batch the writer looks for those trailers on the remote, so a change pushed just before a crash is
recorded, not pushed twice. Commits made locally but never pushed are dropped by the next batch,
which always starts from the remote head.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import psycopg
from anyio import CancelScope, to_thread
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool

from storefleet.api.core.circuit import GIT_REMOTE, CircuitOpenError, RemoteCircuit
from storefleet.api.domain import outbox_repository as outbox
from storefleet.api.domain.outbox_repository import PendingChange
from storefleet.api.fleet import repository, service
from storefleet.api.fleet.changes import CommitUnit, change_directory, plan_commits
from storefleet.api.fleet.repo import (
    CommitBatch,
    FleetRepository,
    GitError,
    PushRejected,
    not_a_git_remote_failure,
)
from storefleet.api.metrics import registry as metrics
from storefleet.api.outbox.doorbell import OUTBOX_CHANNEL
from storefleet.renderer.commit_message import CHANGE_GROUP, CHANGE_ID, STORE_ID
from storefleet.renderer.profile import RenderProfile

log = logging.getLogger(__name__)

_SCAN_LIMIT = 2000  # commits searched for our trailers when the last pushed commit is unknown


@dataclass(frozen=True)
class WriterConfig:
    repo_key: str
    batch_size: int
    poll_interval_s: float
    push_retries: int
    backoff_cap_s: float = 60.0
    circuit_failures: int = 5  # consecutive remote failures that open the git_remote circuit
    circuit_reset_s: float = 30.0  # how long an open circuit waits before a trial call


lock_key = repository.writer_lock_key


def writer_is_active(conninfo: str, repo_key: str) -> bool:
    """Whether some process holds the writer lock of this repo and branch (pg_locks shows a bigint
    advisory key as its high and low 32 bits)."""
    key = lock_key(repo_key) & 0xFFFFFFFFFFFFFFFF
    with psycopg.connect(conninfo, autocommit=True) as conn:
        row = conn.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted"
            " AND classid = %s AND objid = %s AND objsubid = 1)",
            (key >> 32, key & 0xFFFFFFFF),
        ).fetchone()
    return bool(row and row[0])


class FleetWriter:
    def __init__(
        self,
        pool: AsyncConnectionPool[Any],
        conninfo: str,
        repo_factory: Callable[[], FleetRepository],
        profile: RenderProfile,
        config: WriterConfig,
    ) -> None:
        self._pool = pool
        self._conninfo = conninfo
        self._repo_factory = repo_factory
        self._repo: FleetRepository | None = None
        self._profile = profile
        self._config = config
        self._failures = 0
        self.holds_lock = False
        self._lock_session: psycopg.AsyncConnection[Any] | None = None
        # fetch and push go through this breaker; everything else the writer does is local
        self.circuit = RemoteCircuit(
            config.circuit_failures, config.circuit_reset_s, GIT_REMOTE, not_a_git_remote_failure
        )

    # ---- the loop ---------------------------------------------------------------------------------
    async def run(self, stop: asyncio.Event) -> None:
        """Wait for the writer lock, then drain whenever the outbox is notified (or on a poll)."""
        async with await psycopg.AsyncConnection.connect(
            self._conninfo, autocommit=True, row_factory=dict_row
        ) as lock:
            while not stop.is_set():
                row = await (
                    await lock.execute(
                        "SELECT pg_try_advisory_lock(%s) AS ok", (lock_key(self._config.repo_key),)
                    )
                ).fetchone()
                if row and row["ok"]:
                    break
                await sleep_until(stop, self._config.poll_interval_s)
            if stop.is_set():
                return
            self.holds_lock, self._lock_session = True, lock
            await lock.execute(f"LISTEN {OUTBOX_CHANNEL}")
            try:
                await self._serve(lock, stop)
            finally:
                self.holds_lock, self._lock_session = False, None
                await to_thread.run_sync(self._close_repo)

    async def _serve(self, lock: psycopg.AsyncConnection[Any], stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                while await self.drain_once() and not stop.is_set():
                    pass
                self._failures = 0
                delay = self._config.poll_interval_s
            except CircuitOpenError:
                # The remote is not called until the breaker allows a trial; the changes wait in the
                # outbox (new ones are still accepted). Notifications do not wake us meanwhile.
                await sleep_until(stop, max(self.circuit.retry_in(), 0.05))
                continue
            except GitError as exc:
                self._failures += 1
                # Backoff (exponential, jittered) until the circuit opens; then its reset timeout.
                delay = self.circuit.retry_in() if self.circuit.is_open else self._backoff()
                log.warning("fleet writer: %s; retrying in %.1fs", exc, delay)
            await wait_for_notify(lock, stop, delay)

    def _backoff(self) -> float:
        return backoff_delay(self._failures, self._config.backoff_cap_s)

    # ---- one batch --------------------------------------------------------------------------------
    async def drain_once(self) -> int:
        """Commit and push the next batch of pending changes; returns how many were completed."""
        async with self._pool.connection() as conn:
            changes = await outbox.pending_changes(conn, self._config.batch_size)
            depth, age = await outbox.pending_count(conn)
        metrics.OUTBOX_DEPTH.set(depth)
        metrics.OUTBOX_OLDEST_AGE.set(age or 0)
        if not changes:
            return 0
        for attempt in range(self._config.push_retries + 1):
            try:
                return await self._write_batch(changes)
            except PushRejected as exc:
                metrics.FLEET_PUSH_CONFLICTS.inc()
                if attempt == self._config.push_retries:
                    raise
                log.info("fleet writer: %s; rebuilding on the new head", exc)
                await asyncio.sleep(random.uniform(0, 0.05 * (attempt + 1)))  # noqa: S311
        return 0

    async def _write_batch(self, changes: list[PendingChange]) -> int:
        head = await to_thread.run_sync(partial(self.circuit.call, self._open_repo().fetch, partial=True))
        async with self._pool.connection() as conn:
            state = await repository.get_state(conn, self._config.repo_key)
        pushed = await to_thread.run_sync(self._already_pushed, state.last_pushed_sha, head, changes)
        async with self._pool.connection() as conn, conn.transaction():
            await service.complete_changes(conn, [(c, pushed[c.id]) for c in changes if c.id in pushed])
        todo = [change for change in changes if change.id not in pushed]
        units, shas = await self._commit(head, todo)
        tip = next((sha for sha in reversed(shas) if sha), None)
        if tip:
            await self._confirm_lock()
            with metrics.FLEET_PUSH_SECONDS.time():
                await to_thread.run_sync(self.circuit.call, self._open_repo().push, tip)
        else:
            self.circuit.round_succeeded()
        metrics.FLEET_BATCH_CHANGES.observe(len(changes))
        # One transaction for the batch: one WAL flush instead of one per change. If it fails, the rows
        # stay pending and the next batch finds their commits by trailer.
        async with self._pool.connection() as conn, conn.transaction():
            await service.complete_changes(
                conn,
                [(change, sha) for unit, sha in zip(units, shas, strict=True) for change in unit.changes],
            )
            if tip:
                await repository.set_state(conn, self._config.repo_key, last_pushed_sha=tip)
        for unit, sha in zip(units, shas, strict=True):
            if sha:
                metrics.FLEET_COMMITS.labels(action=unit.commit.action).inc()
        return len(changes)

    async def _confirm_lock(self) -> None:
        """Before publishing: the session that holds the writer lock is alive, so the lock is still
        ours. After a database failover that session died with the old primary and another writer
        may hold the lock on the new one: this raises, the batch is abandoned before its push, and
        the loop restarts by waiting for the lock again. (A push that slipped through regardless is
        found by its Change-Id trailers and recorded once; it is never committed twice.)"""
        if self._lock_session is not None:  # None: driven step by step, without the loop
            await self._lock_session.execute("SELECT 1")

    async def _commit(
        self, head: str | None, changes: list[PendingChange]
    ) -> tuple[list[CommitUnit], list[str | None]]:
        """The changes' commits on `head`, and their ids (None: no byte changed). git writes each
        store's files while the next ones render (a process of its own: the two overlap)."""
        repo = self._open_repo()
        batch = await to_thread.run_sync(repo.start_commits, head, [change_directory(c) for c in changes])
        try:
            units = await self._plan(changes, batch)
            return units, await to_thread.run_sync(batch.build, [unit.commit for unit in units])
        finally:
            with CancelScope(shield=True):  # even when cancelled: no git process left behind
                await to_thread.run_sync(batch.close)  # may wait for git to take what it was sent

    async def _plan(self, changes: list[PendingChange], batch: CommitBatch) -> list[CommitUnit]:
        # Rendering is CPU work: off the event loop, so the API keeps answering during a big batch.
        units, rejected = await to_thread.run_sync(plan_commits, changes, self._profile, batch.stage)
        for change, why in rejected:
            async with self._pool.connection() as conn, conn.transaction():
                await service.reject_change(conn, change, f"the store spec cannot be rendered: {why}")
        return units

    def _already_pushed(
        self, last_pushed: str | None, head: str | None, changes: list[PendingChange]
    ) -> dict[int, str]:
        """{outbox id: commit} for pending changes whose commit is already on the remote branch."""
        if head is None:
            return {}
        repo = self._open_repo()
        if last_pushed and repo.resolve(last_pushed) and repo.is_ancestor(last_pushed, head):
            commits = repo.log(head, since=last_pushed)
        else:
            commits = repo.log(head, limit=_SCAN_LIMIT)
        # Outbox ids restart with a new database, so a Change-Id alone could name another
        # installation's commit; with the (random) store id it names this change only.
        wanted = {(str(change.id), change.store_id): change.id for change in changes}
        # A group (rollout ids are random too) names all of its rows.
        groups: dict[str, list[int]] = {}
        for change in changes:
            if change.commit_group:
                groups.setdefault(change.commit_group, []).append(change.id)
        found: dict[int, str] = {}
        for commit in commits:
            key = (commit.trailers.get(CHANGE_ID, ""), commit.trailers.get(STORE_ID, ""))
            if key in wanted:
                found.setdefault(wanted[key], commit.sha)
            for change_id in groups.get(commit.trailers.get(CHANGE_GROUP, ""), ()):
                found.setdefault(change_id, commit.sha)
        return found

    # ---- repo -------------------------------------------------------------------------------------
    def _open_repo(self) -> FleetRepository:
        if self._repo is None:
            self._repo = self._repo_factory().open()
        return self._repo

    def _close_repo(self) -> None:
        if self._repo is not None:
            self._repo.close()
            self._repo = None


def backoff_delay(failures: int, cap_s: float) -> float:
    """Exponential backoff with jitter ("equal jitter"): half the step fixed, half random."""
    base = min(cap_s, 0.5 * 2.0 ** min(failures, 10))
    return base / 2 + random.uniform(0, base / 2)  # noqa: S311 - jitter, not security


async def sleep_until(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)


async def wait_for_notify(conn: psycopg.AsyncConnection[Any], stop: asyncio.Event, wait_s: float) -> None:
    """Return on an outbox notification, on `stop`, or after `wait_s` seconds.

    Waits in short slices instead of cancelling the notification generator, which would leave the
    connection mid-read."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait_s
    while not stop.is_set() and loop.time() < deadline:
        async for _ in conn.notifies(timeout=min(0.5, max(0.01, deadline - loop.time())), stop_after=1):
            return
