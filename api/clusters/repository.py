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
    version: int
    created_by: str
    created_at: datetime
    updated_at: datetime


_COLUMNS = ", ".join(f.name for f in fields(ClusterRow))
# what a change may set (the id, name, origin, version, creator and times are the table's own)
WRITABLE = frozenset(
    {
        "name", "region", "labels", "max_stores", "max_cpu_cores", "max_memory_gib", "applier",
        "access_kind", "kubeconfig_secret_namespace", "kubeconfig_secret_name", "kubeconfig_secret_key",
        "kubeconfig_path", "kubeconfig_context", "state", "origin",
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


async def live_stores_by_plan(conn: Connection, cluster_id: str | None = None) -> list[PlanCount]:
    """Live stores (every status but `deleted`) per cluster and plan; only `cluster_id`'s when given.

    Until stores carry their cluster, every live store is on the cluster from the settings: the join
    below is where a store's own cluster will be named."""
    only = " AND c.id = %(cluster_id)s" if cluster_id is not None else ""
    cur = conn.cursor(row_factory=class_row(PlanCount))
    await cur.execute(
        "SELECT c.id AS cluster_id, s.plan, count(*)::int AS stores"
        " FROM clusters c JOIN stores s ON c.origin = 'settings' AND s.status <> 'deleted'"
        f" WHERE true{only} GROUP BY c.id, s.plan ORDER BY c.id, s.plan",
        {"cluster_id": cluster_id},
    )
    return await cur.fetchall()
