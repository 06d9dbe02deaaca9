"""Acting on the watcher's decisions: their actions first (Argo CD credentials Secrets, setup Jobs,
Medusa storefront keys, retry requests), each remembered once it succeeded; then transitions with
optimistic locking and an audit row carrying the observed revision, and status messages in one
statement per batch."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, assert_never

from kubernetes.client.exceptions import ApiException
from psycopg_pool import AsyncConnectionPool
from urllib3.exceptions import HTTPError

from storefleet.api.core import request_context
from storefleet.api.core.actor import Actor
from storefleet.api.domain import deletion_stages, restore_stages
from storefleet.api.domain import lifecycle_service as lifecycle
from storefleet.api.domain import stores_repository as repository
from storefleet.api.domain.lifecycle import StoreStatus
from storefleet.api.domain.lifecycle_service import Occurrence
from storefleet.api.domain.store_rows import ConvergingStore, StoreRow
from storefleet.api.metrics import registry as metrics
from storefleet.reconciler_watch.cluster import Cluster
from storefleet.reconciler_watch.credentials import credentials_secret
from storefleet.reconciler_watch.decide import (
    Action,
    AdvanceRestore,
    Decision,
    EnsureCredentials,
    PublishStorefrontKey,
    QueueRemoval,
    RequestRetry,
    StartSetup,
    StoreView,
    observed_event,
)
from storefleet.reconciler_watch.observed import Observed
from storefleet.reconciler_watch.setup_job import STORE_LABEL, SetupTemplateError, build_job
from storefleet.reconciler_watch.storefront_key import storefront_key_secret
from storefleet.renderer.names import chart_instance

if TYPE_CHECKING:
    from storefleet.reconciler_watch.nudge import Nudger
    from storefleet.reconciler_watch.watcher import WatcherConfig

log = logging.getLogger(__name__)
WATCHER = Actor.system("watcher")
# The transitions of a batch share a transaction (one commit, not one per store); at most this many,
# so that API calls on those stores wait for the row locks only briefly.
TRANSITIONS_PER_COMMIT = 100
# Stores acted for at the same time: an action waits on one or two API calls, so a wave of stores
# turning healthy together is not served one setup Job after another.
ACTION_CONCURRENCY = 4
ACTION_ERRORS = (ApiException, HTTPError, OSError)
Decided = tuple[ConvergingStore, StoreView, Decision, Observed]
_SETUP_PENDING = "post-install setup: waiting for the cluster to accept the Job"


@dataclass(frozen=True)
class Acted:
    """A batch once its actions ran: what is left to write, and the stores to judge again at once."""

    decided: list[Decided]  # transitions and changed messages, each with what its actions came to
    unblocked: frozenset[str]  # an action made the store's next step possible


class StoreUpdater:
    def __init__(
        self, pool: AsyncConnectionPool[Any], cluster: Cluster, config: WatcherConfig, nudger: Nudger
    ) -> None:
        self._pool, self._cluster, self._config, self._nudger = pool, cluster, config, nudger
        self._credentials_ensured: set[str] = set()  # store ids
        self._keys_published: set[str] = set()  # setup Job names

    # ---- what the actions already did (read when observing) -------------------------------------------
    def credentials_ensured(self, store_id: str) -> bool:
        return store_id in self._credentials_ensured

    def key_published(self, job_name: str) -> bool:
        return job_name in self._keys_published

    # ---- the actions ---------------------------------------------------------------------------------
    async def act(self, decided: list[Decided]) -> Acted:
        """Run the decisions' actions, a few stores at a time. A failed action is logged and leaves
        the store to be judged again; a decision whose message did not change is not written."""
        limit = asyncio.Semaphore(ACTION_CONCURRENCY)
        moved = await self._record_setup_starts(decided)

        async def run(row: ConvergingStore, decision: Decision) -> tuple[Decision | None, bool]:
            if row.id in moved:
                return None, True  # it moved since it was read: no Job, judge it again
            async with limit:
                return await self._act_for(row, decision)

        acting = [(row, decision) for row, _, decision, _ in decided if decision.actions]
        results = await asyncio.gather(*(run(row, decision) for row, decision in acting))
        outcomes = {row.id: result for (row, _), result in zip(acting, results, strict=True)}
        left: list[Decided] = []
        unblocked: set[str] = set()
        for row, view, planned, observed in decided:
            decision, again = outcomes.get(row.id, (planned, False))
            if again:
                unblocked.add(row.id)
            if decision is not None and (
                decision.status is not None or decision.message != row.status_message
            ):
                left.append((row, view, decision, observed))
        return Acted(left, frozenset(unblocked))

    async def _record_setup_starts(self, decided: list[Decided]) -> set[str]:
        """Record the batch's new setup starts before any of their Jobs is created, in one statement;
        returns the stores that moved since they were read (they get no Job)."""
        starts = [
            repository.SetupStart(row.id, action.key, action.generation, row.status,
                                  view.setup_generation, view.spec_hash)
            for row, view, decision, _ in decided
            for action in decision.actions
            if isinstance(action, StartSetup) and view.setup_started_key != action.key
        ]  # fmt: skip
        if not starts:
            return set()
        async with self._pool.connection() as conn:
            recorded = await repository.record_setup_starts(conn, starts)
        return {start.store_id for start in starts} - recorded

    async def _act_for(self, row: ConvergingStore, decision: Decision) -> tuple[Decision | None, bool]:
        """One store's actions in order, up to the first that fails: (what to write for the store,
        None for nothing; whether to judge it again at once)."""
        unblocked = False
        for action in decision.actions:
            try:
                outcome, again = await self._run(row, decision, action)
            except ACTION_ERRORS as exc:
                reason = exc.reason if isinstance(exc, ApiException) else exc
                log.warning("store %s: could not %s: %s", row.id, _describe(action), reason)
                pending = Decision(None, _SETUP_PENDING, "setup_pending")
                return (pending if isinstance(action, StartSetup) else decision), unblocked
            unblocked = unblocked or again
            if outcome is not decision:
                return outcome, unblocked
        return decision, unblocked

    async def _run(
        self, row: ConvergingStore, decision: Decision, action: Action
    ) -> tuple[Decision | None, bool]:
        store_id = row.id
        match action:
            case EnsureCredentials():
                await asyncio.to_thread(self._ensure_credentials, row, action)
                self._credentials_ensured.add(store_id)
                return decision, True
            case StartSetup():
                return await self._start_setup(row, decision, action)
            case PublishStorefrontKey():
                secret = storefront_key_secret(store_id, row.owner_id, action.key, _instance(row))
                await asyncio.to_thread(self._cluster.put_secret, store_id, secret)
                self._keys_published.add(action.job_name)
                return decision, True
            case RequestRetry():
                await asyncio.to_thread(self._nudger.retry, store_id, action.token)
                return decision, False
            case AdvanceRestore():
                # The stage's commit and the store's message in one transaction (or nothing, when
                # the stage was committed already): nothing is left to write for the store.
                async with self._pool.connection() as conn:
                    with request_context.acting_for(row.last_request_id):
                        await restore_stages.advance(
                            conn, store_id, action.name, action.stage, WATCHER, action.setup_done_key
                        )
                return None, False
            case QueueRemoval():
                async with self._pool.connection() as conn:
                    with request_context.acting_for(row.last_request_id):
                        await deletion_stages.queue_removal(conn, store_id, action.backup, WATCHER)
                return None, False
            case _:
                assert_never(action)

    async def apply(self, decided: list[Decided]) -> None:
        messages: dict[str, tuple[str, str]] = {}
        moves: list[Decided] = []
        for row, view, decision, observed in decided:
            if decision.status is None:
                messages[row.id] = (row.status, decision.message)
            else:
                moves.append((row, view, decision, observed))
        for start in range(0, len(moves), TRANSITIONS_PER_COMMIT):
            await self._transitions(moves[start : start + TRANSITIONS_PER_COMMIT])
        if messages:
            async with self._pool.connection() as conn:
                await lifecycle.set_progress(conn, messages)

    async def _transitions(self, moves: list[Decided]) -> None:
        """Several transitions in one transaction, in a few statements: the stores locked in one
        read, the events offered together per request they act for (each audit row carries its
        store's), the ready ones recorded in one write. A store that moved meanwhile is skipped before
        anything is written for it, so the others still commit."""
        async with self._pool.connection() as conn, conn.transaction():
            current = await repository.get_stores(conn, [row.id for row, *_ in moves], for_update=True)
            by_request: dict[str | None, list[tuple[Decided, Occurrence[StoreRow]]]] = {}
            for move in moves:
                row, _, decision, observed = move
                store = current.get(row.id)
                if store is None or store.status != row.status:
                    continue  # it moved while we looked (an API call, another watcher): judge it again later
                detail = {"reason": decision.reason, "observed_revision": observed.revision}
                verdict = Occurrence(
                    store, observed_event(decision), decision.message, decision.error, detail
                )
                by_request.setdefault(row.last_request_id, []).append((move, verdict))
            made: list[Decided] = []
            for request_id, group in by_request.items():
                with request_context.acting_for(request_id):
                    moved = {r.id for r in await lifecycle.offer_many(conn, [v for _, v in group], WATCHER)}
                made += [move for move, _ in group if move[0].id in moved]
            await repository.record_ready_many(conn, [
                (row.id, view.setup_key, observed.revision)
                for row, view, decision, observed in made if decision.status is StoreStatus.READY
            ])  # fmt: skip
        for row, _, decision, _ in made:
            self._transitioned(row, decision)

    @staticmethod
    def _transitioned(row: ConvergingStore, decision: Decision) -> None:
        if decision.status is StoreStatus.READY and decision.reason != "recovered" and row.committed_at:
            metrics.RECONCILE_LAG.observe((datetime.now(UTC) - row.committed_at).total_seconds())
        if decision.reason == "setup_failed":
            metrics.SETUP_JOBS.labels(outcome="failed").inc()
        with request_context.acting_for(row.last_request_id):
            log.info(
                "store %s: %s -> %s (%s)",
                row.id,
                row.status,
                decision.status,
                decision.reason,
                extra={
                    "store_id": row.id,
                    "tenant": row.owner_id,
                    "phase": str(decision.status),
                    "from_phase": row.status,
                    "reason": decision.reason,
                },
            )

    async def _start_setup(
        self, row: ConvergingStore, decision: Decision, start: StartSetup
    ) -> tuple[Decision | None, bool]:
        """The start was recorded by `act` before this, so that a restarted watcher finds the same Job
        name; a Job that exists already (a restart found it) is taken as it is."""
        try:
            created = await asyncio.to_thread(self._create_setup_job, row, start)
        except SetupTemplateError as exc:
            message = f"post-install setup cannot start: {exc}"
            return Decision(StoreStatus.FAILED, message, "setup_unavailable", error=message), False
        if created:
            metrics.SETUP_JOBS.labels(outcome="created").inc()
        return decision, False

    def _create_setup_job(self, row: ConvergingStore, start: StartSetup) -> bool:
        store_id = row.id
        config_map = self._cluster.read_config_map(store_id, f"{_instance(row)}-setup")
        job = build_job(
            config_map, store_id=store_id, tenant=row.owner_id, key=start.key, generation=start.generation
        )
        return self._cluster.create_job(store_id, job)

    def _ensure_credentials(self, row: ConvergingStore, action: EnsureCredentials) -> None:
        """The namespace unless it exists (Argo CD adopts it when it syncs namespace.yaml), and the
        credentials Secret; an existing one is kept: it holds the passwords the store's data was made
        with."""
        store_id = row.id
        if action.create_namespace:
            labels = {STORE_LABEL: store_id, "storefleet.io/tenant": row.owner_id,
                      "app.kubernetes.io/managed-by": "storefleet"}  # fmt: skip
            self._cluster.create_namespace(store_id, labels)
        secret = credentials_secret(store_id, row.owner_id, row.engine, _instance(row))
        self._cluster.create_secret(store_id, secret)


def _instance(row: ConvergingStore) -> str:
    """The chart instance that names the store's objects (a store created from a backup kept its
    source's: a restored credentials Secret is found, never made again)."""
    return chart_instance(row.id, row.spec)


def _describe(action: Action) -> str:
    match action:
        case EnsureCredentials():
            return "create its credentials Secret"
        case StartSetup():
            return "create the setup Job"
        case PublishStorefrontKey():
            return "store the storefront key"
        case RequestRetry():
            return "ask the applier to retry"
        case AdvanceRestore():
            return "commit the restore's next stage"
        case QueueRemoval():
            return "queue the removal after the final backup"
        case _:
            assert_never(action)
