"""Failed stores retried by the platform: after a backoff that doubles, up to AUTO_RETRY_MAX times since
the store was last ready or a person retried it, each attempt a lifecycle event and an outbox row like a
person's retry, audited as `system:auto-retry`; several replicas never retry a store twice."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from psycopg.types.json import Jsonb
from psycopg_pool import AsyncConnectionPool

from storefleet.api.db.pool import open_pool
from storefleet.api.domain import stores_repository
from storefleet.api.settings import Settings
from storefleet.api.stores.auto_retry import AutoRetry, RetryPolicy

pytestmark = pytest.mark.anyio

POLICY = RetryPolicy(max_retries=2, base_s=5.0, cap_s=100.0)


@pytest.fixture
async def pool(settings: Settings, database_url: str, db: Any) -> AsyncIterator[AsyncConnectionPool[Any]]:
    opened = await open_pool(settings, database_url)
    yield opened
    await opened.close()


def fail(
    db: Any,
    store_id: str,
    seconds_ago: float,
    error: str = "Stalled: RetriesExceeded",
    event: str = "failed",
    was: str = "provisioning",
) -> None:
    """The store failed `seconds_ago`, by `event`, from status `was` (its transition's audit row says)."""
    db.execute(
        "UPDATE stores SET status = 'failed', error = %s,"
        " status_changed_at = now() - make_interval(secs => %s) WHERE id = %s",
        (error, seconds_ago, store_id),
    )
    db.execute(
        "INSERT INTO audit_events (event, actor, store_id, before, after)"
        " VALUES ('store.transition', 'test', %s, %s, %s)",
        (store_id, Jsonb({"status": was}), Jsonb({"status": "failed", "event": event})),
    )


def row(db: Any, store_id: str) -> dict[str, Any]:
    return dict(
        db.execute(
            "SELECT status, status_message, auto_retries FROM stores WHERE id = %s", (store_id,)
        ).fetchone()
    )


def retries_queued(db: Any, store_id: str) -> int:
    found = db.execute(
        "SELECT count(*) AS n FROM outbox WHERE store_id = %s AND action = 'retry'", (store_id,)
    ).fetchone()
    return int(found["n"])


async def test_a_failed_store_is_retried_after_a_doubling_backoff_up_to_the_maximum(
    pool: AsyncConnectionPool[Any], client: TestClient, tenant: Any, new_store: Any, db: Any
) -> None:
    store_id = new_store(tenant, "flaky-shop")["id"]
    retrier = AutoRetry(pool, POLICY, tick_s=1)
    fail(db, store_id, seconds_ago=2)
    assert await retrier.retry_due() == []  # 5 s after the failure, not before
    fail(db, store_id, seconds_ago=6)
    assert await retrier.retry_due() == [store_id]
    first = row(db, store_id)
    assert first["status"] == "requested" and first["auto_retries"] == 1
    assert first["status_message"].startswith("automatic retry 1 of 2 (failed: Stalled: RetriesExceeded)")
    assert retries_queued(db, store_id) == 1
    event = db.execute(
        "SELECT actor, detail FROM audit_events WHERE store_id = %s AND event = 'store.transition'"
        " ORDER BY id DESC LIMIT 1",
        (store_id,),
    ).fetchone()
    assert event["actor"] == "system:auto-retry" and event["detail"]["auto_retry"] == 1

    fail(db, store_id, seconds_ago=6)  # the second wait is twice the first
    assert await retrier.retry_due() == []
    fail(db, store_id, seconds_ago=11)
    assert await retrier.retry_due() == [store_id]
    fail(db, store_id, seconds_ago=1_000)
    assert await retrier.retry_due() == []  # two retries made: it waits for a person now
    assert row(db, store_id)["auto_retries"] == 2 and retries_queued(db, store_id) == 2

    person = client.post(f"/api/v1/stores/{store_id}/retry", headers=tenant.headers)
    assert person.status_code == 202, person.text
    assert row(db, store_id)["auto_retries"] == 0  # a person's retry gives the budget back
    fail(db, store_id, seconds_ago=6)
    assert await retrier.retry_due() == [store_id]


async def test_a_store_that_became_ready_gets_its_retries_back(
    pool: AsyncConnectionPool[Any], tenant: Any, new_store: Any, db: Any
) -> None:
    store_id = new_store(tenant, "healed-shop")["id"]
    db.execute("UPDATE stores SET auto_retries = 2 WHERE id = %s", (store_id,))
    async with pool.connection() as conn:
        await stores_repository.record_ready(conn, store_id, "setup-key", None)
    assert row(db, store_id)["auto_retries"] == 0


async def test_replicas_retry_each_store_once_and_zero_turns_it_off(
    pool: AsyncConnectionPool[Any], tenant: Any, new_store: Any, db: Any
) -> None:
    ids = [new_store(tenant, f"shop-{n}")["id"] for n in range(6)]
    for store_id in ids:
        fail(db, store_id, seconds_ago=60)
    assert await AutoRetry(pool, RetryPolicy(0, 5.0, 100.0), tick_s=1).retry_due() == []
    one, other = AutoRetry(pool, POLICY, tick_s=1), AutoRetry(pool, POLICY, tick_s=1)
    first, second = await asyncio.gather(one.retry_due(), other.retry_due())
    assert sorted(first + second) == sorted(ids)
    assert all(retries_queued(db, store_id) == 1 for store_id in ids)


async def test_a_failure_a_retry_cannot_cure_waits_for_a_person(
    pool: AsyncConnectionPool[Any], tenant: Any, new_store: Any, db: Any
) -> None:
    refused, closed, timed_out = (new_store(tenant, f"shop-{n}")["id"] for n in range(3))
    fail(db, refused, seconds_ago=60, error="the spec no longer renders", event="commit_refused")
    fail(db, closed, seconds_ago=60, error="pull request closed", event="proposal_closed")
    fail(db, timed_out, seconds_ago=60, error="not ready within 600s", event="timed_out")
    assert await AutoRetry(pool, POLICY, tick_s=1).retry_due() == [timed_out]


async def test_a_store_that_failed_while_being_deleted_is_never_retried_back_into_git(
    pool: AsyncConnectionPool[Any], tenant: Any, new_store: Any, db: Any
) -> None:
    """A retry re-creates the store: for one that timed out while it was being deleted, that would
    bring back what its owner asked to remove. Deleting it again is theirs to do."""
    deleting, updating = (new_store(tenant, f"shop-{n}")["id"] for n in range(2))
    fail(db, deleting, seconds_ago=60, error="not removed within 600s", event="timed_out", was="deleting")
    fail(db, updating, seconds_ago=60, error="not ready within 600s", event="timed_out", was="updating")
    assert await AutoRetry(pool, POLICY, tick_s=1).retry_due() == [updating]
    assert row(db, deleting)["status"] == "failed" and retries_queued(db, deleting) == 0


def test_the_backoff_doubles_and_stops_at_the_cap() -> None:
    assert [POLICY.delay_s(n) for n in range(6)] == [5.0, 10.0, 20.0, 40.0, 80.0, 100.0]
