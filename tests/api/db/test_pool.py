"""The shared connection pool: a statement that runs past DB_STATEMENT_TIMEOUT_S is cancelled by
PostgreSQL (a request gets a 503, the connection stays usable), and the pool reports its use."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from storefleet.api.db.pool import open_pool
from storefleet.api.settings import Settings

pytestmark = pytest.mark.anyio


async def test_a_statement_past_the_timeout_is_cancelled_and_the_connection_kept(
    settings: Settings, database_url: str
) -> None:
    quick = settings.model_copy(update={"db_statement_timeout_s": 0.2, "db_pool_max_size": 1})
    pool = await open_pool(quick, database_url)
    try:
        async with pool.connection() as conn:
            with pytest.raises(psycopg.errors.QueryCanceled):
                await conn.execute("SELECT pg_sleep(2)")
            # a QueryCanceled is an OperationalError: a request's DbConnection answers it with 503
            assert issubclass(psycopg.errors.QueryCanceled, psycopg.OperationalError)
            shown = await (await conn.execute("SHOW statement_timeout")).fetchone()
            assert shown is not None and shown["statement_timeout"] == "200ms"
    finally:
        await pool.close()
    off = await open_pool(settings.model_copy(update={"db_statement_timeout_s": 0}), database_url)
    try:
        async with off.connection() as conn:
            shown = await (await conn.execute("SHOW statement_timeout")).fetchone()
            assert shown is not None and shown["statement_timeout"] == "0"
    finally:
        await off.close()


def test_a_scrape_reports_the_pool(client: TestClient, admin: Any, settings: Settings) -> None:
    client.get("/api/v1/stores", headers=admin.headers)
    response = client.get("/api/v1/metrics", headers=admin.headers)
    samples = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(response.text)
        for s in family.samples
    }
    assert samples[("db_pool_max_connections", ())] == settings.db_pool_max_size
    assert samples[("db_pool_connections", (("state", "in_use"),))] >= 1  # the scrape's own
    assert ("db_pool_requests_waiting", ()) in samples and ("db_pool_timeouts_total", ()) in samples
    assert samples[("db_pool_wait_seconds_total", ())] >= 0
