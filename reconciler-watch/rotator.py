"""Carrying out rotations of stores' admin passwords: each rotation requested or running is observed
(the credentials Secret's key names, its Job from the informer cache, the Job's log tail once it
failed, the store's HelmRelease under Flux), decided (`rotation.decide_rotation`, pure) and acted on,
in the order that makes it safe to take up again after a restart (see `rotation.py`).

The new password is generated here, in the watcher, straight into the Secret's staging key; from
there the Job reads it through `secretKeyRef` and the commit copies it, still encoded, to the admin
password key. It is never returned, logged, audited or written to the database. The store's status is
never touched: the rotation's own state moves through `rotation_service`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any, assert_never

from kubernetes.client.exceptions import ApiException
from psycopg_pool import AsyncConnectionPool
from urllib3.exceptions import HTTPError

from storefleet.api.core.actor import Actor
from storefleet.api.domain import rotation_repository as repository
from storefleet.api.domain import rotation_service
from storefleet.api.domain.credentials_rotation import DueRotation, RotationState
from storefleet.reconciler_watch.cluster import Cluster
from storefleet.reconciler_watch.credentials import ADMIN_PASSWORD_KEY, credentials_secret_name, new_password
from storefleet.reconciler_watch.observed import parse_job
from storefleet.reconciler_watch.rotation import (
    AbandonRotation,
    CommitRotation,
    RotationObserved,
    RotationStep,
    StartRotation,
    decide_rotation,
    flux_reverts_password,
)
from storefleet.reconciler_watch.rotation_job import build_rotation_job, rotation_job_name, staging_key
from storefleet.reconciler_watch.setup_job import SetupTemplateError
from storefleet.reconciler_watch.wire import JobObject

log = logging.getLogger(__name__)
WATCHER = Actor.system("watcher")
CLUSTER_ERRORS = (ApiException, HTTPError, OSError)
RotationJobs = Callable[[str], list[JobObject]]  # a namespace's rotation Jobs (informer cache)
DriftDetection = Callable[[str], dict[str, Any] | None]  # a store's HelmRelease's spec.driftDetection
LogTail = Callable[[str, str], Awaitable[str | None]]  # a Job's log tail; None: unreadable now


class Rotator:
    def __init__(
        self,
        pool: AsyncConnectionPool[Any],
        cluster: Cluster,
        engine: str,
        jobs: RotationJobs,
        drift: DriftDetection,
        log_tail: LogTail,
        scope: str | None = None,
    ) -> None:
        self._pool, self._cluster, self._engine, self._scope = pool, cluster, engine, scope
        self._jobs, self._drift, self._log_tail = jobs, drift, log_tail

    async def evaluate(self, store_ids: list[str] | None) -> int:
        """Carry on the rotations in progress (of `store_ids` only, when given); how many were judged.
        A cluster call that fails leaves its rotation to the next evaluation."""
        async with self._pool.connection() as conn:
            due = await repository.rotations_due(conn, store_ids, self._scope)
        for pending in due:
            try:
                step = decide_rotation(pending, await self._observe(pending))
                if step is not None:
                    await self._act(pending, step)
            except CLUSTER_ERRORS as exc:
                reason = exc.reason if isinstance(exc, ApiException) else exc
                log.warning("store %s: rotation %d of its admin password: %s; trying again later",
                            pending.store_id, pending.rotation.generation, reason)  # fmt: skip
        return len(due)

    # ---- observe ---------------------------------------------------------------------------------
    async def _observe(self, due: DueRotation) -> RotationObserved:
        store_id = due.store_id
        keys = await asyncio.to_thread(
            self._cluster.secret_keys, store_id, credentials_secret_name(due.instance)
        )
        name = rotation_job_name(store_id, due.rotation.generation)
        record = next((job for job in self._jobs(store_id) if job.metadata.name == name), None)
        job = parse_job(record) if record is not None else None
        if job is not None and job.failed:
            tail = await self._log_tail(store_id, job.name)
            # unreadable now: the Job stays undecided until it is
            job = replace(job, failed=False) if tail is None else replace(job, log_tail=tail)
        reverted_by = None
        if self._engine == "flux" and due.rotation.state is RotationState.REQUESTED:
            reverted_by = flux_reverts_password(self._drift(store_id), due.instance, due.engine)
        return RotationObserved(keys, job, reverted_by)

    # ---- act ------------------------------------------------------------------------------------
    async def _act(self, due: DueRotation, step: RotationStep) -> None:
        match step:
            case StartRotation():
                await self._start(due, step)
            case CommitRotation():
                secret, key = credentials_secret_name(due.instance), ADMIN_PASSWORD_KEY[due.engine]
                await asyncio.to_thread(
                    self._cluster.promote_secret_value, due.store_id, secret, staging_key(due.engine), key
                )
                await self._advance(due, RotationState.DONE, step.message)
            case AbandonRotation():
                await self._abandon(due, step.reason)
            case _:
                assert_never(step)

    async def _start(self, due: DueRotation, step: StartRotation) -> None:
        """Stage the password (a staged one is kept), record the rotation running, create its Job
        (one that exists is taken as it is)."""
        store_id, secret = due.store_id, credentials_secret_name(due.instance)
        await asyncio.to_thread(
            self._cluster.stage_secret_value, store_id, secret, staging_key(due.engine), new_password
        )
        if due.rotation.state is RotationState.REQUESTED:
            moved = await self._advance(
                due, RotationState.RUNNING, f"setting the new password in the shop (Job {step.job_name})"
            )
            if moved is None:
                return  # it moved meanwhile: judged again at the next evaluation
            due = moved
        try:
            created = await asyncio.to_thread(self._create_job, due)
        except SetupTemplateError as exc:
            await self._abandon(due, f"the rotation cannot run: {exc}")
            return
        if created:
            log.info("store %s: rotation %d of its admin password: Job %s created",
                     store_id, due.rotation.generation, step.job_name)  # fmt: skip

    def _create_job(self, due: DueRotation) -> bool:
        store_id = due.store_id
        config_map = self._cluster.read_config_map(store_id, f"{due.instance}-setup")
        job = build_rotation_job(
            config_map, store_id=store_id, tenant=due.owner_id, engine=due.engine,
            generation=due.rotation.generation, instance=due.instance,
        )  # fmt: skip
        return self._cluster.create_job(store_id, job)

    async def _abandon(self, due: DueRotation, reason: str) -> None:
        """Failed first, then the staged password goes: a restart between the two leaves a failed
        rotation and an unused staged value (the next rotation reuses it), never a lost commit."""
        if await self._advance(due, RotationState.FAILED, reason) is None:
            return  # it moved meanwhile; a later rotation may have staged a password of its own
        secret = credentials_secret_name(due.instance)
        await asyncio.to_thread(
            self._cluster.drop_secret_value, due.store_id, secret, staging_key(due.engine)
        )

    async def _advance(self, due: DueRotation, target: RotationState, message: str) -> DueRotation | None:
        async with self._pool.connection() as conn:
            moved = await rotation_service.advance(conn, due, target, message, WATCHER)
        if moved is None:
            return None
        log.info("store %s: rotation %d of its admin password: %s", due.store_id, moved.generation,
                 moved.state.value, extra={"store_id": due.store_id, "tenant": due.owner_id})  # fmt: skip
        return replace(due, rotation=moved)
