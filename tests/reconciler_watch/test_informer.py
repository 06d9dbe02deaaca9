"""The informer against the test Kubernetes API: list, resume, relist on 410, and no busy loop when
a server keeps ending its watches at once."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from typing import Any

from storefleet.reconciler_watch.cluster import NAMESPACES, Cluster, Resource
from storefleet.reconciler_watch.informer import Informer
from tests.kube.cluster import KubeCluster
from tests.kube.store import ObjectStore
from tests.reconciler_watch.support import wait_for

LABELS = {"storefleet.io/store": "st-abcdefgh23"}


class Recorder:
    def __init__(self) -> None:
        self.events: list[tuple[str, str]] = []

    def __call__(self, kind: str, obj: dict[str, Any]) -> None:
        self.events.append((kind, obj["metadata"]["name"]))


@contextlib.contextmanager
def running(informer: Informer) -> Iterator[None]:
    stop = threading.Event()
    thread = threading.Thread(target=informer.run, args=(stop,), daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(10)


def _break_and_forget(store: ObjectStore) -> None:
    """In one step on the server: the watches end and their history is gone (resuming gets 410)."""
    store.close_watches()
    store.expire_history()


def test_lists_then_follows_changes_and_relists_after_410(kube_api: KubeCluster) -> None:
    cluster = Cluster(kube_api.api_client())
    core: Any = cluster._core
    core.create_namespace({"metadata": {"name": "st-abcdefgh23", "labels": LABELS}})
    seen = Recorder()
    informer = Informer(cluster, NAMESPACES, seen, watch_timeout_s=1)
    with running(informer):
        informer.synced.wait(5)
        assert ("SYNCED", "st-abcdefgh23") in seen.events
        core.create_namespace({"metadata": {"name": "st-second0001", "labels": LABELS}})
        wait_for(lambda: informer.get("", "st-second0001"), what="the watch event")
        kube_api.call(_break_and_forget)
        core.delete_namespace("st-second0001")  # while the watch resumes into a 410 and relists
        wait_for(lambda: informer.get("", "st-second0001") is None, what="the deletion after the relist")
    assert informer.relists == 2 and ("DELETED", "st-second0001") in seen.events


class EndsAtOnce:
    """A cluster whose every watch ends at once, cleanly (a misbehaving proxy)."""

    def __init__(self) -> None:
        self.watches = 0

    def list_objects(self, resource: Resource) -> tuple[list[dict[str, Any]], str]:
        return [], "1"

    def watch_objects(self, resource: Resource, version: str, timeout_s: int) -> Iterator[tuple[str, Any]]:
        self.watches += 1
        return iter(())


def test_watches_that_end_at_once_are_reopened_with_backoff_not_in_a_busy_loop() -> None:
    cluster = EndsAtOnce()
    informer = Informer(cluster, NAMESPACES, Recorder(), backoff_cap_s=30)  # type: ignore[arg-type]
    with running(informer):
        time.sleep(2.0)
    assert 1 <= cluster.watches <= 6  # 0.25-0.5 s, then 0.5-1 s, ...: a handful, not thousands
