"""The fleet writer's wake-up: a NOTIFY after the enqueueing transaction commits, never inside it,
with bursts of requests collapsed into a few notifications."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient
from psycopg_pool import AsyncConnectionPool

from storefleet.api.outbox.doorbell import OUTBOX_CHANNEL, OutboxDoorbell, note_enqueued

pytestmark = pytest.mark.anyio


def _drain(listener: psycopg.Connection[Any], wait_s: float, stop_after: int | None = None) -> int:
    return sum(1 for _ in listener.notifies(timeout=wait_s, stop_after=stop_after))


@pytest.fixture
def listener(database_url: str, db: Any) -> Any:
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(f"LISTEN {OUTBOX_CHANNEL}")
        yield conn


def test_an_accepted_store_wakes_the_writer(
    client: TestClient, tenant: Any, listener: psycopg.Connection[Any]
) -> None:
    response = client.post(
        "/api/v1/stores", json={"name": "wake-me", "engine": "medusa"}, headers=tenant.headers
    )
    assert response.status_code == 202
    assert _drain(listener, 2.0, stop_after=1) >= 1


def test_a_rejected_request_sends_no_wake_up(
    client: TestClient, tenant: Any, listener: psycopg.Connection[Any]
) -> None:
    bad = client.post(
        "/api/v1/stores", json={"name": "Not Valid!", "engine": "medusa"}, headers=tenant.headers
    )
    assert bad.status_code == 422
    assert _drain(listener, 0.5) == 0


async def _settled(doorbell: OutboxDoorbell, wait_s: float = 2.0) -> None:
    """The pool hands returned connections to its worker task: wait until a ring came and finished."""
    deadline = asyncio.get_running_loop().time() + wait_s
    # a counter bumped by the pool's own worker task: nothing to wait on but the counter itself
    while doorbell.rings_sent == 0 and asyncio.get_running_loop().time() < deadline:  # noqa: ASYNC110
        await asyncio.sleep(0.02)
    await asyncio.sleep(0.1)
    await doorbell.aclose()


@pytest.fixture
async def pool(database_url: str, db: Any) -> AsyncIterator[tuple[AsyncConnectionPool[Any], OutboxDoorbell]]:
    doorbell = OutboxDoorbell()
    async with AsyncConnectionPool(
        database_url, min_size=1, max_size=4, kwargs={"autocommit": True}, reset=doorbell.connection_returned
    ) as opened:
        doorbell.attach(opened)
        yield opened, doorbell
        await doorbell.aclose()


async def test_the_notify_comes_after_the_commit_not_inside_it(
    pool: tuple[AsyncConnectionPool[Any], OutboxDoorbell], listener: psycopg.Connection[Any]
) -> None:
    opened, doorbell = pool
    async with opened.connection() as conn:
        async with conn.transaction():
            await conn.execute("SELECT 1")
            note_enqueued(conn)
        # committed, but the connection is still checked out: nothing sent yet
        await asyncio.sleep(0.1)
        assert doorbell.rings_sent == 0
    await _settled(doorbell)
    assert doorbell.rings_sent == 1
    assert _drain(listener, 1.0) == 1


async def test_a_burst_collapses_but_the_last_ring_is_always_followed_by_a_notify(
    pool: tuple[AsyncConnectionPool[Any], OutboxDoorbell], listener: psycopg.Connection[Any]
) -> None:
    opened, doorbell = pool

    async def one_request() -> None:
        async with opened.connection() as conn:
            note_enqueued(conn)

    await asyncio.gather(*(one_request() for _ in range(50)))
    await _settled(doorbell)
    assert 1 <= doorbell.rings_sent < 50
    # the last ring came in while a NOTIFY was in flight or started one: either way one followed it
    assert doorbell._task is not None and doorbell._task.done() and not doorbell._again
    assert _drain(listener, 1.0, stop_after=1) >= 1


async def test_an_unreachable_database_loses_only_the_wake_up(database_url: str) -> None:
    doorbell = OutboxDoorbell()
    async with AsyncConnectionPool(database_url, min_size=1, max_size=1, timeout=0.5) as broken:
        doorbell.attach(broken)
        async with broken.connection() as held:  # the only connection: the NOTIFY cannot get one
            doorbell.ring()
            await doorbell.aclose()
            assert held is not None
    assert doorbell.rings_sent == 0
