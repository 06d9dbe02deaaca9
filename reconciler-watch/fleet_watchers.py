"""One cluster watcher per registered cluster the platform can read, each led by one replica
(`api/db/leadership.py`, keyed by the cluster's name): replicas divide the clusters between them,
and a replica's death hands its clusters over within the leadership's bound.

Every `WATCH_CLUSTERS_INTERVAL_S` the clusters are read again: a cluster registered since gets a
watcher, a removed one loses it, one whose applier or access changed gets a new one. A cluster whose
client cannot be built (a missing kubeconfig file or Secret, a bad context) is retried at the next
read and reported in health meanwhile.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg_pool import AsyncConnectionPool

from storefleet.api.db.leadership import Leadership, current_leader
from storefleet.api.domain.cluster_access import ClusterReach, record_reach, watchable_clusters
from storefleet.reconciler_watch.watcher import ClusterWatcher

log = logging.getLogger(__name__)

Build = Callable[[ClusterReach], ClusterWatcher]  # raises ValueError when the client cannot be built
Lead = Callable[[ClusterReach], Leadership]


@dataclass
class _Watched:
    access: ClusterReach
    watcher: ClusterWatcher
    leadership: Leadership
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None


class ClusterWatchers:
    def __init__(
        self, pool: AsyncConnectionPool[Any], build: Build, lead: Lead, interval_s: float = 30.0
    ) -> None:
        self._pool, self._build, self._lead, self._interval_s = pool, build, lead, interval_s
        self.watched: dict[str, _Watched] = {}
        self.unbuildable: dict[str, str] = {}  # cluster name: why its client could not be built

    async def run(self, stop: asyncio.Event) -> None:
        try:
            while not stop.is_set():
                try:
                    async with self._pool.connection() as conn:
                        clusters = await watchable_clusters(conn)
                    await self._reconcile(clusters)
                    async with self._pool.connection() as conn:
                        await record_reach(conn, *self._reach(clusters))
                except (psycopg.Error, OSError) as exc:
                    log.warning("cluster watchers: cannot read the clusters (%s); retrying", exc)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=self._interval_s)
        finally:
            await asyncio.gather(*(self._end(name) for name in list(self.watched)))

    async def _reconcile(self, clusters: list[ClusterReach]) -> None:
        wanted = {cluster.name: cluster for cluster in clusters}
        for name, watched in list(self.watched.items()):
            if name not in wanted or wanted[name].version != watched.access.version:
                await self._end(name)
        for name, cluster in wanted.items():
            if name not in self.watched:
                self._start(cluster)

    def _start(self, cluster: ClusterReach) -> None:
        try:
            watcher = self._build(cluster)
        except ValueError as exc:
            if self.unbuildable.get(cluster.name) != str(exc):
                log.error("cluster watchers: cannot read cluster %s: %s", cluster.name, exc)
            self.unbuildable[cluster.name] = str(exc)
            return
        self.unbuildable.pop(cluster.name, None)
        watched = _Watched(cluster, watcher, self._lead(cluster))
        watched.task = asyncio.create_task(self._guard(watched), name=f"watch-cluster-{cluster.name}")
        self.watched[cluster.name] = watched
        log.info("cluster watchers: watching %s (%s)", cluster.name, cluster.applier)

    async def _guard(self, watched: _Watched) -> None:
        # a crash of one cluster's watcher is logged and restarted; the other clusters go on
        while not watched.stop.is_set():
            try:
                await watched.leadership.run(watched.stop, watched.watcher.run)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("cluster watcher of %s crashed; restarting in 1s", watched.access.name)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(watched.stop.wait(), timeout=1.0)

    async def _end(self, name: str) -> None:
        watched = self.watched.pop(name)
        watched.stop.set()
        if watched.task is not None:
            await asyncio.gather(watched.task, return_exceptions=True)

    def _reach(self, clusters: list[ClusterReach]) -> tuple[list[str], dict[str, str]]:
        """(reached, unreachable by id) as this process sees them: the clusters it leads whose watches
        are all synced, and those it leads with a failing watch or cannot build a client for. A
        cluster led elsewhere is its leader's to report; one still syncing is not judged yet."""
        reached: list[str] = []
        unreachable: dict[str, str] = {}
        for cluster in clusters:
            if cluster.name in self.unbuildable:
                unreachable[cluster.id] = self.unbuildable[cluster.name]
                continue
            watched = self.watched.get(cluster.name)
            if watched is None or not watched.leadership.leading or watched.access.version != cluster.version:
                continue
            informers = list(watched.watcher.informers.values())
            errors = [i.last_error for i in informers if i.last_error is not None]
            if errors:
                unreachable[cluster.id] = str(errors[0])
            elif informers and all(i.synced.is_set() for i in informers):
                reached.append(cluster.id)
        return reached, unreachable

    async def health(self) -> tuple[bool, dict[str, Any]]:
        """(degraded, details): per cluster, who leads its watching and, where this process leads,
        its watches; the clusters whose client could not be built."""
        details: dict[str, Any] = {}
        degraded = bool(self.unbuildable)
        for name, watched in sorted(self.watched.items()):
            lead = watched.leadership
            if not lead.leading:
                async with self._pool.connection() as conn:
                    leader = await current_leader(conn, lead.role, lead.name)
                details[name] = {"role": "standby", "leader": leader.holder if leader else None}
                continue
            watches = {
                informer.resource.plural: {
                    "synced": informer.synced.is_set(),
                    "resource_version": informer.resource_version,
                    "error": informer.last_error,
                }
                for informer in watched.watcher.informers.values()
            }
            degraded = degraded or any(w["error"] is not None or not w["synced"] for w in watches.values())
            details[name] = {"role": "leader", "leader": lead.identity, "engine": watched.access.applier,
                             "watches": watches}  # fmt: skip
        for name, why in sorted(self.unbuildable.items()):
            details[name] = {"role": "unreadable", "error": why}
        return degraded, details
