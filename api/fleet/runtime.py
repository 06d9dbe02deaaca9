"""The fleet components one process runs: the reader always, the writer and the git-side sync when
the settings ask for them (`storefleet up` runs all three in-process)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from psycopg_pool import AsyncConnectionPool

from storefleet.api.db.leadership import Leadership, current_leader
from storefleet.api.fleet import commit_log
from storefleet.api.fleet.context import FleetContext
from storefleet.api.fleet.gitsync import GitSync
from storefleet.api.fleet.reader import FleetReader
from storefleet.api.fleet.watcher_port import WatcherFleet
from storefleet.api.fleet.writer import FleetWriter
from storefleet.api.health.checks import CheckResult
from storefleet.api.settings import Settings

if TYPE_CHECKING:
    # Loaded only when configured: PyGithub (pull-request mode) costs ~20 MB of memory at import,
    # which the default set-up never uses.
    from storefleet.api.fleet.pulls.writer import PullRequestWriter

log = logging.getLogger(__name__)
_STOP_TIMEOUT_S = 30.0


@dataclass
class FleetRuntime:
    context: FleetContext
    reader: FleetReader
    writer: FleetWriter | PullRequestWriter | None = None
    sync: GitSync | None = None
    # set by `watch_clusters` when this process watches: one watcher per cluster, each led by a replica
    watchers: WatcherFleet | None = None
    # One leader per fleet repo for the sync, across replicas.
    sync_leadership: Leadership | None = None
    pool: AsyncConnectionPool[Any] | None = None
    # More background loops the composition root adds (the rollout controller): (name, run(stop))
    loops: list[tuple[str, Callable[[asyncio.Event], Awaitable[None]]]] = field(default_factory=list)
    _stop: asyncio.Event = field(default_factory=asyncio.Event)
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)

    @property
    def writer_active(self) -> bool:
        return self.writer is not None and self.writer.holds_lock

    @classmethod
    def create(
        cls,
        context: FleetContext,
        pool: AsyncConnectionPool[Any],
        conninfo: str,
        *,
        writer: bool,
        sync: bool,
        settings: Settings | None = None,
    ) -> FleetRuntime:
        """`settings` choose the writer: pushes (the default), or pull requests (WRITE_MODE)."""
        reader = FleetReader(context.mirror_repo)
        runtime = cls(context=context, reader=reader, pool=pool)
        if writer and settings is not None and settings.write_mode == "pull-request":
            from storefleet.api.fleet.pulls.runtime import build_pull_request_writer

            runtime.writer = build_pull_request_writer(settings, context, pool, conninfo, reader)
        elif writer:
            runtime.writer = FleetWriter(pool, conninfo, context.work_repo, context.profile, context.writer)
        if sync:
            runtime.sync = GitSync(
                pool, reader, context.repo_key, context.sync_interval_s, _log_catch_up(pool, context, reader)
            )
            runtime.sync_leadership = _leadership(conninfo, "git-sync", context.repo_key, settings)
        return runtime

    def watch_clusters(self, watchers: WatcherFleet) -> None:
        """Run the clusters' watchers in this process (each cluster's when this replica leads it)."""
        self.watchers = watchers

    def start(self) -> None:
        if self.writer is not None:
            self._tasks.append(
                asyncio.create_task(self._guard("fleet writer", self.writer.run), name="fleet-writer")
            )
        if self.sync is not None:
            sync = _led(self.sync_leadership, self.sync.run)
            self._tasks.append(asyncio.create_task(self._guard("git sync", sync), name="git-sync"))
        for name, run in self.loops:
            self._tasks.append(asyncio.create_task(self._guard(name, run), name=name.replace(" ", "-")))
        if self.watchers is not None:
            self._tasks.append(
                asyncio.create_task(
                    self._guard("cluster watchers", self.watchers.run), name="cluster-watchers"
                )
            )

    async def _guard(self, name: str, run: Any) -> None:
        # A crash of a background loop is logged and the loop restarts; the outbox keeps the work.
        while not self._stop.is_set():
            try:
                await run(self._stop)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("%s crashed; restarting in 1s", name)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stop.wait(), timeout=1.0)

    async def stop(self) -> None:
        """Let the current batch finish (bounded), then close the clones."""
        self._stop.set()
        if self._tasks:
            _, pending = await asyncio.wait(self._tasks, timeout=_STOP_TIMEOUT_S)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        await asyncio.to_thread(self.reader.close)

    async def cluster_health(self) -> CheckResult:
        if self.watchers is None:
            return CheckResult("ok", {"watcher": "another process"})
        degraded, clusters = await self.watchers.health()
        return CheckResult("degraded" if degraded else "ok", {"clusters": clusters})

    async def health(self) -> CheckResult:
        details: dict[str, Any] = {"remote": self.context.remote_url, "branch": self.context.branch}
        details["writer"] = (
            ("active" if self.writer.holds_lock else "standby") if self.writer else "another process"
        )
        degraded = False
        if self.writer is not None:
            # Open (or half-open) circuit: the remote or GitHub fails; creates still go into the outbox.
            details["circuit"] = self.writer.circuit.details()
            pulls = not isinstance(self.writer, FleetWriter)  # the other kind: a PullRequestWriter
            details["write_mode"] = "pull-request" if pulls else "push"
            degraded = details["circuit"]["state"] != "closed"
            if not isinstance(self.writer, FleetWriter) and self.writer.last_error:
                details["last_error"] = self.writer.last_error
                degraded = True
        if self.sync is not None:
            report = self.sync.last_report
            details["sync"] = {"role": "leader", "head": report.head, "error": report.error}
            lead = self.sync_leadership
            if lead is not None and not lead.leading:
                details["sync"] = {"role": "standby", "leader": await self._leader(lead)}
            degraded = degraded or report.error is not None
        return CheckResult("degraded" if degraded else "ok", details)

    async def _leader(self, lead: Leadership) -> str | None:
        if self.pool is None:
            return None
        async with self.pool.connection() as conn:
            leader = await current_leader(conn, lead.role, lead.name)
        return leader.holder if leader else None


def _log_catch_up(
    pool: AsyncConnectionPool[Any], context: FleetContext, reader: FleetReader
) -> Callable[[], Awaitable[int]]:
    """The fleet log follows the branch with the sync (one replica leads both), so a read finds it
    current and the first read after an upgrade does not log the whole branch itself."""

    async def catch_up() -> int:
        async with pool.connection() as conn:
            return await commit_log.catch_up(conn, reader, context.repo_key, context.identity.name)

    return catch_up


def _leadership(conninfo: str, role: str, name: str, settings: Settings | None) -> Leadership:
    poll_s = settings.leader_poll_s if settings else 2.0
    check_s = settings.leader_check_s if settings else 2.0
    return Leadership(conninfo, role, name, poll_s=poll_s, check_s=check_s)


def _led(
    leadership: Leadership | None, run: Callable[[asyncio.Event], Awaitable[None]]
) -> Callable[[asyncio.Event], Awaitable[None]]:
    if leadership is None:
        return run
    return lambda stop: leadership.run(stop, run)
