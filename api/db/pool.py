"""The connection pool the API shares, and the request-scoped connection dependency."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

import psycopg
from fastapi import Depends, Request
from psycopg.rows import DictRow, dict_row
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from storefleet.api.core.errors import ServiceUnavailable
from storefleet.api.settings import Settings

Connection = psycopg.AsyncConnection[DictRow]


async def open_pool(settings: Settings, conninfo: str) -> AsyncConnectionPool[Any]:
    pool: AsyncConnectionPool[Any] = AsyncConnectionPool(
        conninfo,
        min_size=settings.db_pool_min_size,
        max_size=settings.db_pool_max_size,
        # autocommit: a statement outside `conn.transaction()` commits on its own, so a write happens
        # exactly where a service opens a transaction for it, whatever the request does afterwards.
        kwargs={
            "row_factory": dict_row,
            "autocommit": True,
            "connect_timeout": max(1, int(settings.db_connect_timeout_s)),
        },
        # A connection that died with its server is found and replaced before a request gets it.
        check=AsyncConnectionPool.check_connection,
        timeout=settings.db_connect_timeout_s,
        open=False,
        name="storefleet",
    )
    await pool.open(wait=True, timeout=settings.db_connect_timeout_s * 3)
    return pool


async def connection(request: Request) -> AsyncIterator[Connection]:
    """One pooled connection per request (autocommit; services open their own transactions)."""
    pool: AsyncConnectionPool[Any] = request.app.state.pool
    try:
        async with pool.connection() as conn:
            yield conn
    except (PoolTimeout, psycopg.OperationalError) as exc:
        raise ServiceUnavailable(
            "The database is unavailable right now; try again shortly.", headers={"Retry-After": "2"}
        ) from exc


# "function" scope: the connection goes back to the pool (and commits) before the response is sent.
DbConnection = Annotated[Connection, Depends(connection, scope="function")]
