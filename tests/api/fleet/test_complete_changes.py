"""Recording a batch's commits: each outbox row this call completes gets its `store.committed` audit
row in the same statement, in the batch's order (not the rows' ids), as `audit.event_row` wrote it."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

import pytest

from storefleet.api.core import request_context
from storefleet.api.domain import outbox_repository as outbox
from storefleet.api.domain import stores_repository
from storefleet.api.fleet import service

pytestmark = pytest.mark.anyio
SHA = "0123456789abcdef0123456789abcdef01234567"


@pytest.fixture
def conn(async_conn: Any) -> Any:
    return async_conn


async def test_each_completed_row_is_audited_in_batch_order(
    conn: Any, db: Any, tenant: Any, new_store: Any
) -> None:
    stores = [new_store(tenant, f"shop-{n}")["id"] for n in range(3)]
    first, second, third = sorted(await outbox.pending_changes(conn, 10), key=lambda c: c.id)
    assert [c.store_id for c in (first, second, third)] == stores
    db.execute("UPDATE outbox SET request_id = NULL WHERE id = %s", (third.id,))
    third = next(c for c in await outbox.pending_changes(conn, 10) if c.id == third.id)
    db.execute("UPDATE outbox SET processed_at = now() WHERE id = %s", (second.id,))  # another writer's
    db.execute("DELETE FROM audit_events")
    tokens = request_context.bind("req-writer-ctx", None)
    try:
        async with conn.transaction():
            await service.complete_changes(conn, [(third, SHA), (first, None), (second, SHA)])
    finally:
        request_context.unbind(tokens)
    rows = db.execute(
        "SELECT event, request_id, actor_id, actor, store_id, tenant, ip, before, after, detail"
        " FROM audit_events WHERE event = 'store.committed' ORDER BY id"
    ).fetchall()
    writer = {"event": "store.committed", "actor_id": None, "actor": "system:fleet-writer", "ip": None}

    def committed(change: Any, request_id: str | None, sha: str | None) -> dict[str, Any]:
        detail = {"commit": sha, "action": "create", "change_id": change.id}
        return {**writer, "request_id": request_id, "store_id": change.store_id, "tenant": tenant.id,
                "before": None, "after": None, "detail": detail}  # fmt: skip

    assert rows == [committed(third, "req-writer-ctx", SHA), committed(first, first.request_id, None)]
    assert first.request_id and first.request_id != "req-writer-ctx"
    recorded = db.execute("SELECT id, commit_sha FROM outbox WHERE processed_at IS NOT NULL").fetchall()
    assert {r["id"]: r["commit_sha"] for r in recorded} == {first.id: None, second.id: None, third.id: SHA}


async def test_summaries_are_the_stores_without_their_specs(conn: Any, tenant: Any, new_store: Any) -> None:
    ids = [new_store(tenant, f"shop-{n}")["id"] for n in range(2)]
    whole = await stores_repository.get_stores(conn, ids)
    summaries = await stores_repository.get_store_summaries(conn, [*ids, "st-absentabcd"], for_update=True)
    assert list(summaries) == sorted(ids)
    for store_id, summary in summaries.items():
        row = whole[store_id]
        names = [f.name for f in fields(summary)]
        assert "spec" not in names and "spec" in [f.name for f in fields(row)]
        assert {n: getattr(summary, n) for n in names} == {n: getattr(row, n) for n in names}
