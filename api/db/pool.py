"""The connection pool the API and the workers share (the request-scoped connection: `db.dependencies`)."""

from __future__ import annotations

import time
import weakref
from collections.abc import Awaitable, Callable
from typing import Any

import psycopg
from psycopg import sql
from psycopg.rows import DictRow, dict_row
from psycopg_pool import AsyncConnectionPool

from storefleet.api.db import json_codec
from storefleet.api.settings import Settings

json_codec.install()

Connection = psycopg.AsyncConnection[DictRow]

# A connection back from a request within this many seconds is trusted without a round trip: under
# load every checkout would otherwise pay one extra query, while a server restart is noticed on the
# first request after any idle pause (and a request that still meets a dead connection gets a 503).
_TRUST_RECENT_S = 2.0
_returned_at: weakref.WeakKeyDictionary[psycopg.AsyncConnection[Any], float] = weakref.WeakKeyDictionary()


ReturnHook = Callable[[psycopg.AsyncConnection[Any]], Awaitable[None]]


def _on_return(hook: ReturnHook | None) -> ReturnHook:
    async def mark_returned(conn: psycopg.AsyncConnection[Any]) -> None:
        _returned_at[conn] = time.monotonic()
        if hook is not None:
            await hook(conn)

    return mark_returned


async def _check_if_idle(conn: psycopg.AsyncConnection[Any]) -> None:
    if time.monotonic() - _returned_at.get(conn, 0.0) > _TRUST_RECENT_S:
        await AsyncConnectionPool.check_connection(conn)


def _session_settings(
    statement_timeout_s: float,
) -> Callable[[psycopg.AsyncConnection[Any]], Awaitable[None]]:
    """Set once per new connection (a SET, not a startup option, which connection poolers refuse)."""

    async def configure(conn: psycopg.AsyncConnection[Any]) -> None:
        if statement_timeout_s > 0:
            timeout_ms = round(statement_timeout_s * 1000)
            await conn.execute(sql.SQL("SET statement_timeout = {}").format(sql.Literal(timeout_ms)))

    return configure


async def open_pool(
    settings: Settings, conninfo: str, *, on_return: ReturnHook | None = None
) -> AsyncConnectionPool[Any]:
    """`on_return` runs as each connection comes back, its transactions finished (e.g. to wake a
    worker for what they committed)."""
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
        configure=_session_settings(settings.db_statement_timeout_s),
        # A connection that died with its server is found and replaced before a request gets it.
        check=_check_if_idle,
        reset=_on_return(on_return),
        timeout=settings.db_connect_timeout_s,
        open=False,
        name="storefleet",
    )
    await pool.open(wait=True, timeout=settings.db_connect_timeout_s * 3)
    return pool
