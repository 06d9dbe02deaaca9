"""Applying the watcher's decisions: transitions with optimistic locking and an audit row carrying
the observed revision, status messages in one statement per batch, setup Jobs, Argo CD Secrets."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from kubernetes.client.exceptions import ApiException
from psycopg_pool import AsyncConnectionPool
from urllib3.exceptions import HTTPError

from storefleet.api.core import request_context
from storefleet.api.core.actor import Actor
from storefleet.api.db.pool import Connection
from storefleet.api.domain import lifecycle_service as lifecycle
from storefleet.api.domain import stores_repository
from storefleet.api.domain import stores_repository as repository
from storefleet.api.domain.lifecycle import StoreStatus
from storefleet.api.domain.lifecycle_service import Occurrence
from storefleet.api.metrics import registry as metrics
from storefleet.reconciler_watch.cluster import Cluster
from storefleet.reconciler_watch.credentials import credentials_secret
from storefleet.reconciler_watch.decide import Decision, StoreView, observed_event
from storefleet.reconciler_watch.observed import Observed, SetupJob
from storefleet.reconciler_watch.setup_job import SetupTemplateError, build_job
from storefleet.reconciler_watch.storefront_key import publishable_key, storefront_key_secret

if TYPE_CHECKING:
    from storefleet.reconciler_watch.watcher import WatcherConfig

log = logging.getLogger(__name__)
WATCHER = Actor.system("watcher")
# The transitions of a batch share a transaction (one commit, not one per store); at most this many,
# so that API calls on those stores wait for the row locks only briefly.
TRANSITIONS_PER_COMMIT = 100
# Setup Jobs created at the same time: each waits on two API calls, so a wave of stores turning
# healthy together is not served one Job after another.
SETUP_CONCURRENCY = 4
Decided = tuple[dict[str, Any], StoreView, Decision, Observed]


class StoreUpdater:
    def __init__(self, pool: AsyncConnectionPool[Any], cluster: Cluster, config: WatcherConfig) -> None:
        self._pool, self._cluster, self._config = pool, cluster, config
        self._secrets_ensured: set[str] = set()
        self._keys_published: set[str] = set()  # setup Job names

    async def apply(self, decided: list[Decided]) -> None:
        messages: dict[str, tuple[str, str]] = {}
        moves: list[Decided] = []
        started = await self._start_setups([(row, view) for row, view, d, _ in decided if d.start_setup])
        for row, view, decision, observed in decided:
            decision = started.get(row["id"], decision)
            if decision.status is None:
                messages[row["id"]] = (row["status"], decision.message)
            else:
                moves.append((row, view, decision, observed))
        for start in range(0, len(moves), TRANSITIONS_PER_COMMIT):
            await self._transitions(moves[start : start + TRANSITIONS_PER_COMMIT])
        if messages:
            async with self._pool.connection() as conn:
                await lifecycle.set_progress(conn, messages)

    async def _transitions(self, moves: list[Decided]) -> None:
        """Several transitions in one transaction. A store that moved meanwhile is skipped before
        anything is written for it, so the others still commit."""
        async with self._pool.connection() as conn, conn.transaction():
            made = [move for move in moves if await self._transition(conn, *move)]
        for row, _, decision, _ in made:
            self._transitioned(row, decision)

    async def _transition(
        self, conn: Connection, row: dict[str, Any], view: StoreView, decision: Decision, observed: Observed
    ) -> bool:
        assert decision.status is not None
        detail = {"reason": decision.reason, "observed_revision": observed.revision}
        store = await stores_repository.get_store(conn, row["id"], for_update=True)
        if store is None or store["status"] != row["status"]:
            return False  # it moved while we looked (an API call, another watcher): judge it again later
        verdict = Occurrence(store, observed_event(decision), decision.message, decision.error, detail)
        with request_context.acting_for(row.get("last_request_id")):
            if await lifecycle.offer(conn, verdict, WATCHER) is None:
                return False
        if decision.status is StoreStatus.READY:
            await repository.record_ready(conn, row["id"], view.setup_key, observed.revision)
        return True

    @staticmethod
    def _transitioned(row: dict[str, Any], decision: Decision) -> None:
        if decision.status is StoreStatus.READY and row.get("committed_at"):
            metrics.RECONCILE_LAG.observe((datetime.now(UTC) - row["committed_at"]).total_seconds())
        if decision.reason == "setup_failed":
            metrics.SETUP_JOBS.labels(outcome="failed").inc()
        with request_context.acting_for(row.get("last_request_id")):
            log.info(
                "store %s: %s -> %s (%s)",
                row["id"],
                row["status"],
                decision.status,
                decision.reason,
                extra={
                    "store_id": row["id"],
                    "tenant": row["owner_id"],
                    "phase": str(decision.status),
                    "from_phase": row["status"],
                    "reason": decision.reason,
                },
            )

    async def _start_setups(self, stores: list[tuple[dict[str, Any], StoreView]]) -> dict[str, Decision]:
        """The setup Jobs of a batch, a few at a time (each is a read and a create in the cluster)."""
        limit = asyncio.Semaphore(SETUP_CONCURRENCY)

        async def start(row: dict[str, Any], view: StoreView) -> tuple[str, Decision]:
            async with limit:
                return row["id"], await self._start_setup(row, view)

        return dict(await asyncio.gather(*(start(row, view) for row, view in stores)))

    def _create_setup_job(self, row: dict[str, Any], view: StoreView) -> bool:
        store_id = row["id"]
        config_map = self._cluster.read_config_map(store_id, f"{store_id}-setup")
        job = build_job(
            config_map,
            store_id=store_id,
            tenant=row["owner_id"],
            key=view.setup_key,
            generation=view.setup_generation,
        )
        return self._cluster.create_job(store_id, job)

    async def _start_setup(self, row: dict[str, Any], view: StoreView) -> Decision:
        store_id = row["id"]
        try:
            created = await asyncio.to_thread(self._create_setup_job, row, view)
        except SetupTemplateError as exc:
            message = f"post-install setup cannot start: {exc}"
            return Decision(StoreStatus.FAILED, message, "setup_unavailable", error=message)
        except ApiException as exc:
            log.warning("store %s: could not create the setup Job: %s", store_id, exc.reason)
            return Decision(
                None, "post-install setup: waiting for the cluster to accept the Job", "setup_pending"
            )
        if created:
            metrics.SETUP_JOBS.labels(outcome="created").inc()
        return Decision(None, "running the post-install setup", "setup_started")

    async def publish_storefront_key(self, row: dict[str, Any], job: SetupJob) -> SetupJob:
        """Medusa: keep the publishable key the setup printed in Secret `<store>-storefront-key`,
        which the storefront mounts. A setup that reported no key has failed; a cluster error leaves
        the Job as if still running, so the next evaluation tries again."""
        store_id = row["id"]
        if job.name in self._keys_published:
            return job
        try:
            tail = await asyncio.to_thread(self._cluster.job_log_tail, store_id, job.name, 5)
            key = publishable_key(tail)
            if key is None:
                reason = "the setup reported no publishable API key"
                return replace(job, succeeded=False, failed=True, failure_reason=reason, log_tail=tail)
            secret = storefront_key_secret(store_id, row["owner_id"], key)
            await asyncio.to_thread(self._cluster.put_secret, store_id, secret)
        except (ApiException, HTTPError, OSError) as exc:
            log.warning("store %s: could not store the storefront key: %s", store_id, exc)
            return replace(job, succeeded=False)
        self._keys_published.add(job.name)
        return job

    def argo_secret_ensured(self, store_id: str) -> bool:
        return store_id in self._secrets_ensured

    def ensure_argo_secret(self, row: dict[str, Any], namespace_present: bool) -> bool:
        """Argo CD renders the chart without cluster access, so the credentials Secret must exist
        before the chart's pods start: create the namespace unless it exists (Argo CD adopts it when
        it syncs namespace.yaml) and the Secret (an existing one is kept: it holds the passwords the
        store's data was made with). Returns whether both exist now."""
        store_id = row["id"]
        labels = {"storefleet.io/store": store_id, "storefleet.io/tenant": row["owner_id"],
                  "app.kubernetes.io/managed-by": "storefleet"}  # fmt: skip
        try:
            if not namespace_present:
                self._cluster.create_namespace(store_id, labels)
            self._cluster.create_secret(
                store_id, credentials_secret(store_id, row["owner_id"], row["engine"])
            )
        except ApiException as exc:
            log.warning("store %s: could not create its credentials Secret: %s", store_id, exc.reason)
            return False
        self._secrets_ensured.add(store_id)
        return True
