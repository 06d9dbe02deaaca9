"""Draining a cluster: once an admin sets a cluster `draining`, the platform moves its stores off, a few
at a time, each exactly as `POST /stores/{id}/move` moves one (a fresh backup on the cluster, a restore
on the target, docs/clusters.md), to the cluster the placement policy (`PLACEMENT_POLICY`) chooses among
the active ones.

Every `DRAIN_TICK_S` the loop keeps up to `DRAIN_CONCURRENCY` moves in flight off each draining cluster
(`0` turns draining off: an admin moves the stores one request each). Only `ready` stores move; a store
in another status waits until it is ready, or for a person. A move the platform refuses (backups off, a
rollout under way, no room on any active cluster, ...) is audited as `store.move_refused` by
`system:drain`, like any refused move, and that store is not tried again for `DRAIN_RETRY_S`. One
replica drains at a time (a PostgreSQL advisory lock held for the pass): two would back one store up
twice.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

from psycopg_pool import AsyncConnectionPool

from storefleet.api.clusters import repository as clusters
from storefleet.api.clusters.placement import PlacementPolicy, Wanted
from storefleet.api.clusters.placing import place
from storefleet.api.core.actor import Actor
from storefleet.api.core.errors import AppError
from storefleet.api.core.services import AppServices
from storefleet.api.core.ticks import every
from storefleet.api.db.pool import Connection
from storefleet.api.domain import move_repository as moves
from storefleet.api.domain import stores_repository
from storefleet.api.stores.cluster_service import access_of_store
from storefleet.api.stores.move import move_store, record_refusal
from storefleet.renderer.profile import RenderProfile
from storefleet.renderer.spec import StoreSpec

log = logging.getLogger(__name__)

DRAIN = Actor.system("drain")
_LOCK_KEY = "storefleet:cluster-drain"


@dataclass(frozen=True)
class DrainPolicy:
    concurrency: int  # moves in flight off each draining cluster; 0: no draining
    retry_s: float  # a store whose move was refused is tried again after this
    placement: PlacementPolicy


class Drainer:
    def __init__(
        self,
        pool: AsyncConnectionPool[Any],
        app_services: AppServices,
        profile: RenderProfile,
        policy: DrainPolicy,
        tick_s: float,
    ) -> None:
        self._pool, self._services, self._profile = pool, app_services, profile
        self._policy, self._tick_s = policy, tick_s
        self._said_no_backups = False

    async def run(self, stop: asyncio.Event) -> None:
        await every(self._tick_s, stop, self.drain_once, "cluster drain")

    async def drain_once(self) -> list[str]:
        """One pass over the draining clusters; the stores whose move it started."""
        if self._policy.concurrency <= 0:
            return []
        if not self._profile.backups_enabled:
            await self._say_no_backups()
            return []
        async with self._pool.connection() as conn, conn.transaction():
            cur = await conn.execute("SELECT pg_try_advisory_xact_lock(hashtext(%s)) AS locked", (_LOCK_KEY,))
            row = await cur.fetchone()
            if not row or not row["locked"]:
                return []  # another replica is draining
            started: list[str] = []
            for cluster in await clusters.list_all(conn):
                if cluster.state == "draining":
                    started += await self._drain(conn, cluster)
        if started:
            log.info("cluster drain: moving %d stores off: %s", len(started), ", ".join(started))
        return started

    async def _say_no_backups(self) -> None:
        """Without backups no store can move: said once a cluster is draining, nothing tried."""
        if self._said_no_backups:
            return
        async with self._pool.connection() as conn:
            draining = [row.name for row in await clusters.list_all(conn) if row.state == "draining"]
        if draining:
            self._said_no_backups = True
            log.warning(
                "cluster drain: %s draining, but a move carries a store's data through a backup:"
                " set BACKUPS_ENABLED=true, or move each store by hand",
                ", ".join(draining),
            )

    async def _drain(self, conn: Connection, cluster: clusters.ClusterRow) -> list[str]:
        room = self._policy.concurrency - await moves.moves_off(conn, cluster.id, cluster.home)
        if room <= 0:
            return []
        candidates = await moves.drain_candidates(
            conn, cluster.id, cluster.home, DRAIN.name, self._policy.retry_s, room
        )
        started = []
        for store_id in candidates:
            if await self._move(conn, store_id):
                started.append(store_id)
        return started

    async def _move(self, conn: Connection, store_id: str) -> bool:
        """Start one store's move; False when it was refused (audited, tried again later)."""
        store = await stores_repository.get_store(conn, store_id)
        if store is None:
            return False
        try:
            plan = StoreSpec.model_validate(store.spec).plan
            target = await place(conn, Wanted(plan=plan), store.owner_id, self._policy.placement)
        except AppError as exc:  # no active cluster has room for it
            await record_refusal(conn, DRAIN, store, None, exc)
            log.warning("cluster drain: store %s has nowhere to go: %s", store_id, exc.message)
            return False
        if target.name is None:
            return False  # no cluster is registered: nothing drains
        try:
            source = await access_of_store(self._services, conn, store_id)
            await move_store(conn, source, DRAIN, store, target.name, self._profile)
        except AppError as exc:  # refused, and audited, by the move itself
            log.warning("cluster drain: store %s cannot move to %s: %s", store_id, target.name, exc.message)
            return False
        return True
