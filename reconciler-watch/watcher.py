"""The cluster watcher: informers feed store ids that changed; each batch of them is observed (reads
only: the informer caches, the fleet repo, a Job's log tail, and what the watcher's own actions already
did), decided (`decide`, pure), and acted on (`apply.StoreUpdater`: the decisions' actions, then
transitions and messages) — the I/O around the pure core.

Triggers: a watch event on a store's HelmRelease/Application, setup Job or namespace; a move of the
Flux Kustomization (a new fleet revision applied: every converging store); a push (the writer's
NOTIFY: nudge the applier); and a periodic tick over every converging store (timeouts, stores the
writer just committed).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

import psycopg
from kubernetes.client.exceptions import ApiException
from psycopg_pool import AsyncConnectionPool
from urllib3.exceptions import HTTPError

from storefleet.api.domain import stores_repository as repository
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
    SETUP_JOBS,
    STORE_LABEL,
    Cluster,
    Resource,
    kustomizations,
    restores,
)
from storefleet.reconciler_watch.decide import Decision, StoreView, Timeouts, decide
from storefleet.reconciler_watch.informer import Informer
from storefleet.reconciler_watch.namespace_limits import LIMITS_UNREAD, expected_limits
from storefleet.reconciler_watch.nudge import Nudger
from storefleet.reconciler_watch.observed import (
    ArgoApp,
    FluxRelease,
    Observed,
    argo_revision,
    parse_application,
    parse_helmrelease,
    parse_job,
)
from storefleet.reconciler_watch.restore import CLEARING, RESTORING, Clearing, parse_restore
from storefleet.reconciler_watch.setup_job import setup_job_name, setup_key
from storefleet.reconciler_watch.storefront_key import KEY_REPORTING_ENGINE, publishable_key
from storefleet.renderer.names import chart_instance

log = logging.getLogger(__name__)
_ALL = "*"
LIMIT_READS = 8  # namespaces whose limits are read at the same time (two GETs each)


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


class ClusterWatcher:
    def __init__(
        self,
        pool: AsyncConnectionPool[Any],
        conninfo: str,
        cluster: Cluster,
        reader: FleetReader,
        config: WatcherConfig,
    ) -> None:
        self._pool, self._conninfo, self._cluster, self._reader, self.config = (
            pool,
            conninfo,
            cluster,
            reader,
            config,
        )
        self._applier = HELMRELEASES if config.engine == "flux" else APPLICATIONS
        resources = [self._applier, SETUP_JOBS, NAMESPACES]
        if config.engine == "flux":
            resources.append(kustomizations(config.flux_namespace))
        # Without Velero's API served the Restores are never listed: nothing waits for them (a
        # restoring store then waits for its Restore, up to its timeout).
        self._restores = restores(config.velero_namespace) if config.velero_namespace else None
        if self._restores is not None:
            resources.append(self._restores)
        self.informers = {
            r.key: Informer(cluster, r, self._sink(r), watch_timeout_s=config.watch_timeout_s,
                            resync_interval_s=config.resync_interval_s)
            for r in resources
        }  # fmt: skip
        self.nudger = Nudger(cluster, config)
        self.updater = StoreUpdater(pool, cluster, config, self.nudger)
        self._dirty: set[str] = set()
        self._wake = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ancestry = Ancestry()
        self.evaluations = 0

    # ---- events from the informer threads -------------------------------------------------------------
    def _sink(self, resource: Resource) -> Any:
        kustomization = resource.plural == "kustomizations"

        def on_event(kind: str, obj: dict[str, Any]) -> None:
            metrics.WATCHER_EVENTS.labels(resource=resource.plural, type=kind).inc()
            labels = (obj.get("metadata") or {}).get("labels") or {}
            store = _ALL if kustomization else labels.get(STORE_LABEL)
            if store and self._loop is not None:
                self._loop.call_soon_threadsafe(self._mark, str(store))

        return on_event

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
        pushes = asyncio.create_task(self._follow_pushes(stop), name="watch-pushes")
        try:
            await self._wait_synced(stop)
            await self._serve(stop)
        finally:
            halt.set()
            pushes.cancel()
            await asyncio.gather(pushes, return_exceptions=True)

    async def _wait_synced(self, stop: asyncio.Event) -> None:
        """Until every informer has listed once, or a stop (an unreachable cluster must not hold it)."""
        optional = {self._restores.key} if self._restores is not None else set()
        required = [i for key, i in self.informers.items() if key not in optional]
        while not stop.is_set() and not all(i.synced.is_set() for i in required):
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=0.1)

    async def _serve(self, stop: asyncio.Event) -> None:
        self._dirty.add(_ALL)
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self.config.tick_s)
            self._wake.clear()
            dirty, self._dirty = self._dirty or {_ALL}, set()
            try:
                await self.evaluate(None if _ALL in dirty else sorted(dirty))
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
    async def evaluate(self, store_ids: list[str] | None) -> int:
        """Observe, decide and act for these stores (None: every converging store)."""
        async with self._pool.connection() as conn:
            rows = await repository.converging_stores(conn, store_ids)
        now = datetime.now(UTC)
        judged = []
        for row in rows:
            if row.change_pending:
                continue  # the writer has not committed the latest change yet: nothing to judge
            view = store_view(row)
            observed = await self._observe(row, view, now)
            judged.append((row, view, decide(observed, view, self.config.timeouts), observed))
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
        )
        if view.setup_done_key != view.setup_key:
            observed = await self._observe_setup(view, observed)
        if row.status == "restoring" and view.restore_stage is not None:
            observed = await self._observe_restore(view, observed)
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
            return row, view, decide(observed, view, self.config.timeouts), observed

        return list(await asyncio.gather(*(again(item) for item in judged)))

    async def _observe_limits(self, view: StoreView, observed: Observed) -> Observed:
        """The post-install check's facts, read fresh only when `decide` asked for them (a healthy
        release at its install commit, no setup Job yet): its namespace's ResourceQuota and LimitRange.
        Unreadable now: unread, so the store is judged again at the next evaluation."""
        try:
            found = await asyncio.to_thread(self._cluster.namespace_limits, view.id, view.chart_instance)
        except (ApiException, HTTPError, OSError) as exc:
            log.warning("watcher: cannot read the limits of store %s: %s", view.id, exc)
            return observed
        return replace(observed, namespace_limits=found)

    async def _observe_applier(self, view: StoreView) -> tuple[FluxRelease | ArgoApp | None, str | None]:
        raw = self._applier_object(view.id)
        if raw is None:
            return None, None
        revision = self._applied_revision(raw)
        contains = await self._contains(view.last_commit_sha, revision)
        if self.config.engine == "flux":
            return parse_helmrelease(raw, contains), revision
        return parse_application(raw, contains), revision

    async def _observe_restore(self, view: StoreView, observed: Observed) -> Observed:
        """Stage clearing: whether the release and its volumes are gone, read fresh (watch events of
        two kinds come in no order, so no cache is joined). Stage restoring: the Restore the spec
        names, from its own cache."""
        if view.restore_stage == CLEARING:
            try:
                clearing = await asyncio.to_thread(self._clearing, view.id)
            except (ApiException, HTTPError, OSError) as exc:
                log.info("watcher: cannot read what is left of store %s: %s", view.id, exc)
                return observed
            return replace(observed, clearing=clearing)
        if view.restore_stage == RESTORING and self._restores is not None and view.restore_name:
            raw = self.informers[self._restores.key].get(self._restores.namespace or "", view.restore_name)
            return replace(observed, restore=parse_restore(raw) if raw is not None else None)
        return observed

    def _clearing(self, store_id: str) -> Clearing:
        namespace = store_id if self.config.engine == "flux" else self.config.argocd_namespace
        kind = "HelmRelease" if self.config.engine == "flux" else "Application"
        left = self._cluster.release_left(self._applier, namespace, store_id)
        return Clearing(f"{kind} {store_id}" if left else None, tuple(self._cluster.claims(store_id)))

    async def _observe_setup(self, view: StoreView, observed: Observed) -> Observed:
        """The store's setup Jobs from the cache: the pending change's Job (with its log tail once it
        failed, or succeeded with a storefront key to keep) and the others that still run."""
        pending = setup_job_name(view)
        jobs = [
            parse_job(raw) for raw in self.informers[SETUP_JOBS.key].in_namespace(view.id)
            if ((raw.get("metadata") or {}).get("labels") or {}).get(STORE_LABEL) == view.id
        ]  # fmt: skip
        active = tuple(sorted(job.name for job in jobs if not job.ended and job.name != pending))
        job = next((job for job in jobs if job.name == pending), None)
        published = job is not None and self.updater.key_published(job.name)
        wants_key = view.engine == KEY_REPORTING_ENGINE and not published
        key = None
        if job is not None and (job.failed or (job.succeeded and wants_key)):
            tail = await self._log_tail(view.id, job.name)
            if tail is None:  # not readable now: the Job stays undecided until it is
                job = replace(job, succeeded=False, failed=False)
            else:
                job = replace(job, log_tail=tail)
                key = publishable_key(tail) if job.succeeded else None
        return replace(
            observed, setup_job=job, setup_jobs_active=active, storefront_key=key, key_published=published
        )

    async def _log_tail(self, namespace: str, job_name: str) -> str | None:
        try:
            return await asyncio.to_thread(self._cluster.job_log_tail, namespace, job_name)
        except (ApiException, HTTPError, OSError) as exc:
            log.info("watcher: cannot read the log of Job %s/%s: %s", namespace, job_name, exc)
            return None

    def _applier_object(self, store_id: str) -> dict[str, Any] | None:
        namespace = store_id if self.config.engine == "flux" else self.config.argocd_namespace
        return self.informers[self._applier.key].get(namespace, store_id)

    def _applied_revision(self, raw: dict[str, Any]) -> str | None:
        if self.config.engine == "argocd":
            return argo_revision(raw)
        resource = kustomizations(self.config.flux_namespace)
        kustomization = self.informers[resource.key].get(
            self.config.flux_namespace, self.config.flux_kustomization
        )
        applied = ((kustomization or {}).get("status") or {}).get("lastAppliedRevision")
        return flux_revision_sha(applied)

    async def _contains(self, commit: str | None, revision: str | None) -> bool | None:
        if not commit or not revision:
            return None
        if not self._ancestry.known(revision):
            try:
                await self._reader.call(
                    lambda repo, _: self._ancestry.learn(revision, repo), fetch="never", needs=revision
                )
            except Exception as exc:  # an unknown revision (not fetched yet): undecided, not false
                log.info("watcher: cannot list the commits of %s: %s", revision[:12], exc)
                return None
        return self._ancestry.contains(revision, commit)


def flux_revision_sha(revision: Any) -> str | None:
    """`main@sha1:<sha>` (Flux v2 source revisions) or a bare sha -> the sha."""
    if not isinstance(revision, str) or not revision:
        return None
    return revision.rsplit(":", 1)[-1] if ":" in revision else revision.rsplit("/", 1)[-1]


def _waits_for_limits(decision: Decision | None) -> bool:
    return decision is not None and decision.reason == LIMITS_UNREAD


def store_view(row: ConvergingStore) -> StoreView:
    restore = (row.spec or {}).get("restore") or {}
    since = row.status_changed_at
    if row.committed_at and row.committed_at > since:
        since = row.committed_at  # a change committed after the status changed restarts the clock
    return StoreView(
        id=row.id,
        status=row.status,
        last_commit_sha=row.last_commit_sha,
        since=since,
        setup_key=setup_key(row.spec),
        setup_done_key=row.setup_done_key,
        status_message=row.status_message,
        retry_token=row.retry_token,
        retry_requested_at=row.retry_requested_at,
        spec_hash=row.spec_hash,
        setup_generation=row.setup_generation,
        setup_started_key=row.setup_started_key,
        engine=row.engine,
        restore_name=restore.get("name"),
        restore_stage=restore.get("stage"),
        limits_expected=expected_limits(row.spec),
        instance=chart_instance(row.id, row.spec),
        restored_from_backup=bool((row.spec or {}).get("restored_from")),
    )
