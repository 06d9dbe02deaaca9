"""The informer against the test Kubernetes API: list, resume, relist on 410, no busy loop when a
server keeps ending its watches at once, a transformed (slim) cache, objects decoded into typed
records, a kind it may not list, and the few list pages read at once across informers."""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Iterator
from typing import Any, cast

import pytest

from storefleet.reconciler_watch.cluster import NAMESPACES, STORE_PODS, Cluster, Resource
from storefleet.reconciler_watch.codecs import JSON_OBJECTS, NAMESPACE_RECORDS, Codec, Event, Page
from storefleet.reconciler_watch.informer import PAGES_AT_ONCE, Informer
from storefleet.reconciler_watch.pod_health import slim_pod
from storefleet.reconciler_watch.wire import NamespaceObject
from storefleet_demo.kube.cluster import KubeCluster
from storefleet_demo.kube.store import ObjectStore
from tests.reconciler_watch.support import wait_for

LABELS = {"storefleet.io/store": "st-abcdefgh23"}


class Recorder:
    """The events reported: (type, the store the object belongs to)."""

    def __init__(self) -> None:
        self.events: list[tuple[str, str | None]] = []

    def __call__(self, kind: str, store: str | None) -> None:
        self.events.append((kind, store))


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
    informer = Informer(cluster, NAMESPACES, seen, watch_timeout_s=1, codec=NAMESPACE_RECORDS)
    with running(informer):
        informer.synced.wait(5)
        assert ("SYNCED", "st-abcdefgh23") in seen.events
        second = {"storefleet.io/store": "st-second0001"}
        core.create_namespace({"metadata": {"name": "st-second0001", "labels": second}})
        wait_for(lambda: informer.get("", "st-second0001"), what="the watch event")
        kube_api.call(_break_and_forget)
        core.delete_namespace("st-second0001")  # while the watch resumes into a 410 and relists
        wait_for(lambda: informer.get("", "st-second0001") is None, what="the deletion after the relist")
    assert informer.relists == 2 and ("DELETED", "st-second0001") in seen.events


class EndsAtOnce:
    """A cluster whose every watch ends at once, cleanly (a misbehaving proxy)."""

    def __init__(self) -> None:
        self.watches = 0

    def list_pages(self, resource: Resource, codec: Codec[Any], limit: int = 500) -> Iterator[Page[Any]]:
        yield Page([], "1", None)

    def watch_events(
        self, resource: Resource, version: str, timeout_s: int, codec: Codec[Any]
    ) -> Iterator[Event[Any]]:
        self.watches += 1
        return iter(())


def test_watches_that_end_at_once_are_reopened_with_backoff_not_in_a_busy_loop() -> None:
    cluster = EndsAtOnce()
    informer = Informer(cluster, NAMESPACES, Recorder(), backoff_cap_s=30)  # type: ignore[arg-type]
    with running(informer):
        time.sleep(2.0)
    assert 1 <= cluster.watches <= 6  # 0.25-0.5 s, then 0.5-1 s, ...: a handful, not thousands


def pod_labels(store: str) -> dict[str, str]:
    return {"storefleet.io/store": store, "app.kubernetes.io/name": "ecommerce-store"}


def _container(restarts: int, waiting: str | None) -> dict[str, Any]:
    state = (
        {"waiting": {"reason": waiting}} if waiting else {"running": {"startedAt": "2026-11-22T11:00:00Z"}}
    )
    last = {"terminated": {"reason": "Error", "exitCode": 1, "finishedAt": "2026-11-22T11:59:00Z"}}
    return {"name": "wordpress", "image": "wordpress:6", "imageID": "", "ready": waiting is None,
            "restartCount": restarts, "state": state, "lastState": last if restarts else {}}  # fmt: skip


