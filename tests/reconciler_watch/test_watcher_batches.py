"""An evaluation judges its stores in bounded batches, each read once; informer events name stores
into one set that wakes the loop once, however many come at a time (a first list names them all)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, cast

import psycopg
import pytest
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool

from storefleet.api.domain.store_rows import ConvergingStore
from storefleet.reconciler_watch import watcher as watcher_module
from storefleet.reconciler_watch.cluster import HELMRELEASES
from storefleet.reconciler_watch.watcher import ClusterWatcher, WatcherConfig
from tests.reconciler_watch.recording_cluster import RecordingCluster
from tests.reconciler_watch.rows import insert_store, store_row

pytestmark = pytest.mark.anyio


@pytest.fixture
async def pool(database_url: str, db: psycopg.Connection[Any]) -> AsyncIterator[AsyncConnectionPool[Any]]:
    kwargs = {"autocommit": True, "row_factory": dict_row}
    async with AsyncConnectionPool(database_url, min_size=1, max_size=2, kwargs=kwargs, open=False) as opened:
        yield opened


def flux_watcher(pool: Any = None) -> ClusterWatcher:
    return ClusterWatcher(
        pool, "", cast(Any, RecordingCluster()), cast(Any, None), WatcherConfig(engine="flux")
    )


def recording_batches(watcher: ClusterWatcher) -> list[list[str]]:
    """The ids of each batch the watcher judges (judging them does nothing)."""
    batches: list[list[str]] = []

    async def judge(rows: list[ConvergingStore]) -> int:
        batches.append([row.id for row in rows])
        return len(rows)

    watcher._judge = judge  # type: ignore[method-assign]
    return batches


async def test_every_converging_store_is_judged_once_in_bounded_batches(
    pool: AsyncConnectionPool[Any], db: psycopg.Connection[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(watcher_module, "EVALUATION_BATCH", 2)
    converging = [f"st-batch{n:05d}" for n in range(5)]
    for store_id in converging:
        insert_store(db, store_row(store_id))
    insert_store(db, store_row("st-running01", status="ready"))
    watcher = flux_watcher(pool)
    batches = recording_batches(watcher)

    # named with the pass: two converging stores (read once, with the others) and a running one
    judged = await watcher.evaluate(None, also=[converging[1], converging[4], "st-running01"])

    assert judged == 6
    assert batches == [converging[:2], converging[2:4], converging[4:], ["st-running01"]]


async def test_named_stores_are_read_in_batches_too(
    pool: AsyncConnectionPool[Any], db: psycopg.Connection[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(watcher_module, "EVALUATION_BATCH", 2)
    named = [f"st-named{n:05d}" for n in range(3)]
    for store_id in named:
        insert_store(db, store_row(store_id))
    watcher = flux_watcher(pool)
    batches = recording_batches(watcher)
    assert await watcher.evaluate([*named, "st-unknown01"]) == 3
    assert batches == [named[:2], named[2:]]


class Loop:
    def __init__(self) -> None:
        self.scheduled: list[Any] = []

    def call_soon_threadsafe(self, callback: Any) -> None:
        self.scheduled.append(callback)


def test_many_events_name_their_stores_with_one_wake_up() -> None:
    watcher = flux_watcher()
    loop = Loop()
    watcher._loop = cast(Any, loop)
    sink = watcher._sink(HELMRELEASES)
    ids = [f"st-event{n:05d}" for n in range(1000)]
    for store_id in ids * 2:
        sink("SYNCED", store_id)
    sink("SYNCED", None)  # an object without a store label: nothing named

    assert len(loop.scheduled) == 1
    assert watcher._take_named() == set(ids)
    assert watcher._take_named() == set()
    sink("MODIFIED", ids[0])
    assert len(loop.scheduled) == 2 and watcher._take_named() == {ids[0]}
