"""One leader per role and name across processes: the cluster watcher of a cluster, the git-side
sync of a fleet repo. A PostgreSQL session advisory lock on a connection of its own, as the fleet
writer does, rather than Kubernetes `Lease` objects: every replica already shares PostgreSQL (the
writer, the guardrails and the rate limits live there), a lock is released the moment its holder's
session ends, and a platform running outside the cluster, or with no cluster, needs no API rights
for it.

The leader runs `lead(term)`; a standby tries the lock every `poll_s`. A leader checks its session
every `check_s` (a bounded `SELECT 1`): a session that broke or stopped answering ends the term at
once, since the database has released — or will release — the lock for another replica to take. A
killed leader's session ends with its socket (at once on the same host, within the TCP keepalive
bound below across a network), so a standby leads within that plus `poll_s`.

Who leads what is read from `pg_locks` joined to `pg_stat_activity` (the holder's
`application_name`), so it is always the database's own truth, never a row someone forgot to clear.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg
from psycopg.rows import dict_row

log = logging.getLogger(__name__)

# The first int of the two-int advisory keys (apart from the guardrails' 0x5F0C00xx and the writer's
# bigint keys); the second is a hash of the name.
ROLES = {"watcher": 0x5F0C0020, "git-sync": 0x5F0C0021}
# A network partition: the server drops the session after ~5 + 3 * 2 s without an answer.
_KEEPALIVE = {"keepalives": 1, "keepalives_idle": 5, "keepalives_interval": 2, "keepalives_count": 3}
_APP_NAME_MAX = 63  # PostgreSQL's NAMEDATALEN - 1


Lead = Callable[[asyncio.Event], Awaitable[None]]  # runs one term until its event is set


def name_key(name: str) -> int:
    """A stable signed 32-bit int for `name` (the lock key's second half)."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:4], "big", signed=True)


def this_process() -> str:
    return f"{socket.gethostname()}/{os.getpid()}"


@dataclass(frozen=True)
class Leader:
    holder: str  # the leading session's application_name: `storefleet <role> <host>/<pid>`
    since: datetime  # when that session connected


class Leadership:
    def __init__(
        self,
        conninfo: str,
        role: str,
        name: str,
        *,
        poll_s: float = 2.0,
        check_s: float = 2.0,
        identity: str | None = None,
    ) -> None:
        self.role, self.name = role, name
        self.key = (ROLES[role], name_key(name))
        self._conninfo, self._poll_s, self._check_s = conninfo, poll_s, check_s
        self.identity = f"storefleet {role} {identity or this_process()}"[:_APP_NAME_MAX]
        self.leading = False
        self.terms = 0  # terms this process has led (for tests and the logs)

    async def run(self, stop: asyncio.Event, lead: Lead) -> None:
        """Lead when the lock is ours, stand by otherwise, until `stop`."""
        while not stop.is_set():
            try:
                async with await self._connect() as session:
                    if await self._try_lock(session):
                        await self._term(session, stop, lead)
            except (psycopg.Error, OSError) as exc:
                log.warning("%s %s: the leadership session failed (%s)", self.role, self.name, exc)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=self._poll_s)

    async def _connect(self) -> psycopg.AsyncConnection[Any]:
        conninfo = psycopg.conninfo.make_conninfo(
            self._conninfo,
            application_name=self.identity,
            connect_timeout=max(1, int(self._check_s * 2)),
            **_KEEPALIVE,
        )
        return await psycopg.AsyncConnection.connect(conninfo, autocommit=True, row_factory=dict_row)

    async def _try_lock(self, session: psycopg.AsyncConnection[Any]) -> bool:
        cur = await session.execute("SELECT pg_try_advisory_lock(%s, %s) AS ok", self.key)
        row = await cur.fetchone()
        return bool(row and row["ok"])

    async def _term(
        self,
        session: psycopg.AsyncConnection[Any],
        stop: asyncio.Event,
        lead: Lead,
    ) -> None:
        term = asyncio.Event()
        self.leading, self.terms = True, self.terms + 1
        log.info("%s %s: leading (%s)", self.role, self.name, self.identity)
        task = asyncio.ensure_future(lead(term))
        try:
            while not stop.is_set() and not task.done():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(_first(stop, task), timeout=self._check_s)
                if not stop.is_set() and not task.done() and not await self._alive(session):
                    log.warning("%s %s: lost the leadership session; standing down", self.role, self.name)
                    break
        finally:
            self.leading = False
            term.set()
            await asyncio.gather(task, return_exceptions=True)
        failure = task.exception() if task.done() and not task.cancelled() else None
        if failure is not None:
            raise failure  # the runtime's guard logs it and runs the leadership again

    async def _alive(self, session: psycopg.AsyncConnection[Any]) -> bool:
        try:
            await asyncio.wait_for(session.execute("SELECT 1"), timeout=self._check_s)
        except (psycopg.Error, OSError, TimeoutError):
            return False
        return True


async def _first(stop: asyncio.Event, task: asyncio.Task[None]) -> None:
    waiter = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({waiter, task}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        waiter.cancel()


async def current_leader(conn: psycopg.AsyncConnection[Any], role: str, name: str) -> Leader | None:
    """The session leading `role` for `name` now, from the database's own lock table."""
    cur = await conn.execute(
        "SELECT a.application_name AS holder, a.backend_start AS since FROM pg_locks l"
        " JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted"
        " AND l.classid = %s AND l.objid = %s AND l.objsubid = 2"
        " AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())",
        (ROLES[role], name_key(name) & 0xFFFFFFFF),
    )
    row = await cur.fetchone()
    return Leader(row["holder"], row["since"]) if row else None
