"""The crash-loop signal in the watcher's I/O step: a running store's crash facts come from the slim
pod cache (its namespace, its label); the signal off means no pod cache at all; a platform that may
not list pods still starts (the signal is off); and a degraded store is judged again when its window
ends, on the tick, which no watch event marks."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import psycopg
import pytest
from kubernetes.client.exceptions import ApiException
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool

from storefleet.reconciler_watch.cluster import STORE_PODS, Resource
from storefleet.reconciler_watch.observed import store_view
from storefleet.reconciler_watch.pod_health import CrashLoopRule
from storefleet.reconciler_watch.setup_job import setup_key
from storefleet.reconciler_watch.watcher import ClusterWatcher, WatcherConfig
from storefleet.renderer.manifests import ANNOTATION_SPEC_HASH
from tests.reconciler_watch.recording_cluster import RecordingCluster, sync
from tests.reconciler_watch.rows import NOW, insert_store, store_row

pytestmark = pytest.mark.anyio
SID = "st-crashloop1"
RULE = CrashLoopRule(restarts=5, window=timedelta(seconds=600))


def pod(store_id: str, restarts: int, waiting: bool, ended: datetime, name: str = "web-1") -> dict[str, Any]:
    state = {"waiting": {"reason": "CrashLoopBackOff"}} if waiting else {"running": {}}
    container = {"name": "wordpress", "restartCount": restarts, "state": state,
                 "lastState": {"terminated": {"reason": "OOMKilled", "exitCode": 137,
                                              "finishedAt": ended.isoformat()}}}  # fmt: skip
    return {
        "metadata": {"name": name, "namespace": SID, "labels": {"storefleet.io/store": store_id}},
        "status": {"phase": "Running", "containerStatuses": [container]},
    }


def healthy_release(store_id: str, spec_hash: str) -> dict[str, Any]:
    ready = {"type": "Ready", "status": "True", "reason": "UpgradeSucceeded", "observedGeneration": 1}
    labels, annotations = {"storefleet.io/store": store_id}, {ANNOTATION_SPEC_HASH: spec_hash}
    meta = {
        "name": store_id,
        "namespace": store_id,
        "generation": 1,
        "labels": labels,
        "annotations": annotations,
    }
    return {"metadata": meta, "status": {"observedGeneration": 1, "conditions": [ready]}}


def flux_watcher(cluster: Any, pool: Any = None, rule: CrashLoopRule = RULE) -> ClusterWatcher:
    config = WatcherConfig(engine="flux", crash_loop=rule)
    return ClusterWatcher(pool, "", cast(Any, cluster), cast(Any, None), config)


async def test_a_running_stores_crashes_come_from_its_pods_in_the_cache() -> None:
    cluster = RecordingCluster()
    ended = NOW - timedelta(seconds=30)
    cluster.objects["pods"] = [
        pod(SID, 6, True, ended),
        pod("st-someoneelse", 9, True, ended, name="stray-1"),  # in the namespace, not the store's
        pod(SID, 1, True, ended, name="web-2"),  # under the threshold: not even kept
    ]
    watcher = flux_watcher(cluster)
    sync(watcher.informers)
    ready = store_row(SID, status="ready")
    seen = await watcher._observe(ready, store_view(ready), NOW)
    assert [(c.pod, c.restarts, c.reason) for c in seen.pod_crashes] == [("web-1", 6, "OOMKilled")]
    converging = store_row(SID)
    assert (await watcher._observe(converging, store_view(converging), NOW)).pod_crashes == ()


async def test_with_the_signal_off_no_pod_is_watched() -> None:
    cluster = RecordingCluster()
    cluster.objects["pods"] = [pod(SID, 6, True, NOW)]
    watcher = flux_watcher(cluster, rule=CrashLoopRule(restarts=0))
    assert STORE_PODS.key not in watcher.informers
    sync(watcher.informers)
    ready = store_row(SID, status="ready")
    assert (await watcher._observe(ready, store_view(ready), NOW)).pod_crashes == ()


class PodsForbidden(RecordingCluster):
    def list_objects(self, resource: Resource) -> tuple[list[dict[str, Any]], str]:
        if resource == STORE_PODS:
            raise ApiException(status=403, reason="Forbidden")
        return super().list_objects(resource)


async def test_a_platform_that_may_not_list_pods_starts_with_the_signal_off() -> None:
    cluster = PodsForbidden()
    cluster.objects["pods"] = [pod(SID, 6, True, NOW)]
    watcher = flux_watcher(cluster)
    halt = threading.Event()
    threads = [threading.Thread(target=i.run, args=(halt,), daemon=True) for i in watcher.informers.values()]
    for thread in threads:
        thread.start()
    try:
        await asyncio.wait_for(watcher._wait_synced(asyncio.Event()), timeout=5)
    finally:
        halt.set()
        for thread in threads:
            thread.join(5)
    assert watcher.informers[STORE_PODS.key].forbidden
    ready = store_row(SID, status="ready")
    assert (await watcher._observe(ready, store_view(ready), NOW)).pod_crashes == ()


# ---- with the database: the window's end ------------------------------------------------------------
@pytest.fixture
async def pool(database_url: str, db: psycopg.Connection[Any]) -> AsyncIterator[AsyncConnectionPool[Any]]:
    kwargs = {"autocommit": True, "row_factory": dict_row}
    async with AsyncConnectionPool(database_url, min_size=1, max_size=2, kwargs=kwargs, open=False) as opened:
        yield opened


def status_of(db: psycopg.Connection[Any], store_id: str) -> tuple[str, str]:
    row = db.execute("SELECT status, status_message FROM stores WHERE id = %s", (store_id,)).fetchone()
    assert row is not None
    return row["status"], row["status_message"]


async def test_a_degraded_store_is_judged_again_at_the_tick_when_its_window_ends(
    pool: AsyncConnectionPool[Any], db: psycopg.Connection[Any]
) -> None:
    spec_row = store_row(SID)
    row = store_row(SID, status="degraded", status_message="x", setup_done_key=setup_key(spec_row.spec))
    insert_store(db, row)
    cluster = RecordingCluster()
    ended = datetime.now(UTC)  # it runs again, having just crashed
    cluster.objects["pods"] = [pod(SID, 6, False, ended)]
    cluster.objects["helmreleases"] = [healthy_release(SID, row.spec_hash)]
    short = CrashLoopRule(restarts=5, window=timedelta(seconds=1))
    watcher = flux_watcher(cluster, pool, rule=short)
    sync(watcher.informers)

    await watcher.evaluate([SID])  # damping: still degraded, for the crash loop
    status, message = status_of(db, SID)
    assert status == "degraded" and message.startswith("CrashLoopBackOff: container wordpress of pod web-1")
    assert watcher._window_ends.due(datetime.now(UTC)) == set()
    await asyncio.sleep((ended + short.window - datetime.now(UTC)).total_seconds() + 0.05)
    due = watcher._window_ends.due(datetime.now(UTC))
    assert due == {SID}

    # the tick after the window's end, with no event: every converging store, and this one
    await watcher.evaluate(None, also=sorted(due))
    status, message = status_of(db, SID)
    assert status == "ready" and message.startswith("healthy again")
