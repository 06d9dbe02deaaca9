"""All SQL of clusters: their rows, and the live stores each holds, per plan."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from decimal import Decimal
from typing import Any

from psycopg.rows import class_row
from psycopg.types.json import Jsonb

from storefleet.api.db.pool import Connection

CLUSTER_NAME_CONSTRAINT = "clusters_name_key"
# A two-int advisory key (apart from the writer's and the store guardrails'): the settings cluster's
# row is made or brought up to date by one replica at a time.
_SETTINGS_LOCK = (0x5F0C0010, 0)


@dataclass(frozen=True, slots=True)
class ClusterRow:
    id: str
    name: str
    region: str | None
    labels: dict[str, str]
    max_stores: int | None
    max_cpu_cores: Decimal | None
    max_memory_gib: Decimal | None
    applier: str
    access_kind: str
    kubeconfig_secret_namespace: str | None
    kubeconfig_secret_name: str | None
    kubeconfig_secret_key: str | None
    kubeconfig_path: str | None
    kubeconfig_context: str | None
    state: str
    origin: str
    home: bool  # its fleet root is `tenants/` (the single-cluster layout); others: clusters/<name>/tenants
    version: int
    created_by: str
    created_at: datetime
    updated_at: datetime
    access_checked: datetime | None  # observed by the cluster's watcher (0030), not set by a change
    access_error: str | None


_COLUMNS = ", ".join(f.name for f in fields(ClusterRow))
ACCESS_FIELDS = frozenset(
    {
        "access_kind", "kubeconfig_secret_namespace", "kubeconfig_secret_name", "kubeconfig_secret_key",
        "kubeconfig_path", "kubeconfig_context",
    }
)  # fmt: skip
# what a change may set (the id, name, origin, version, creator and times are the table's own)
WRITABLE = frozenset(
    {
        "name", "region", "labels", "max_stores", "max_cpu_cores", "max_memory_gib", "applier",
        "access_kind", "kubeconfig_secret_namespace", "kubeconfig_secret_name", "kubeconfig_secret_key",
        "kubeconfig_path", "kubeconfig_context", "state", "origin", "home",
    }
)  # fmt: skip


def _bound(values: dict[str, Any]) -> dict[str, Any]:
    unknown = set(values) - WRITABLE
    assert not unknown, f"not a writable column: {unknown}"
    return {k: Jsonb(v) if k == "labels" else v for k, v in values.items()}


async def insert(conn: Connection, cluster_id: str, created_by: str, values: dict[str, Any]) -> ClusterRow:
    """Raises UniqueViolation (`CLUSTER_NAME_CONSTRAINT`) when the name is taken."""
    bound = _bound(values)
    columns = ", ".join(bound)
    placeholders = ", ".join(f"%({k})s" for k in bound)
    cur = conn.cursor(row_factory=class_row(ClusterRow))
    await cur.execute(
        f"INSERT INTO clusters (id, created_by, {columns}) VALUES (%(id)s, %(created_by)s, {placeholders})"
        f" RETURNING {_COLUMNS}",
        {"id": cluster_id, "created_by": created_by, **bound},
    )
    row = await cur.fetchone()
    assert row is not None
    return row


async def get_by_name(conn: Connection, name: str, *, for_update: bool = False) -> ClusterRow | None:
    lock = " FOR UPDATE" if for_update else ""
    cur = conn.cursor(row_factory=class_row(ClusterRow))
    await cur.execute(f"SELECT {_COLUMNS} FROM clusters WHERE name = %s{lock}", (name,))
    return await cur.fetchone()


async def get_from_settings(conn: Connection, *, for_update: bool = False) -> ClusterRow | None:
    lock = " FOR UPDATE" if for_update else ""
    cur = conn.cursor(row_factory=class_row(ClusterRow))
    await cur.execute(f"SELECT {_COLUMNS} FROM clusters WHERE origin = 'settings'{lock}")
    return await cur.fetchone()


async def list_all(conn: Connection) -> list[ClusterRow]:
    cur = conn.cursor(row_factory=class_row(ClusterRow))
    await cur.execute(f"SELECT {_COLUMNS} FROM clusters ORDER BY name")
    return await cur.fetchall()


async def update(conn: Connection, cluster_id: str, values: dict[str, Any]) -> ClusterRow:
    """Set `values`, bump the version and the update time (the caller holds the row's lock)."""
    bound = _bound(values)
    assignments = "".join(f"{k} = %({k})s, " for k in bound)
    if ACCESS_FIELDS & bound.keys():  # an observation of the old access says nothing of the new one
        assignments += "access_checked = NULL, access_error = NULL, "
    cur = conn.cursor(row_factory=class_row(ClusterRow))
    await cur.execute(
        f"UPDATE clusters SET {assignments}version = version + 1, updated_at = now()"
        f" WHERE id = %(cluster_id)s RETURNING {_COLUMNS}",
        {"cluster_id": cluster_id, **bound},
    )
    row = await cur.fetchone()
    assert row is not None
    return row


async def delete(conn: Connection, cluster_id: str) -> None:
    await conn.execute("DELETE FROM clusters WHERE id = %s", (cluster_id,))


async def lock_settings_cluster(conn: Connection) -> None:
    """Serialise the settings cluster's start-up check across replicas until the transaction ends."""
    await conn.execute("SELECT pg_advisory_xact_lock(%s, %s)", _SETTINGS_LOCK)


@dataclass(frozen=True, slots=True)
class PlanCount:
    cluster_id: str
    plan: str
    stores: int


async def live_stores_by_plan(conn: Connection, cluster_ids: list[str] | None = None) -> list[PlanCount]:
    """Live stores (every status but `deleted`) per cluster and plan; only those clusters' when
    given. A scan of the stores (no index on their cluster, see migration 0021): placement asks only
    when it must weigh several clusters or a limited one."""
    only = " AND cluster_id = ANY(%(ids)s)" if cluster_ids is not None else ""
    cur = conn.cursor(row_factory=class_row(PlanCount))
    await cur.execute(
        "SELECT cluster_id, plan, count(*)::int AS stores FROM stores"
        f" WHERE status <> 'deleted' AND cluster_id IS NOT NULL{only}"
        " GROUP BY cluster_id, plan ORDER BY cluster_id, plan",
        {"ids": cluster_ids},
    )
    return await cur.fetchall()


async def tenant_stores_by_cluster(conn: Connection, owner_id: str) -> dict[str, int]:
    """The live stores of one tenant per cluster (the spread policy)."""
    cur = await conn.execute(
        "SELECT cluster_id, count(*)::int AS stores FROM stores WHERE owner_id = %s"
        " AND status <> 'deleted' AND cluster_id IS NOT NULL GROUP BY cluster_id",
        (owner_id,),
    )
    return {row["cluster_id"]: row["stores"] for row in await cur.fetchall()}


async def lock_for_placement(conn: Connection, cluster_id: str) -> ClusterRow | None:
    """Hold the cluster's row until the transaction ends, so that two creates cannot both take its
    last room (NO KEY UPDATE: a PATCH waits, readers do not); the row as it is now."""
    cur = conn.cursor(row_factory=class_row(ClusterRow))
    await cur.execute(f"SELECT {_COLUMNS} FROM clusters WHERE id = %s FOR NO KEY UPDATE", (cluster_id,))
    return await cur.fetchone()


async def claim_home(conn: Connection, cluster_id: str) -> None:
    """Make `cluster_id` the home cluster when there is none (the first settings cluster), and put
    the stores made before placement on it."""
    await conn.execute(
        "UPDATE clusters SET home = true WHERE id = %s AND NOT EXISTS (SELECT 1 FROM clusters WHERE home)",
        (cluster_id,),
    )
    await conn.execute(
        "UPDATE stores SET cluster_id = (SELECT id FROM clusters WHERE home) WHERE cluster_id IS NULL"
        " AND EXISTS (SELECT 1 FROM clusters WHERE home)"
    )
