"""Carrying out moves of stores onto this watcher's cluster (docs/clusters.md "Moving a store"): each
move in flight whose target is this cluster is observed (the Backup as Velero's sync brings it here,
the Restore from the informer cache, the store's release here as `decide` judges it at the target
directory's spec), decided (`move.decide_move`, pure) and acted on through `domain/move_stages.py`,
whose transactions check the stage again: a step asked for twice is committed once.

The store's status is never touched: it stays as the source cluster's watcher judges it until the
move's last commit makes the target its cluster.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from kubernetes.client.exceptions import ApiException
from psycopg_pool import AsyncConnectionPool
from urllib3.exceptions import HTTPError

from storefleet.api.core.actor import Actor
from storefleet.api.db.pool import Connection
from storefleet.api.domain import move_repository as moves
from storefleet.api.domain import move_stages
from storefleet.api.domain import stores_repository as repository
from storefleet.api.domain.lifecycle import StoreStatus
from storefleet.api.domain.store_move import MoveStage, StoreMove
from storefleet.api.domain.store_rows import ConvergingStore
from storefleet.reconciler_watch.cluster import Cluster
from storefleet.reconciler_watch.move import MoveObserved, MoveStep, TargetRelease, VeleroBackup, decide_move
from storefleet.reconciler_watch.restore import parse_restore
from storefleet.renderer.spec import StoreSpec

log = logging.getLogger(__name__)
WATCHER = Actor.system("watcher")
CLUSTER_ERRORS = (ApiException, HTTPError, OSError)
RestoreLookup = Callable[[str], dict[str, Any] | None]  # a Restore by name (informer cache)
JudgeRelease = Callable[[ConvergingStore], Awaitable[TargetRelease]]
MSG_GONE = "the store is no longer running on its source (failed or deleted): move abandoned"


class Mover:
    def __init__(
        self,
        pool: AsyncConnectionPool[Any],
        cluster: Cluster,
        velero_namespace: str | None,
        restore: RestoreLookup,
        judge_release: JudgeRelease,
        timeout: timedelta,
        scope: str | None = None,
    ) -> None:
        self._pool, self._cluster, self._velero_namespace = pool, cluster, velero_namespace
        self._restore, self._judge_release, self._timeout, self._scope = (
            restore,
            judge_release,
            timeout,
            scope,
        )

    async def evaluate(self, store_ids: list[str] | None) -> int:
        """Carry on the moves onto this cluster (of `store_ids` only, when given); how many were
        judged. A cluster call that fails leaves the move to the next evaluation."""
        if self._velero_namespace is None:
            return 0  # backups off: no move was accepted
        async with self._pool.connection() as conn:
            flying = await moves.moves_in_flight(conn, self._scope)
        wanted = set(store_ids) if store_ids is not None else None
        judged = [move for move in flying if wanted is None or move.store_id in wanted]
        for move in judged:
            try:
                await self._carry_on(move)
            except CLUSTER_ERRORS as exc:
                reason = exc.reason if isinstance(exc, ApiException) else exc
                log.warning(
                    "store %s: move to %s: %s; trying again later", move.store_id, move.target_cluster, reason
                )
        return len(judged)

    async def _carry_on(self, move: StoreMove) -> None:
        async with self._pool.connection() as conn:
            rows = await repository.converging_stores(conn, [move.store_id], None)
            if not rows:  # failed or deleted: neither converging nor running any more
                await move_stages.fail(conn, move.id, move.store_id, MSG_GONE, WATCHER)
                return
        row = rows[0]
        observed = await self._observe(move, row)
        step = decide_move(move, observed, self._timeout)
        if step is not None:
            async with self._pool.connection() as conn:
                await self._act(conn, move, step)

    async def _observe(self, move: StoreMove, row: ConvergingStore) -> MoveObserved:
        observed = MoveObserved(
            now=datetime.now(UTC),
            store_status=row.status,
            store_spec_hash=row.spec_hash,
            change_pending=row.change_pending,
        )
        if row.change_pending or not move.in_flight:
            return observed
        if move.stage is MoveStage.BACKING_UP:
            assert self._velero_namespace is not None
            raw = await asyncio.to_thread(self._cluster.velero_backup, self._velero_namespace, move.backup)
            return replace(observed, backup=_backup(raw) if raw is not None else None)
        if move.stage is MoveStage.RESTORING:
            raw = self._restore(move.restore)
            return replace(observed, restore=parse_restore(raw) if raw is not None else None)
        return replace(observed, release=await self._judge_release(target_copy(row, move)))

    async def _act(self, conn: Connection, move: StoreMove, step: MoveStep) -> None:
        if step.kind == "advance":
            await move_stages.advance(conn, move.id, move.store_id, move.stage, WATCHER)
        elif step.kind == "fail":
            log.info("store %s: move to %s failed: %s", move.store_id, move.target_cluster, step.message)
            await move_stages.fail(conn, move.id, move.store_id, step.message, WATCHER)
        else:
            await moves.set_message(conn, move.id, move.stage, step.message)


def target_copy(row: ConvergingStore, move: StoreMove) -> ConvergingStore:
    """The store as the target directory declares it, for `decide`: converging on the target spec
    since the move's last stage began (its own status message unknown, so every verdict is shown)."""
    assert move.target_spec is not None
    spec = StoreSpec.model_validate(move.target_spec)
    return replace(
        row,
        status=StoreStatus.UPDATING,
        status_message=None,
        spec=spec.to_document(),
        spec_hash=spec.spec_hash,
        status_changed_at=move.stage_changed_at,
        committed_at=None,
    )


def _backup(obj: dict[str, Any]) -> VeleroBackup:
    meta, status = obj.get("metadata") or {}, obj.get("status") or {}
    return VeleroBackup(
        name=str(meta.get("name") or ""),
        phase=str(status.get("phase") or ""),
        failure_reason=str(status.get("failureReason") or ""),
    )
