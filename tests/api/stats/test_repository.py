"""The overview's reads stay cheap on a big fleet: over 12,000 stores (with their outbox rows and
transitions), the plan of every windowed read starts from an index, never a scan of a whole table."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import psycopg
import pytest

from storefleet.api.core.actor import Actor
from storefleet.api.stats import service
from storefleet.api.stats.window import resolve

STORES = 12_000


class ExplainingCursor:
    """Runs each statement twice: under EXPLAIN (its plan kept), then for its rows."""

    def __init__(self, conn: psycopg.AsyncConnection[Any], row_factory: Any, plans: list[str]) -> None:
        self._conn, self._cursor, self._plans = conn, conn.cursor(row_factory=row_factory), plans

    async def execute(self, query: Any, params: Any = None) -> ExplainingCursor:
        explain = await self._conn.execute(b"EXPLAIN " + query.encode(), params)
        self._plans.append("\n".join(row[0] for row in await explain.fetchall()))
        await self._cursor.execute(query, params)
        return self

    async def fetchall(self) -> list[Any]:
        return await self._cursor.fetchall()


class ExplainingConnection:
    def __init__(self, conn: psycopg.AsyncConnection[Any]) -> None:
        self._conn = conn
        self.plans: list[str] = []

    def cursor(self, row_factory: Any) -> ExplainingCursor:
        return ExplainingCursor(self._conn, row_factory, self.plans)


@pytest.fixture
def big_fleet(db: Any, tenant: Any) -> Iterator[str]:
    """Stores created a minute apart over ~8 days (every tenth deleted), each with a committed
    create, a later update, and four transitions (the last one into `ready`, every 50th a failure)."""
    db.execute(
        "INSERT INTO stores"
        " (id, owner_id, name, engine, plan, status, spec, spec_hash, created_at, deleted_at)"
        " SELECT 'st-' || lpad(i::text, 10, '0'), %s, 'shop-' || i, 'woocommerce', 'small',"
        "  CASE WHEN i %% 10 = 0 THEN 'deleted' ELSE 'ready' END, '{}'::jsonb, 'h',"
        "  now() - make_interval(mins => i),"
        "  CASE WHEN i %% 10 = 0 THEN now() - make_interval(mins => i / 2) END"
        " FROM generate_series(1, %s) i",
        (tenant.id, STORES),
    )
    db.execute(
        "INSERT INTO outbox (store_id, tenant, action, created_at, processed_at, commit_sha)"
        " SELECT s.id, s.owner_id, a, s.created_at + make_interval(mins => k), s.created_at"
        "  + make_interval(mins => k + 1), 'c0ffee' FROM stores s,"
        "  (VALUES ('create', 0), ('update', 30)) AS change(a, k)"
    )
    db.execute(
        "INSERT INTO audit_events (created_at, event, actor, store_id, tenant, after)"
        " SELECT s.created_at + make_interval(mins => k), 'store.transition', 'system:test',"
        "  s.id, s.owner_id,"
        "  jsonb_build_object('status', CASE WHEN k = 4 THEN 'ready' WHEN k = 3 AND right(s.id, 2) = '50'"
        "  THEN 'failed' ELSE 'provisioning' END, 'event', 'converged')"
        " FROM stores s, generate_series(1, 4) k"
    )
    db.execute("ANALYZE stores, outbox, audit_events")
    yield tenant.id


@pytest.mark.anyio
@pytest.mark.parametrize("scope", ["admin", "tenant"])
async def test_every_windowed_read_starts_from_an_index(
    database_url: str, big_fleet: str, scope: str
) -> None:
    actor = Actor(id="u-admin00000", name="root", role="admin")
    if scope == "tenant":
        actor = Actor(id=big_fleet, name="alice", role="tenant")
    window = resolve(datetime.now(UTC), "24h", None, None)
    async with await psycopg.AsyncConnection.connect(database_url, autocommit=True) as conn:
        explaining = ExplainingConnection(conn)
        stats = await service.fleet_stats(explaining, actor, window)  # type: ignore[arg-type]
    assert stats.counts.total == STORES - STORES // 10
    assert stats.provisioning.count > 1000 and stats.commit_to_ready.count > 1000
    counts, *windowed = explaining.plans
    assert "Seq Scan on stores" in counts  # the one whole-fleet read: today's counts
    assert len(windowed) == 5
    for plan in windowed:
        for table in ("stores", "outbox", "audit_events"):
            assert f"Seq Scan on {table}" not in plan, plan
