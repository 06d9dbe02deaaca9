"""The database as a FastAPI dependency: one pooled connection per request, from the app's pool."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

import psycopg
from fastapi import Depends, Request
from psycopg_pool import PoolTimeout

from storefleet.api.core.errors import ServiceUnavailable
from storefleet.api.core.services import services
from storefleet.api.db.pool import Connection


async def connection(request: Request) -> AsyncIterator[Connection]:
    """One pooled connection per request (autocommit; services open their own transactions)."""
    pool = services(request).pool
    try:
        async with pool.connection() as conn:
            yield conn
    except (PoolTimeout, psycopg.OperationalError) as exc:
        raise ServiceUnavailable(
            "The database is unavailable right now; try again shortly.", headers={"Retry-After": "2"}
        ) from exc


# "function" scope: the connection goes back to the pool (and commits) before the response is sent.
DbConnection = Annotated[Connection, Depends(connection, scope="function")]
