"""The cluster watcher: informers feed store ids that changed; each batch of them is observed (reads
only: the informer caches, the fleet repo, a Job's log tail, and what the watcher's own actions already
did), decided (`decide`, pure), and acted on (`apply.StoreUpdater`: the decisions' actions, then
transitions and messages) — the I/O around the pure core. Rotations of stores' admin passwords are
carried on beside it (`rotator.Rotator`): they are not lifecycle events.

Triggers: a watch event on a store's HelmRelease/Application, setup or rotation Job or namespace, or
a change of what the pod cache keeps of one of its pods; a move of the Flux Kustomization (a new
fleet revision applied: every converging store); a push (the writer's NOTIFY: nudge the applier); a
periodic tick over every converging store and every rotation in progress (timeouts, stores the
writer just committed, rotations just requested); and, for a store degraded by a crash loop, the
end of its window (`pod_health.signal_ends`: nothing else happens then).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import partial
from typing import Any

import psycopg
from psycopg_pool import AsyncConnectionPool

from storefleet.api.domain import stores_repository as repository
from storefleet.api.domain.lifecycle import StoreStatus as S
from storefleet.api.domain.store_rows import ConvergingStore
from storefleet.api.fleet.reader import FleetReader
from storefleet.api.fleet.service import FLEET_PUSHED_CHANNEL
from storefleet.api.metrics import registry as metrics
from storefleet.reconciler_watch.ancestry import Ancestry
from storefleet.reconciler_watch.apply import StoreUpdater
from storefleet.reconciler_watch.cluster import (
    APPLICATIONS,
    HELMRELEASES,
    NAMESPACES,
    ROTATION_JOBS,
    SETUP_JOBS,
    STORE_PODS,
    Cluster,
    Resource,
    kustomizations,
    restores,
)
from storefleet.reconciler_watch.codecs import (
    JOB_RECORDS,
    JSON_OBJECTS,
    NAMESPACE_RECORDS,
    RELEASE_RECORDS,
    Codec,
)
from storefleet.reconciler_watch.decide import Decision, StoreView, Timeouts, decide
from storefleet.reconciler_watch.decision import simulated
from storefleet.reconciler_watch.informer import Informer, Transform
from storefleet.reconciler_watch.move import TargetRelease
from storefleet.reconciler_watch.mover import Mover
from storefleet.reconciler_watch.namespace_limits import LIMITS_UNREAD
from storefleet.reconciler_watch.nudge import Nudger
from storefleet.reconciler_watch.observation_reads import ObservationReads
from storefleet.reconciler_watch.observed import (
    Observed,
    store_view,
)
from storefleet.reconciler_watch.pod_health import (
    ContainerCrash,
    CrashLoopRule,
    WindowEnds,
    slim_pod,
    store_crashes,
)
from storefleet.reconciler_watch.probe_loop import ProbeLoop
from storefleet.reconciler_watch.rotator import Rotator

log = logging.getLogger(__name__)
_ALL = "*"
LIMIT_READS = 8  # namespaces whose limits are read at the same time (two GETs each)
# Stores judged per batch of an evaluation: each batch's rows (with their specs), observations and
# verdicts are freed before the next batch is read, whatever the number of stores.
EVALUATION_BATCH = 1000


@dataclass(frozen=True)
class WatcherConfig:
    engine: str  # flux | argocd
    timeouts: Timeouts = field(default_factory=Timeouts)
    flux_namespace: str = "flux-system"
    flux_kustomization: str = "tenants"
    flux_source: str = "fleet"
    argocd_namespace: str = "argocd"
    tick_s: float = 5.0
    resync_interval_s: float = 300.0
    watch_timeout_s: int = 300
    velero_namespace: str | None = None  # with backups on: where the platform's Restores are
    crash_loop: CrashLoopRule = field(default_factory=CrashLoopRule)  # off: no pod cache at all
    # the stores this watcher judges (stores_repository._scope_filter): None, all of them; with
    # several clusters, the settings cluster's ("settings") or one cluster's, by id
    scope: str | None = None
    simulated: bool = False  # the simulated cluster of `up --demo-cluster`: every message says so


class ClusterWatcher(ObservationReads):
    def __init__(
        self,
        pool: AsyncConnectionPool[Any],
        conninfo: str,
        cluster: Cluster,
        reader: FleetReader,
        config: WatcherConfig,
        probe: ProbeLoop | None = None,
        ancestry: Ancestry | None = None,
    ) -> None:
        self._pool, self._conninfo, self._cluster, self._reader, self.config = (
            pool,
            conninfo,
            cluster,
            reader,
            config,
        )
        self._applier = HELMRELEASES if config.engine == "flux" else APPLICATIONS
        resources = [self._applier, SETUP_JOBS, ROTATION_JOBS, NAMESPACES]
        if config.engine == "flux":
            resources.append(kustomizations(config.flux_namespace))
        # Without Velero's API served the Restores are never listed: nothing waits for them (a
        # restoring store then waits for its Restore, up to its timeout).
        self._restores = restores(config.velero_namespace) if config.velero_namespace else None
        if self._restores is not None:
            resources.append(self._restores)
        # Every pod of every store, cluster-wide: only its crash facts are kept (pod_health.slim_pod).
        self._pods = STORE_PODS if config.crash_loop.enabled else None
        if self._pods is not None:
            resources.append(self._pods)
        self.informers = {
            r.key: Informer(cluster, r, self._sink(r), watch_timeout_s=config.watch_timeout_s,
                            resync_interval_s=config.resync_interval_s, transform=self._transform(r),
                            codec=_codec(r), by_namespace=r in (SETUP_JOBS, ROTATION_JOBS, STORE_PODS))
            for r in resources
        }  # fmt: skip
        self.nudger = Nudger(cluster, config)
        self.updater = StoreUpdater(pool, cluster, config, self.nudger)
        rotation_jobs = self.informers[ROTATION_JOBS.key].in_namespace
        self.rotator = Rotator(
            pool, cluster, config.engine, rotation_jobs, self._drift_detection, self._log_tail, config.scope
        )
        self.mover = Mover(
            pool, cluster, config.velero_namespace, self._cached_restore, self._judge_target,
            config.timeouts.move_stage, config.scope,
        )  # fmt: skip
        self._dirty: set[str] = set()
        # Store ids the informer threads named since the loop last looked: a set under a lock, and
        # one wake-up of the loop when it stops being empty, not one callback per event (a first
        # list names every store's every object at once).
        self._named: set[str] = set()
        self._named_lock = threading.Lock()
        self._window_ends = WindowEnds(config.crash_loop)  # degraded stores to judge again, and when
        self._wake = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ancestry = ancestry if ancestry is not None else Ancestry()
        self.probe = probe
        self.evaluations = 0

    def _transform(self, resource: Resource) -> Transform | None:
        """Of pods, the cache keeps their crash facts; of the other kinds what their codec decoded."""
        if resource == self._pods:
            return partial(slim_pod, restarts=self.config.crash_loop.restarts)
        return None

    # ---- events from the informer threads -------------------------------------------------------------
    def _sink(self, resource: Resource) -> Any:
        kustomization = resource.plural == "kustomizations"
        counters: dict[str, Any] = {}  # the metric's child per event type, looked up once

        def on_event(kind: str, store: str | None) -> None:
            counter = counters.get(kind)
            if counter is None:
                counter = counters[kind] = metrics.WATCHER_EVENTS.labels(resource=resource.plural, type=kind)
            counter.inc()
            store = _ALL if kustomization else store
            if not store:
                return
            with self._named_lock:
                first = not self._named
                self._named.add(store)
            if first and self._loop is not None:
                self._loop.call_soon_threadsafe(self._wake.set)

        return on_event

    def _take_named(self) -> set[str]:
        with self._named_lock:
            named, self._named = self._named, set()
        return named

    def _mark(self, store_id: str) -> None:
        self._dirty.add(store_id)
        self._wake.set()

    # ---- the loop --------------------------------------------------------------------------------------
    async def run(self, stop: asyncio.Event) -> None:
        self._loop = asyncio.get_running_loop()
        halt = threading.Event()
        threads = [
            threading.Thread(
                target=informer.run, args=(halt,), name=f"watch-{informer.resource.plural}", daemon=True
            )
            for informer in self.informers.values()
        ]
        for thread in threads:
            thread.start()
        tasks = [asyncio.create_task(self._follow_pushes(stop), name="watch-pushes")]
        if self.probe is not None:
            tasks.append(asyncio.create_task(self.probe.run(stop, self._mark), name="watch-probe"))
        try:
            await self._wait_synced(stop)
            await self._serve(stop)
        finally:
            halt.set()
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def _wait_synced(self, stop: asyncio.Event) -> None:
        """Until every informer has listed once, or a stop (an unreachable cluster must not hold it).
        Pods unless the platform may not list them: the crash-loop signal is then off."""
        optional = {self._restores.key} if self._restores is not None else set()
        required = [i for key, i in self.informers.items() if key not in optional]
        while not stop.is_set() and not all(
            i.synced.is_set() or (i.resource == self._pods and i.forbidden) for i in required
        ):
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=0.1)

    async def _serve(self, stop: asyncio.Event) -> None:
        self._dirty.add(_ALL)
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self.config.tick_s)
            self._wake.clear()
            self._dirty |= self._take_named()
            dirty, self._dirty = (self._dirty or {_ALL}) | self._window_ends.due(datetime.now(UTC)), set()
            named = sorted(dirty - {_ALL})
            try:
                if _ALL in dirty:  # every converging store, and the running ones named with it
                    await self.evaluate(None, also=named)
                else:
                    await self.evaluate(named)
            except (psycopg.Error, OSError) as exc:
                log.warning("watcher: could not evaluate stores (%s); retrying", exc)
                self._dirty |= dirty
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=1.0)

    async def _follow_pushes(self, stop: asyncio.Event) -> None:
        """Nudge the applier after every push of the fleet writer (any process) — best effort."""
        while not stop.is_set():
            try:
                async with await psycopg.AsyncConnection.connect(self._conninfo, autocommit=True) as conn:
                    await conn.execute(f"LISTEN {FLEET_PUSHED_CHANNEL}")
                    async for _ in conn.notifies():
                        await asyncio.to_thread(self.nudger.fleet_changed)
            except (psycopg.Error, OSError) as exc:
                log.info("watcher: push notifications interrupted (%s)", exc)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=2.0)

    # ---- one evaluation --------------------------------------------------------------------------------
    async def evaluate(self, store_ids: list[str] | None, also: list[str] | None = None) -> int:
        """Observe, decide and act for these stores (None: every converging store, and those of
        `also`, running ones included), then their rotations. In batches (`EVALUATION_BATCH`)."""
        count = 0
        async for rows in self._batches(store_ids, also or []):
            count += await self._judge(rows)
        await self.rotator.evaluate(store_ids)  # not lifecycle events: carried on beside them
        await self.mover.evaluate(store_ids)
        return count

    async def _batches(
        self, store_ids: list[str] | None, also: list[str]
    ) -> AsyncIterator[list[ConvergingStore]]:
        """The rows to judge, a batch at a time, each read when the one before was judged: the named
        stores, or every converging store (by id) and then those of `also` not among them."""
        named = store_ids if store_ids is not None else []
        if store_ids is None:
            listed: set[str] = set()
            after: str | None = None
            while True:
                async with self._pool.connection() as conn:
                    rows = await repository.converging_stores(
                        conn, None, self.config.scope, after=after, limit=EVALUATION_BATCH
                    )
                if rows:
                    listed.update(row.id for row in rows)
                    after = rows[-1].id
                    yield rows
                if len(rows) < EVALUATION_BATCH:
                    break
            named = [store_id for store_id in also if store_id not in listed]
        for start in range(0, len(named), EVALUATION_BATCH):
            async with self._pool.connection() as conn:
                rows = await repository.converging_stores(
                    conn, named[start : start + EVALUATION_BATCH], self.config.scope
                )
            if rows:
                yield rows

    async def _judge(self, rows: list[ConvergingStore]) -> int:
        """Observe, decide and act for one batch of stores; the number of verdicts."""
        now = datetime.now(UTC)
        judged = []
        for row in rows:
            if row.change_pending:
                continue  # the writer has not committed the latest change yet: nothing to judge
            view = store_view(row)
            observed = await self._observe(row, view, now)
            decision = self._decide(observed, view)
            if view.status is S.DEGRADED or (decision is not None and decision.status is S.DEGRADED):
                self._window_ends.note(view.id, observed.pod_crashes, now)
            judged.append((row, view, decision, observed))
            self.evaluations += 1
        # The stores that wait for their namespace limits are read and acted on after the others:
        # a batch's other verdicts do not wait for those reads.
        waiting = [item for item in judged if _waits_for_limits(item[2])]
        count = await self._act([item for item in judged if not _waits_for_limits(item[2])])
        if waiting:
            count += await self._act(await self._with_limits(waiting))
        return count

    async def _act(self, judged: list[tuple[ConvergingStore, StoreView, Decision | None, Observed]]) -> int:
        decided = [(row, view, decision, obs) for row, view, decision, obs in judged if decision is not None]
        acted = await self.updater.act(decided)
        await self.updater.apply(acted.decided)
        for store_id in acted.unblocked:
            self._mark(store_id)  # its next step is possible now: judge it at once, not at the tick
        return len(decided)

    def _decide(self, observed: Observed, view: StoreView) -> Decision | None:
        decision = decide(observed, view, self.config.timeouts, self.config.crash_loop)
        return simulated(decision) if decision is not None and self.config.simulated else decision

    # ---- a store's copy moving onto this cluster (mover.py) --------------------------------------------
    def _cached_restore(self, name: str) -> dict[str, Any] | None:
        if self._restores is None:
            return None
        found: dict[str, Any] | None = self.informers[self._restores.key].get(
            self._restores.namespace or "", name
        )
        return found

    async def _judge_target(self, row: ConvergingStore) -> TargetRelease:
        """The moving store's release here, judged as an update to the target directory's spec (its
        actions, e.g. Argo CD's credentials Secret, carried out); its status is never written."""
        view = store_view(row)
        observed = await self._observe(row, view, datetime.now(UTC))
        decision = self._decide(observed, view)
        if _waits_for_limits(decision):
            observed = await self._observe_limits(view, observed)
            decision = self._decide(observed, view)
        if decision is not None and decision.actions:
            await self.updater.act([(row, view, decision, observed)])
        if decision is None:
            return TargetRelease("working", "waiting for the cluster")
        if decision.status is S.READY:
            return TargetRelease("ready", decision.message)
        return TargetRelease("failed" if decision.status is S.FAILED else "working", decision.message)

    # ---- the crash-loop signal (pod_health.py) ---------------------------------------------------------
    def _crashes(self, store_id: str) -> tuple[ContainerCrash, ...]:
        """The store's crash facts from the pod cache (its pods live in its namespace); none when
        pods are not watched (the signal is off) or may not be (403)."""
        pods = self.informers[self._pods.key] if self._pods is not None else None
        if pods is None or pods.forbidden:
            return ()
        return store_crashes(pods.in_namespace(store_id), store_id)

    async def _observe(self, row: ConvergingStore, view: StoreView, now: datetime) -> Observed:
        """What `decide` needs about the store. Reads only: every cluster write is an action."""
        store_id = row.id
        applier, revision = await self._observe_applier(view)
        observed = Observed(
            now,
            applier,
            namespace_present=self.informers[NAMESPACES.key].get("", store_id) is not None,
            revision=revision,
            # Argo CD renders without cluster access; Flux's chart makes the Secret itself.
            credentials_ready=self.config.engine != "argocd" or self.updater.credentials_ensured(store_id),
            retry_nudged=self.nudger.retry_sent(view.retry_token),
            probe_failure=self.probe.book.failure(store_id) if self.probe is not None else None,
        )
        if view.setup_done_key != view.setup_key:
            observed = await self._observe_setup(view, observed)
        if row.status in repository.RUNNING:
            observed = replace(observed, pod_crashes=self._crashes(store_id))
        if row.status == "restoring" and view.restore_stage is not None:
            observed = await self._observe_restore(view, observed)
        if row.status == "deleting" and view.final_backup:
            return await self._observe_final_backup(view, observed)
        if row.status == "deleting" and now - view.since > self.config.timeouts.deletion:
            leftovers = tuple(await asyncio.to_thread(self._cluster.leftovers, store_id))
            observed = replace(observed, leftovers=leftovers)
        return observed

    async def _with_limits(
        self, judged: list[tuple[ConvergingStore, StoreView, Decision | None, Observed]]
    ) -> list[tuple[ConvergingStore, StoreView, Decision | None, Observed]]:
        """The stores whose verdict waits for their namespace limits (the post-install check), judged
        again once those are read: a few at a time, since a wave of stores turns healthy together."""
        limit = asyncio.Semaphore(LIMIT_READS)

        async def again(item: tuple[ConvergingStore, StoreView, Decision | None, Observed]) -> Any:
            row, view, decision, observed = item
            if not _waits_for_limits(decision):
                return item
            async with limit:
                observed = await self._observe_limits(view, observed)
            return row, view, self._decide(observed, view), observed

        return list(await asyncio.gather(*(again(item) for item in judged)))


def _codec(resource: Resource) -> Codec[Any]:
    """HelmReleases, Jobs and namespaces (one or two per store) decode into typed records of what the
    watcher reads; the other kinds as plain JSON (an Application's spec is read whole)."""
    if resource == HELMRELEASES:
        return RELEASE_RECORDS
    if resource in (SETUP_JOBS, ROTATION_JOBS):
        return JOB_RECORDS
    if resource == NAMESPACES:
        return NAMESPACE_RECORDS
    return JSON_OBJECTS


def _waits_for_limits(decision: Decision | None) -> bool:
    return decision is not None and decision.reason == LIMITS_UNREAD
