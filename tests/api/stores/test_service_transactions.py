"""Transactions on the real database: the store row, its outbox row and its audit rows commit or
roll back together, and two concurrent transitions of one store cannot both win."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Iterator
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient
from psycopg.rows import dict_row

from storefleet.api.core.actor import Actor
from storefleet.api.domain import stores_repository
from storefleet.api.domain.lifecycle import Event
from storefleet.api.stores import service
from storefleet.api.stores.guardrails import NO_LIMITS, CreationLimits
from storefleet.api.stores.schemas import CreateStoreRequest
from storefleet.renderer.spec import Engine

pytestmark = pytest.mark.anyio


@pytest.fixture
def failing_inserts_into(db: Any) -> Iterator[Any]:
    """Make every INSERT into a table fail inside PostgreSQL, as a full disk or a bug would."""
    installed: list[str] = []

    def _install(table: str) -> None:
        db.execute(
            "CREATE OR REPLACE FUNCTION test_fail_insert() RETURNS trigger LANGUAGE plpgsql AS"
            " $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$"
        )
        db.execute(
            f"CREATE TRIGGER test_fail BEFORE INSERT ON {table}"
            " FOR EACH ROW EXECUTE FUNCTION test_fail_insert()"
        )
        installed.append(table)

    yield _install
    for table in installed:
        db.execute(f"DROP TRIGGER IF EXISTS test_fail ON {table}")


def _counts(db: Any) -> tuple[int, int]:
    stores = db.execute("SELECT count(*) AS n FROM stores").fetchone()["n"]
    outbox = db.execute("SELECT count(*) AS n FROM outbox").fetchone()["n"]
    return stores, outbox


@pytest.mark.parametrize("table", ["outbox", "audit_events"])
def test_store_and_outbox_roll_back_together(
    client: TestClient, tenant: Any, db: Any, failing_inserts_into: Any, table: str
) -> None:
    failing_inserts_into(table)
    response = client.post(
        "/api/v1/stores", json={"name": "acme-shop", "engine": "medusa"}, headers=tenant.headers
    )
    assert response.status_code == 500 and response.json()["error"]["code"] == "INTERNAL_ERROR"
    assert "injected" not in response.text  # internals stay in the log
    assert _counts(db) == (0, 0)


def test_delete_rolls_back_status_when_the_outbox_fails(
    client: TestClient, tenant: Any, db: Any, new_store: Any, failing_inserts_into: Any
) -> None:
    store = new_store(tenant)
    failing_inserts_into("outbox")
    assert client.delete(f"/api/v1/stores/{store['id']}", headers=tenant.headers).status_code == 500
    assert (
        db.execute("SELECT status FROM stores WHERE id = %s", (store["id"],)).fetchone()["status"]
        == "requested"
    )


@pytest.fixture
async def two_connections(database_url: str) -> AsyncIterator[tuple[Any, Any]]:
    first = await psycopg.AsyncConnection.connect(database_url, autocommit=True, row_factory=dict_row)
    second = await psycopg.AsyncConnection.connect(database_url, autocommit=True, row_factory=dict_row)
    try:
        yield first, second
    finally:
        await first.close()
        await second.close()


async def test_concurrent_transitions_one_wins(
    two_connections: tuple[Any, Any], tenant: Any, new_store: Any, set_status: Any, db: Any
) -> None:
    conn_a, conn_b = two_connections
    store = new_store(tenant)
    set_status(store["id"], "failed")
    snapshot = await stores_repository.get_store(conn_a, store["id"])  # both requests read it 'failed'
    assert snapshot is not None
    actor = Actor(id=tenant.id, name="alice", role="tenant")

    async with conn_a.transaction():
        await service.transition(conn_a, snapshot, Event.RETRY, actor)
        # B read the same 'failed' snapshot; its UPDATE now waits for A's row lock.
        loser = asyncio.create_task(_transition_in_tx(conn_b, snapshot, Event.DELETE, actor))
        await asyncio.sleep(0.2)
        assert not loser.done()
    with pytest.raises(service.StateConflict):
        await loser
    row = db.execute("SELECT status FROM stores WHERE id = %s", (store["id"],)).fetchone()
    assert row["status"] == "requested"
    transitions = db.execute("SELECT after FROM audit_events WHERE event = 'store.transition'").fetchall()
    assert [t["after"]["status"] for t in transitions] == ["requested"]


async def _transition_in_tx(conn: Any, store: dict[str, Any], event: Event, actor: Actor) -> None:
    async with conn.transaction():
        await service.transition(conn, store, event, actor)


def test_concurrent_retries_over_http_exactly_one_is_accepted(
    client: TestClient, tenant: Any, db: Any, new_store: Any, set_status: Any
) -> None:
    store = new_store(tenant)
    set_status(store["id"], "failed")
    barrier = threading.Barrier(6)
    results: list[int] = []

    def retry() -> None:
        barrier.wait()
        results.append(client.post(f"/api/v1/stores/{store['id']}/retry", headers=tenant.headers).status_code)

    threads = [threading.Thread(target=retry) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results) == [202, 409, 409, 409, 409, 409]
    actions = db.execute("SELECT action FROM outbox WHERE store_id = %s", (store["id"],)).fetchall()
    assert [a["action"] for a in actions] == ["create", "retry"]


class CountingConnection:
    """The real connection, counting the statements sent through it."""

    def __init__(self, conn: Any) -> None:
        self._conn, self.statements = conn, 0

    async def execute(self, *args: Any, **kwargs: Any) -> Any:
        self.statements += 1
        return await self._conn.execute(*args, **kwargs)

    def cursor(self, *args: Any, **kwargs: Any) -> Any:
        return _CountingCursor(self, self._conn.cursor(*args, **kwargs))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)


class _CountingCursor:
    """A cursor of the counted connection (typed rows are read through one)."""

    def __init__(self, counter: CountingConnection, cursor: Any) -> None:
        self._counter, self._cursor = counter, cursor

    async def execute(self, *args: Any, **kwargs: Any) -> Any:
        self._counter.statements += 1
        await self._cursor.execute(*args, **kwargs)
        return self

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cursor, name)


@pytest.mark.parametrize(
    ("limits", "statements"), [(NO_LIMITS, 2), (CreationLimits(per_user=5, total=1000, cooldown_s=30), 4)]
)
async def test_a_create_sends_its_three_rows_in_one_statement(
    two_connections: tuple[Any, Any], tenant: Any, db: Any, limits: CreationLimits, statements: int
) -> None:
    conn = CountingConnection(two_connections[0])
    actor = Actor(id=tenant.id, name="alice", role="tenant")
    request = CreateStoreRequest(name="acme-shop", engine=Engine.MEDUSA)
    store = await service.create_store(conn, actor, request, limits=limits)
    # one read of the clusters (placement), then the insert; a guarded create also takes the owner's
    # lock and reads the counts, in a transaction
    assert conn.statements == statements
    assert _counts(db) == (1, 1)
    audit = db.execute("SELECT event FROM audit_events WHERE store_id = %s", (store.id,)).fetchall()
    assert [a["event"] for a in audit] == ["store.requested"]


async def test_an_unguarded_create_is_all_or_nothing_outside_a_transaction(
    two_connections: tuple[Any, Any], tenant: Any, db: Any, failing_inserts_into: Any
) -> None:
    failing_inserts_into("audit_events")
    actor = Actor(id=tenant.id, name="alice", role="tenant")
    request = CreateStoreRequest(name="acme-shop", engine=Engine.MEDUSA)
    with pytest.raises(psycopg.errors.RaiseException):
        await service.create_store(two_connections[0], actor, request, limits=NO_LIMITS)
    assert _counts(db) == (0, 0)
