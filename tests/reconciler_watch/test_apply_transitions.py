"""The act step's transitions: a batch is written in a few statements, each store's audit row still
carries the request its store acts for, a store that moved since it was read is skipped while the
others commit, and the ready ones have their setup recorded done."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, cast

import psycopg
import pytest
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool

from storefleet.api.domain.lifecycle import StoreStatus
from storefleet.reconciler_watch.apply import StoreUpdater
from storefleet.reconciler_watch.decide import Decision
from storefleet.reconciler_watch.nudge import Nudger
from storefleet.reconciler_watch.observed import Observed, store_view
from storefleet.reconciler_watch.watcher import WatcherConfig
from tests.reconciler_watch.recording_cluster import RecordingCluster
from tests.reconciler_watch.rows import NOW, insert_store, store_row

pytestmark = pytest.mark.anyio
REVISION = "f" * 40


@pytest.fixture
async def pool(database_url: str, db: psycopg.Connection[Any]) -> AsyncIterator[AsyncConnectionPool[Any]]:
    kwargs = {"autocommit": True, "row_factory": dict_row}
    async with AsyncConnectionPool(database_url, min_size=1, max_size=2, kwargs=kwargs, open=False) as opened:
        yield opened


async def test_a_batch_of_transitions_keeps_each_stores_request_and_skips_a_moved_store(
    pool: AsyncConnectionPool[Any], db: psycopg.Connection[Any]
) -> None:
    requests = {
        "st-ready00001": "req-a",
        "st-ready00002": "req-a",
        "st-ready00003": "req-b",
        "st-failing001": None,
        "st-moved00001": "req-c",
    }
    rows = {sid: store_row(sid, last_request_id=request) for sid, request in requests.items()}
    for row in rows.values():
        insert_store(db, row)
    db.execute("UPDATE stores SET status = 'failed' WHERE id = 'st-moved00001'")  # an API call meanwhile
    decided = [
        (
            row,
            store_view(row),
            Decision(StoreStatus.READY, "ready at abc", "healthy"),
            Observed(NOW, None, revision=REVISION),
        )
        for sid, row in rows.items()
        if sid != "st-failing001"
    ]
    failing = rows["st-failing001"]
    decided.insert(
        2,
        (
            failing,
            store_view(failing),
            Decision(StoreStatus.FAILED, "Helm: broken", "stalled", error="Helm: broken"),
            Observed(NOW, None),
        ),
    )
    config = WatcherConfig(engine="flux")
    double = cast(Any, RecordingCluster())
    await StoreUpdater(pool, double, config, Nudger(double, config)).apply(decided)

    stores = {
        r["id"]: r
        for r in db.execute(
            "SELECT id, status, setup_done_key, setup_generation, observed_revision FROM stores"
        )
    }
    assert {sid: r["status"] for sid, r in stores.items()} == {
        "st-ready00001": "ready",
        "st-ready00002": "ready",
        "st-ready00003": "ready",
        "st-failing001": "failed",
        "st-moved00001": "failed",
    }
    for sid in ("st-ready00001", "st-ready00002", "st-ready00003"):
        done = stores[sid]
        assert done["setup_done_key"] == store_view(rows[sid]).setup_key
        assert (done["setup_generation"], done["observed_revision"]) == (1, REVISION)
    assert stores["st-failing001"]["setup_done_key"] is None
    audited = {
        r["store_id"]: (r["request_id"], r["after"]["status"], r["detail"]["observed_revision"])
        for r in db.execute(
            "SELECT store_id, request_id, after, detail FROM audit_events WHERE event = 'store.transition'"
        )
    }
    assert audited == {
        "st-ready00001": ("req-a", "ready", REVISION),
        "st-ready00002": ("req-a", "ready", REVISION),
        "st-ready00003": ("req-b", "ready", REVISION),
        "st-failing001": (None, "failed", None),
    }
