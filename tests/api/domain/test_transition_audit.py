"""A batch's status moves and their audit rows are one statement: the database builds each
`store.transition` row from the move, as `audit.event_row` would, for the moves that happened and in
the batch's order."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

import pytest
from prometheus_client import REGISTRY

from storefleet.api.core import request_context
from storefleet.api.core.actor import Actor
from storefleet.api.domain import audit
from storefleet.api.domain import lifecycle_service as lifecycle
from storefleet.api.domain import stores_repository as repository
from storefleet.api.domain.lifecycle import Event, StoreStatus
from storefleet.api.domain.lifecycle_service import Occurrence
from storefleet.api.domain.store_rows import StoreWrites

pytestmark = pytest.mark.anyio
ADMIN = Actor(id="u-audit-admin", name="audit-admin", role="admin")
# Array elements psycopg's text format would have to quote or escape; the moves send them in binary.
AWKWARD = 'a "quoted" {braced}, back\\slash and NULL'


@pytest.fixture
def conn(async_conn: Any) -> Any:
    return async_conn


@contextmanager
def request_bound() -> Iterator[None]:
    """A request's id and client address, as the middleware binds them (in the test's own task)."""
    tokens = request_context.bind("req-audit-1", "203.0.113.9")
    try:
        yield
    finally:
        request_context.unbind(tokens)


def _ready_stores(db: Any, new_store: Any, set_status: Any, tenant: Any, count: int) -> list[str]:
    ids = [new_store(tenant, f"shop-{n}")["id"] for n in range(count)]
    for store_id in ids:
        set_status(store_id, "ready")
    db.execute("DELETE FROM audit_events")
    return sorted(ids, reverse=True)  # batches list them against id order: their rows must follow it


COLUMNS = (
    "event",
    "request_id",
    "actor_id",
    "actor",
    "store_id",
    "tenant",
    "ip",
    "before",
    "after",
    "detail",
)


def _transitions(db: Any) -> list[dict[str, Any]]:
    return db.execute(
        f"SELECT {', '.join(COLUMNS)} FROM audit_events WHERE event = 'store.transition' ORDER BY id"
    ).fetchall()


def _as_event_row(occurrence: Occurrence[Any], target: str) -> dict[str, Any]:
    """The row `audit.event_row` makes of a move (what the lifecycle service recorded before)."""
    store = occurrence.store
    after = {
        "status": target,
        "message": occurrence.message,
        "error": occurrence.error,
        "event": occurrence.event.value,
    }
    row = audit.event_row(
        "store.transition",
        ADMIN,
        store_id=store.id,
        tenant=store.owner_id,
        before={"status": store.status},
        after=after,
        detail=occurrence.detail,
    )
    return {name: getattr(row, name) for name in COLUMNS}


def _moved_count(source: str, target: str) -> float:
    labels = {"from_status": source, "to_status": target}
    return REGISTRY.get_sample_value("store_transitions_total", labels) or 0.0


async def test_the_moves_that_happen_are_audited_in_order_as_event_row_writes_them(
    conn: Any, db: Any, tenant: Any, new_store: Any, set_status: Any
) -> None:
    first, second, moved_meanwhile = _ready_stores(db, new_store, set_status, tenant, 3)
    stores = await repository.get_stores(conn, [first, second, moved_meanwhile])
    set_status(moved_meanwhile, "failed")  # after it was read: its event no longer applies
    occurrences = [
        Occurrence(stores[second], Event.SPEC_CHANGED, AWKWARD, None, {"rollout_id": "ro-x", "wave": 2}),
        Occurrence(stores[moved_meanwhile], Event.SPEC_CHANGED, "skipped"),
        Occurrence(stores[first], Event.SPEC_CHANGED, None, "an error", None),
        # the same store again: a round of its own, judged in the status its first event left
        Occurrence(stores[first], Event.DELETE, "deleting"),
    ]
    ready_to_updating = _moved_count("ready", "updating")
    with request_bound():
        async with conn.transaction():
            moved = await lifecycle.offer_many(conn, occurrences, ADMIN)
        expected = [
            _as_event_row(occurrences[0], "updating"),
            _as_event_row(occurrences[2], "updating"),
            _as_event_row(
                replace(occurrences[3], store=replace(stores[first], status=StoreStatus.UPDATING)), "deleting"
            ),
        ]
    assert sorted(row.id for row in moved) == sorted([first, second, first])
    assert _transitions(db) == expected
    assert expected[0]["request_id"] == "req-audit-1" and expected[0]["ip"] == "203.0.113.9"
    assert _moved_count("ready", "updating") == ready_to_updating + 2
    status = db.execute("SELECT status_message FROM stores WHERE id = %s", (second,)).fetchone()
    assert status["status_message"] == AWKWARD


async def test_a_batch_with_its_columns_is_audited_the_same_way(
    conn: Any, db: Any, tenant: Any, new_store: Any, set_status: Any
) -> None:
    ids = _ready_stores(db, new_store, set_status, tenant, 3)
    stores = await repository.get_stores(conn, ids)
    occurrences = [Occurrence(stores[i], Event.SPEC_CHANGED, f"wave: {AWKWARD}") for i in ids]
    specs = {i: ({**stores[i].spec, "plan": "large"}, f"hash-{n}") for n, i in enumerate(ids)}
    with request_bound():
        async with conn.transaction():
            await lifecycle.offer_with_writes(conn, occurrences, ADMIN, StoreWrites(specs=specs))
        expected = [_as_event_row(o, "updating") for o in occurrences]
    assert _transitions(db) == expected
    rows = db.execute("SELECT id, spec, spec_hash FROM stores WHERE id = ANY(%s)", (ids,)).fetchall()
    assert {r["id"]: (r["spec"], r["spec_hash"]) for r in rows} == specs
