"""Watches of the test Kubernetes API through the official client: resume, expiry, selectors, timeouts
and changes made by other clients while the stream is open."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import kubernetes
import pytest
from kubernetes.client import ApiException

from storefleet_demo.kube.cluster import KubeCluster, running_kube_api


# Typed as Any: the client's generated signatures want model objects; these tests send plain dicts.
def core(cluster: KubeCluster) -> Any:
    return kubernetes.client.CoreV1Api(cluster.api_client())


WATCH: Any = kubernetes.watch.Watch  # untyped in the client


def collect(
    func: Callable[..., Any], *args: Any, count: int, timeout: int = 5, **kwargs: Any
) -> list[tuple[str, str]]:
    """(type, name) of the first `count` events (fewer if the server ends the stream first)."""
    watch = WATCH()
    seen: list[tuple[str, str]] = []
    for event in watch.stream(func, *args, timeout_seconds=timeout, **kwargs):
        seen.append((event["type"], event["raw_object"]["metadata"]["name"]))
        if len(seen) >= count:
            watch.stop()
    return seen


def setup_namespace(cluster: KubeCluster, name: str = "st-a") -> Any:
    api = core(cluster)
    api.create_namespace({"metadata": {"name": name}})
    return api


def test_watch_without_version_starts_with_the_current_objects(kube_api: KubeCluster) -> None:
    api = setup_namespace(kube_api)
    api.create_namespaced_config_map("st-a", {"metadata": {"name": "a"}})
    assert collect(api.list_namespaced_config_map, "st-a", count=1) == [("ADDED", "a")]


def test_watch_resumes_after_the_listed_version_without_replay(kube_api: KubeCluster) -> None:
    api = setup_namespace(kube_api)
    api.create_namespaced_config_map("st-a", {"metadata": {"name": "a"}})
    listed = api.list_namespaced_config_map("st-a")
    api.patch_namespaced_config_map("a", "st-a", {"data": {"k": "v"}})
    api.create_namespaced_config_map("st-a", {"metadata": {"name": "b"}})
    api.delete_namespaced_config_map("a", "st-a")
    events = collect(
        api.list_namespaced_config_map, "st-a", count=3, resource_version=listed.metadata.resource_version
    )
    assert events == [("MODIFIED", "a"), ("ADDED", "b"), ("DELETED", "a")]


def test_expired_history_answers_410(kube_api: KubeCluster) -> None:
    api = setup_namespace(kube_api)
    listed = api.list_namespaced_config_map("st-a")
    kube_api.expire_watch_history()
    with pytest.raises(ApiException) as expired:
        collect(
            api.list_namespaced_config_map, "st-a", count=1, resource_version=listed.metadata.resource_version
        )
    assert expired.value.status == 410 and "Expired" in str(expired.value.reason)
    relisted = api.list_namespaced_config_map("st-a")
    api.create_namespaced_config_map("st-a", {"metadata": {"name": "a"}})
    resumed = collect(
        api.list_namespaced_config_map, "st-a", count=1, resource_version=relisted.metadata.resource_version
    )
    assert resumed == [("ADDED", "a")]


def test_history_is_bounded() -> None:
    with running_kube_api(history_limit=3) as cluster:
        api = setup_namespace(cluster)
        start = api.list_namespaced_config_map("st-a").metadata.resource_version
        for name in "abcd":
            api.create_namespaced_config_map("st-a", {"metadata": {"name": name}})
        with pytest.raises(ApiException) as expired:
            collect(api.list_namespaced_config_map, "st-a", count=4, resource_version=start)
        assert expired.value.status == 410
        kept = api.list_namespaced_config_map("st-a").items[1].metadata.resource_version
        assert collect(api.list_namespaced_config_map, "st-a", count=2, resource_version=kept) == [
            ("ADDED", "c"),
            ("ADDED", "d"),
        ]


def test_watch_ends_after_timeout_seconds(kube_api: KubeCluster) -> None:
    api = setup_namespace(kube_api)
    started = time.monotonic()
    assert collect(api.list_namespaced_secret, "st-a", count=1, timeout=1) == []
    assert 0.9 < time.monotonic() - started < 3


def test_bookmark_at_timeout_carries_the_current_version(kube_api: KubeCluster) -> None:
    api = setup_namespace(kube_api)
    watch = WATCH()
    events = list(
        watch.stream(api.list_namespaced_secret, "st-a", timeout_seconds=1, allow_watch_bookmarks=True)
    )
    assert [event["type"] for event in events] == ["BOOKMARK"]
    assert watch.resource_version == api.list_namespaced_secret("st-a").metadata.resource_version


def test_label_and_field_selectors(kube_api: KubeCluster) -> None:
    api = setup_namespace(kube_api)
    labels = {"a": {"tier": "web", "env": "prod"}, "b": {"tier": "db"}, "c": {}}
    for name, value in labels.items():
        api.create_namespaced_config_map("st-a", {"metadata": {"name": name, "labels": value}})
    cases = {
        "tier=web": ["a"],
        "tier==db": ["b"],
        "tier!=web": ["b", "c"],
        "tier": ["a", "b"],
        "!tier": ["c"],
        "tier in (web, db),env": ["a"],
        "tier notin (web)": ["b", "c"],
    }
    for selector, expected in cases.items():
        items = api.list_namespaced_config_map("st-a", label_selector=selector).items
        assert [item.metadata.name for item in items] == expected, selector
    by_name = api.list_config_map_for_all_namespaces(
        field_selector="metadata.name=b,metadata.namespace==st-a"
    )
    assert [item.metadata.name for item in by_name.items] == ["b"]
    not_a = api.list_namespaced_config_map("st-a", field_selector="metadata.name!=a")
    assert [item.metadata.name for item in not_a.items] == ["b", "c"]
    with pytest.raises(ApiException) as unsupported:
        api.list_namespaced_config_map("st-a", field_selector="data.x=1")
    assert unsupported.value.status == 400
    watched = collect(api.list_namespaced_config_map, "st-a", count=1, label_selector="tier=db")
    assert watched == [("ADDED", "b")]


def test_selected_watch_sees_objects_enter_and_leave(kube_api: KubeCluster) -> None:
    api = setup_namespace(kube_api)
    start = api.list_namespaced_config_map("st-a").metadata.resource_version
    api.create_namespaced_config_map("st-a", {"metadata": {"name": "a"}})
    api.patch_namespaced_config_map("a", "st-a", {"metadata": {"labels": {"job": "x"}}})
    api.patch_namespaced_config_map("a", "st-a", {"data": {"k": "v"}})
    api.patch_namespaced_config_map("a", "st-a", {"metadata": {"labels": None}})
    events = collect(
        api.list_namespaced_config_map, "st-a", count=3, resource_version=start, label_selector="job"
    )
    assert events == [("ADDED", "a"), ("MODIFIED", "a"), ("DELETED", "a")]


def test_namespace_delete_is_seen_by_watches(kube_api: KubeCluster) -> None:
    api = setup_namespace(kube_api)
    api.create_namespaced_secret("st-a", {"metadata": {"name": "s"}})
    start = api.list_namespace().metadata.resource_version
    api.delete_namespace("st-a")
    assert collect(api.list_namespace, count=2, resource_version=start) == [
        ("MODIFIED", "st-a"),
        ("DELETED", "st-a"),
    ]
    secrets = collect(api.list_secret_for_all_namespaces, count=1, resource_version=start)
    assert secrets == [("DELETED", "s")]


def test_open_watch_sees_changes_from_another_thread(kube_api: KubeCluster) -> None:
    api = setup_namespace(kube_api)
    start = api.list_namespaced_secret("st-a").metadata.resource_version
    seen: list[tuple[str, str]] = []
    watcher = threading.Thread(
        target=lambda: seen.extend(
            collect(api.list_namespaced_secret, "st-a", count=3, timeout=10, resource_version=start)
        )
    )
    watcher.start()
    time.sleep(0.2)  # the stream is open before the writes
    other = core(kube_api)
    other.create_namespaced_secret("st-a", {"metadata": {"name": "s"}})
    other.patch_namespaced_secret("s", "st-a", {"metadata": {"labels": {"x": "y"}}})
    other.delete_namespaced_secret("s", "st-a")
    watcher.join(10)
    assert seen == [("ADDED", "s"), ("MODIFIED", "s"), ("DELETED", "s")]


def test_reset_ends_watches_and_empties_the_cluster(kube_api: KubeCluster) -> None:
    api = setup_namespace(kube_api)
    done = threading.Event()

    def watch_until_closed() -> None:
        collect(api.list_namespace, count=100, timeout=30)
        done.set()

    watcher = threading.Thread(target=watch_until_closed)
    watcher.start()
    time.sleep(0.2)
    kube_api.reset()
    watcher.join(5)
    assert done.is_set()
    assert "st-a" not in [ns.metadata.name for ns in api.list_namespace().items]
