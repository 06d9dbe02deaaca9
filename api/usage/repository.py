"""All SQL of usage: how many live stores each tenant, or the platform, has per plan."""

from __future__ import annotations

from dataclasses import dataclass

from psycopg.rows import class_row

from storefleet.api.db.pool import Connection


@dataclass(frozen=True, slots=True)
class PlanCount:
    key: str  # the tenant's id (grouped by tenant) or the plan (grouped by plan)
    plan: str
    stores: int


async def live_stores_by_plan(conn: Connection, *, by_tenant: bool, tenant: str | None) -> list[PlanCount]:
    """Stores that hold resources (every status but `deleted`), counted per plan and per tenant (or
    per plan alone); only `tenant`'s when given."""
    key = "owner_id" if by_tenant else "plan"
    only = " AND owner_id = %(tenant)s" if tenant is not None else ""
    cur = conn.cursor(row_factory=class_row(PlanCount))
    await cur.execute(
        f"SELECT {key} AS key, plan, count(*)::int AS stores FROM stores"
        f" WHERE status <> 'deleted'{only} GROUP BY {key}, plan ORDER BY {key}, plan",
        {"tenant": tenant},
    )
    return await cur.fetchall()


@dataclass(frozen=True, slots=True)
class LiveStore:
    id: str
    owner_id: str
    plan: str


async def live_stores(conn: Connection, tenant: str | None) -> list[LiveStore]:
    """Every store not `deleted` (only `tenant`'s when given): to add up measured costs by group."""
    only = " AND owner_id = %(tenant)s" if tenant is not None else ""
    cur = conn.cursor(row_factory=class_row(LiveStore))
    await cur.execute(
        f"SELECT id, owner_id, plan FROM stores WHERE status <> 'deleted'{only}", {"tenant": tenant}
    )
    return await cur.fetchall()
