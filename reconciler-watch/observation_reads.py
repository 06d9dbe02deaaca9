"""The watcher's reads for one store's observation, apart from its loop (`watcher.py`): the applier's
object and the fleet revision it applied, the setup Jobs with a failed Job's log tail, a restore's
stage, the namespace limits. Reads only: every cluster write is an action (`apply.py`). A mixin of
`ClusterWatcher`, which owns the caches and clients it reads through."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from typing import Any

from kubernetes.client.exceptions import ApiException
from urllib3.exceptions import HTTPError

from storefleet.api.fleet.reader import FleetReader
from storefleet.reconciler_watch.ancestry import Ancestry
from storefleet.reconciler_watch.apply import StoreUpdater
from storefleet.reconciler_watch.cluster import SETUP_JOBS, Cluster, Resource, kustomizations
from storefleet.reconciler_watch.decide import StoreView
from storefleet.reconciler_watch.final_backup import VeleroBackup, parse_backup
from storefleet.reconciler_watch.informer import Informer
from storefleet.reconciler_watch.observed import (
    ArgoApp,
    FluxRelease,
    Observed,
    argo_revision,
    flux_revision_sha,
    parse_application,
    parse_helmrelease,
    parse_job,
)
from storefleet.reconciler_watch.restore import CLEARING, RESTORING, Clearing, parse_restore
from storefleet.reconciler_watch.setup_job import setup_job_name
from storefleet.reconciler_watch.storefront_key import KEY_REPORTING_ENGINE, publishable_key
from storefleet.reconciler_watch.wire import HelmReleaseObject

log = logging.getLogger("storefleet.reconciler_watch.watcher")


class ObservationReads:
    """Needs the host's cluster client, config, informers, fleet reader, ancestry, updater, applier
    kind and Restore kind."""

    _cluster: Cluster
    config: Any  # WatcherConfig (defined with the loop)
    informers: dict[str, Informer]
    _reader: FleetReader
    _ancestry: Ancestry
    updater: StoreUpdater
    _applier: Resource
    _restores: Resource | None

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
        found = self._applier_object(view.id)
        if found is None:
            return None, None
        revision = self._applied_revision(found)
        contains = await self._contains(view.last_commit_sha, revision)
        if isinstance(found, HelmReleaseObject):
            return parse_helmrelease(found, contains), revision
        return parse_application(found, contains), revision

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

    async def _observe_final_backup(self, view: StoreView, observed: Observed) -> Observed:
        """A store deleted with `keep_backup`: the final Backup its row names, read fresh by name.
        Unreadable now: unread (the store is judged again at the next evaluation)."""
        namespace = self.config.velero_namespace
        if not namespace or not view.final_backup:
            return observed
        try:
            raw = await asyncio.to_thread(self._cluster.velero_backup, namespace, view.final_backup)
        except (ApiException, HTTPError, OSError) as exc:
            log.info("watcher: cannot read the final backup of store %s: %s", view.id, exc)
            return replace(observed, final_backup=VeleroBackup(view.final_backup, phase=""))
        return replace(observed, final_backup=parse_backup(raw) if raw is not None else None)

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
            parse_job(record) for record in self.informers[SETUP_JOBS.key].in_namespace(view.id)
            if record.metadata.labels.store == view.id
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

    def _applier_object(self, store_id: str) -> HelmReleaseObject | dict[str, Any] | None:
        """The store's HelmRelease (its typed record) or Application (raw JSON), from the cache."""
        namespace = store_id if self.config.engine == "flux" else self.config.argocd_namespace
        found: HelmReleaseObject | dict[str, Any] | None
        found = self.informers[self._applier.key].get(namespace, store_id)
        return found

    def _drift_detection(self, store_id: str) -> dict[str, Any] | None:
        """The store's HelmRelease's `spec.driftDetection` (None: no such release, or none set)."""
        release = self._applier_object(store_id)
        return release.spec.drift_detection() if isinstance(release, HelmReleaseObject) else None

    def _applied_revision(self, found: HelmReleaseObject | dict[str, Any]) -> str | None:
        if isinstance(found, dict):
            return argo_revision(found)
        resource = kustomizations(self.config.flux_namespace)
        kustomization = self.informers[resource.key].get(
            self.config.flux_namespace, self.config.flux_kustomization
        )
        applied = ((kustomization or {}).get("status") or {}).get("lastAppliedRevision")
        return flux_revision_sha(applied)

    async def _contains(self, commit: str | None, revision: str | None) -> bool | None:
        if not commit or not revision:
            return None
        reachable = self._ancestry.reachable(revision)
        if reachable is None:
            try:
                reachable = await self._reader.call(
                    lambda repo, _: self._ancestry.learn(revision, repo), fetch="never", needs=revision
                )
            except Exception as exc:  # an unknown revision (not fetched yet): undecided, not false
                log.info("watcher: cannot list the commits of %s: %s", revision[:12], exc)
                return None
        return commit in reachable
