"""The counters: a window ends and starts again, several keys in one statement, ended windows purged."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from psycopg.rows import dict_row

from storefleet.api.ratelimit import repository
from storefleet.api.ratelimit.limiter import ApiLimiter
from storefleet.api.ratelimit.policy import ApiLimits, Quota, RouteClass

pytestmark = pytest.mark.anyio


async def _connect(database_url: str) -> psycopg.AsyncConnection[Any]:
    return await psycopg.AsyncConnection.connect(database_url, autocommit=True, row_factory=dict_row)


async def test_one_statement_counts_every_key_in_its_own_window(
    database_url: str, db: psycopg.Connection[Any]
) -> None:
    async with await _connect(database_url) as conn:
        first = await repository.count_hits(conn, ["a", "b"], [60, 3600])
        second = await repository.count_hits(conn, ["a", "b"], [60, 3600])
    assert (first["a"].hits, first["b"].hits, second["a"].hits, second["b"].hits) == (1, 1, 2, 2)
    assert 58 <= second["a"].reset_s <= 60 and 3598 <= second["b"].reset_s <= 3600


async def test_an_ended_window_starts_again_at_one(database_url: str, db: psycopg.Connection[Any]) -> None:
    async with await _connect(database_url) as conn:
        for _ in range(3):
            await repository.count_hits(conn, ["a"], [60])
        db.execute("UPDATE api_rate_limit_counters SET expires_at = now() - interval '1 second'")
        again = await repository.count_hits(conn, ["a"], [60])
    assert again["a"].hits == 1 and again["a"].reset_s >= 59


async def test_the_limiter_purges_ended_windows_when_due(
    database_url: str, db: psycopg.Connection[Any]
) -> None:
    db.execute(
        "INSERT INTO api_rate_limit_counters (key, hits, expires_at) "
        "SELECT 'old' || i, 5, now() - interval '1 minute' FROM generate_series(1, 30) AS i"
    )
    limiter = ApiLimiter(ApiLimits(Quota(5, 60), Quota(0, 60), Quota(0, 3600)), purge_interval_s=0)
    async with await _connect(database_url) as conn:
        verdict = await limiter.count(conn, ((RouteClass.READS, Quota(5, 60)),), "ip:192.0.2.1")
    assert [usage.hits for usage in verdict.usages] == [1]
    assert db.execute("SELECT count(*) AS n FROM api_rate_limit_counters").fetchone() == {"n": 1}


def test_the_counters_table_writes_no_wal(db: psycopg.Connection[Any]) -> None:
    row = db.execute(
        "SELECT relpersistence FROM pg_class WHERE relname = 'api_rate_limit_counters'"
    ).fetchone()
    assert row == {"relpersistence": "u"}  # UNLOGGED: no WAL flush at each request's commit
