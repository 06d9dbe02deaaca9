"""Waking the fleet writer after outbox rows are committed.

The wake-up is a NOTIFY sent *after* the enqueueing transaction commits, on its own, rather than inside
it: PostgreSQL serialises the commits of every transaction that notifies (one lock on the notification
queue, held through the commit's WAL flush), so a NOTIFY per store request turned concurrent requests
into a queue of fsyncs. A NOTIFY alone writes no data and commits without waiting for the disk.

Bursts collapse: while one NOTIFY is in flight (or in the short pause after it), further rings ask for
exactly one more after it, so every committed row is followed by a NOTIFY sent after its commit, and a
busy API sends at most one per `COALESCE_S` (the writer drains everything pending when woken). A lost
wake-up (the process dies between the commit and the NOTIFY) costs latency only: the writer also polls
the outbox.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from typing import Any

import psycopg
from psycopg_pool import AsyncConnectionPool

OUTBOX_CHANNEL = "storefleet_outbox"
COALESCE_S = 0.01

log = logging.getLogger(__name__)

# Connections whose current work enqueued outbox rows; the pool's return hook rings for them.
_enqueued_on: weakref.WeakSet[psycopg.AsyncConnection[Any]] = weakref.WeakSet()


def note_enqueued(conn: psycopg.AsyncConnection[Any]) -> None:
    _enqueued_on.add(conn)


class OutboxDoorbell:
    def __init__(self) -> None:
        self._pool: AsyncConnectionPool[Any] | None = None
        self._task: asyncio.Task[None] | None = None
        self._again = False
        self.rings_sent = 0

    def attach(self, pool: AsyncConnectionPool[Any]) -> None:
        self._pool = pool

    async def connection_returned(self, conn: psycopg.AsyncConnection[Any]) -> None:
        """Pool return hook: the connection's transactions are over, so its rows are committed."""
        if conn in _enqueued_on:
            _enqueued_on.discard(conn)
            self.ring()

    def ring(self) -> None:
        if self._task is not None and not self._task.done():
            self._again = True
            return
        self._task = asyncio.get_running_loop().create_task(self._notify_until_quiet())

    async def _notify_until_quiet(self) -> None:
        while True:
            self._again = False
            try:
                await self._notify()
            except (psycopg.Error, OSError, TimeoutError) as exc:
                log.warning("could not wake the fleet writer (it will poll): %s", exc)
                return
            if not self._again:
                return
            await asyncio.sleep(COALESCE_S)

    async def _notify(self) -> None:
        if self._pool is None:
            return
        async with self._pool.connection() as conn:
            await conn.execute("SELECT pg_notify(%s, '')", (OUTBOX_CHANNEL,))
        self.rings_sent += 1

    async def aclose(self) -> None:
        """Send a wake-up still owed, so rows committed just before shutdown are not left to the poll."""
        if self._task is not None:
            await asyncio.gather(self._task, return_exceptions=True)