def test_a_transformed_cache_keeps_and_reports_only_what_the_transform_keeps(kube_api: KubeCluster) -> None:
    cluster = Cluster(kube_api.api_client())
    core: Any = cluster._core
    core.create_namespace({"metadata": {"name": "st-abcdefgh23", "labels": LABELS}})

    def status(name: str, restarts: int, waiting: str | None, **extra: Any) -> None:
        body = {"status": {"phase": "Running", "containerStatuses": [_container(restarts, waiting)], **extra}}
        core.patch_namespaced_pod_status(name, "st-abcdefgh23", body)

    spec = {"containers": [{"name": "wordpress", "image": "wordpress:6"}]}
    for name in ("healthy-1", "looping-1"):  # labelled as two stores, to tell their events apart
        core.create_namespaced_pod(
            "st-abcdefgh23", {"metadata": {"name": name, "labels": pod_labels(name)}, "spec": spec}
        )
    status("healthy-1", 0, None)
    status("looping-1", 6, "CrashLoopBackOff")
    seen = Recorder()
    informer = Informer(
        cluster, STORE_PODS, seen, watch_timeout_s=1, transform=lambda o: slim_pod(o, restarts=5)
    )
    with running(informer):
        assert informer.synced.wait(5)
        assert seen.events == [("SYNCED", "looping-1")]  # the healthy pod is neither kept nor reported
        assert informer.get("st-abcdefgh23", "healthy-1") is None
        kept = informer.get("st-abcdefgh23", "looping-1")
        assert kept is not None and set(kept) == {"metadata", "status"} and "spec" not in kept
        status("looping-1", 6, "CrashLoopBackOff", podIP="10.0.0.7")  # nothing it keeps changed
        status("healthy-1", 0, None, podIP="10.0.0.8")
        status("looping-1", 7, None)  # runs again, one restart more: reported
        wait_for(lambda: ("MODIFIED", "looping-1") in seen.events, what="the kept change")
        status("looping-1", 7, None, podIP="10.0.0.9")
        core.delete_namespaced_pod("healthy-1", "st-abcdefgh23")  # never kept: nothing to report
        core.delete_namespaced_pod("looping-1", "st-abcdefgh23")
        wait_for(lambda: ("DELETED", "looping-1") in seen.events, what="the deletion")
    assert seen.events == [("SYNCED", "looping-1"), ("MODIFIED", "looping-1"), ("DELETED", "looping-1")]
    assert informer.items() == []


class SmallPages(Cluster):
    def list_pages(self, resource: Resource, codec: Codec[Any], limit: int = 2) -> Iterator[Page[Any]]:
        return super().list_pages(resource, codec, limit)


def test_a_list_comes_in_pages_each_decoded_into_records_as_it_comes(kube_api: KubeCluster) -> None:
    cluster = SmallPages(kube_api.api_client())
    core: Any = cluster._core
    names = [f"st-paged{n:05d}" for n in range(5)]
    for name in names:
        core.create_namespace({"metadata": {"name": name, "labels": {"storefleet.io/store": name}}})
    pages = list(cluster.list_pages(NAMESPACES, JSON_OBJECTS))
    assert [len(page.items) for page in pages] == [2, 2, 1]
    assert len({page.resource_version for page in pages}) == 1  # one snapshot
    seen = Recorder()
    informer = Informer(cluster, NAMESPACES, seen, watch_timeout_s=1, codec=NAMESPACE_RECORDS)
    with running(informer):
        assert informer.synced.wait(5)
        assert sorted(seen.events) == [("SYNCED", name) for name in names]
        kept = informer.get("", names[0])
        assert isinstance(kept, NamespaceObject) and kept.metadata.labels.store == names[0]


def test_a_kind_the_platform_may_not_list_is_said_once_and_tried_again_quietly(
    kube_api: KubeCluster, caplog: pytest.LogCaptureFixture
) -> None:
    kube_api.emulator["get /api/v1/pods"] << 403
    informer = Informer(Cluster(kube_api.api_client()), STORE_PODS, Recorder(), backoff_cap_s=0.2)
    with caplog.at_level(logging.WARNING, logger="storefleet.reconciler_watch.informer"), running(informer):
        wait_for(lambda: informer.errors >= 3, what="three refused lists")
        assert informer.forbidden and not informer.synced.is_set() and informer.items() == []
    refusals = [r for r in caplog.records if "may not be listed" in r.getMessage()]
    assert len(refusals) == 1 and "ClusterRole" in refusals[0].getMessage()
    assert informer.last_error is not None and "403" in informer.last_error


class CountedPages:
    """A cluster whose lists come in slow pages, counting how many are fetched at the same time."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.reading = self.most = 0

    def list_pages(self, resource: Resource, codec: Codec[Any]) -> Iterator[Page[Any]]:
        for page in range(3):
            with self.lock:
                self.reading += 1
                self.most = max(self.most, self.reading)
            time.sleep(0.01)  # the page being fetched and decoded
            with self.lock:
                self.reading -= 1
            yield Page([{"metadata": {"name": f"{resource.plural}-{page}"}}], "7", None)


def test_lists_of_many_informers_read_a_few_pages_at_a_time() -> None:
    cluster = CountedPages()
    informers = [
        Informer(cast(Any, cluster), Resource("", "v1", f"kind{n}s"), Recorder())
        for n in range(PAGES_AT_ONCE * 3)
    ]
    threads = [threading.Thread(target=informer._relist) for informer in informers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert all(informer.synced.is_set() and len(informer.items()) == 3 for informer in informers)
    assert 1 <= cluster.most <= PAGES_AT_ONCE
