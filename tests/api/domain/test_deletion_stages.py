"""The removal of a store deleted with `keep_backup`, queued by the watcher once its final backup
completed (api/domain/deletion_stages.py): once, only for the Backup the store waits for, and only
while the store is deleting."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import psycopg
import pytest
from psycopg.rows import dict_row

from storefleet.api.core.actor import Actor
from storefleet.api.domain import deletion_stages

pytestmark = pytest.mark.anyio
WATCHER = Actor.system("watcher")
BACKUP = "storefleet-st-x-20260501120000"


@pytest.fixture
async def conn(database_url: str) -> AsyncIterator[Any]:
    connection = await psycopg.AsyncConnection.connect(database_url, autocommit=True, row_factory=dict_row)
    try:
        yield connection
    finally:
        await connection.close()


def _waiting(db: Any, store_id: str, status: str = "deleting", backup: str | None = BACKUP) -> None:
    db.execute("DELETE FROM outbox WHERE store_id = %s", (store_id,))
    db.execute("UPDATE stores SET status = %s, final_backup = %s WHERE id = %s", (status, backup, store_id))


def _removals(db: Any, store_id: str) -> list[dict[str, Any]]:
    return list(db.execute("SELECT * FROM outbox WHERE store_id = %s AND action = 'delete'", (store_id,)))


async def test_the_removal_is_queued_once_with_the_backup_named(
    conn: Any, db: Any, tenant: Any, new_store: Any
) -> None:
    sid = new_store(tenant)["id"]
    _waiting(db, sid)
    queued = await deletion_stages.queue_removal(conn, sid, BACKUP, WATCHER)
    assert queued is not None and queued.status == "deleting"
    assert (
        queued.status_message
        == f"final backup {BACKUP} completed; waiting for the fleet writer to commit the removal"
    )
    (removal,) = _removals(db, sid)
    assert removal["params"]["final_backup"] == BACKUP and removal["spec"] is None
    row = db.execute("SELECT final_backup FROM stores WHERE id = %s", (sid,)).fetchone()
    assert row["final_backup"] is None
    assert await deletion_stages.queue_removal(conn, sid, BACKUP, WATCHER) is None  # seen twice: nothing more
    assert len(_removals(db, sid)) == 1
    audited = db.execute(
        "SELECT detail FROM audit_events WHERE event = 'store.final_backup_completed'"
    ).fetchall()
    assert [a["detail"] for a in audited] == [{"final_backup": BACKUP}]


@pytest.mark.parametrize(
    ("status", "backup"), [("deleting", "storefleet-st-x-other"), ("deleting", None), ("failed", BACKUP)]
)
async def test_nothing_is_queued_for_another_backup_or_a_store_no_longer_waiting(
    conn: Any, db: Any, tenant: Any, new_store: Any, status: str, backup: str | None
) -> None:
    sid = new_store(tenant)["id"]
    _waiting(db, sid, status, backup)
    assert await deletion_stages.queue_removal(conn, sid, BACKUP, WATCHER) is None
    assert _removals(db, sid) == []
