"""List + watch one kind into a local cache, like client-go's informer, in a worker thread.

It lists once (the cache and a resourceVersion), then watches from that resourceVersion; a stream
that ends or breaks is resumed from the last resourceVersion seen, with backoff on errors; `410 Gone`
(the version is too old) and the periodic full resync relist. A relist reports objects that vanished
meanwhile as DELETED, so nothing is missed across a gap.

Objects are decoded by the kind's codec (`codecs.py`): whole, as plain JSON, or straight into typed
records of the few fields the watcher reads. With a `transform` (client-go's informer transforms), the
cache holds what the transform keeps of each object (None: nothing, the object is not cached). An event
is reported, with the store the object belongs to, only when what the cache keeps changed: a cache of
one kind's few fields costs memory and wake-ups only for those fields.

A 403 (the platform's ClusterRole lacks the kind) is logged once; the informer keeps trying quietly at
the backoff cap, so a grant added later takes effect without a restart.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from typing import Any

from kubernetes.client.exceptions import ApiException

from storefleet.reconciler_watch.cluster import Cluster, Gone, Resource
from storefleet.reconciler_watch.codecs import JSON_OBJECTS, Codec, Key

log = logging.getLogger(__name__)

_QUICK_END_S = 1.0
# (ADDED | MODIFIED | DELETED | SYNCED, the store the object belongs to, None when it has no store label)
EventSink = Callable[[str, str | None], None]
Transform = Callable[[Any], Any]  # what the cache keeps of an object as its codec decoded it; None: nothing
# List pages fetched and folded into caches at once, across every informer of the process: a watcher
# of ten clusters starts some sixty lists together, and each page decoded is megabytes of objects
# until its cache has kept what it needs. The GIL runs one at a time anyway; a few overlap the wait.
PAGES_AT_ONCE = 4
_page_gate = threading.BoundedSemaphore(PAGES_AT_ONCE)


class Informer:
    def __init__(
        self,
        cluster: Cluster,
        resource: Resource,
        sink: EventSink,
        *,
        watch_timeout_s: int = 300,
        resync_interval_s: float = 300.0,
        backoff_cap_s: float = 30.0,
        transform: Transform | None = None,
        codec: Codec[Any] = JSON_OBJECTS,
        by_namespace: bool = True,
    ) -> None:
        self.resource = resource
        self._cluster = cluster
        self._sink = sink
        self._watch_timeout_s = watch_timeout_s
        self._resync_interval_s = resync_interval_s
        self._backoff_cap_s = backoff_cap_s
        self._transform = transform
        self._codec = codec
        self._cache: dict[Key, Any] = {}
        # the cache's keys by namespace, for `in_namespace` (off where unread: one list per store
        # namespace is not free); a list, as a namespace holds one or two objects of a kind
        self._index = by_namespace
        self._by_namespace: dict[str, list[Key]] = {}
        self._lock = threading.Lock()
        self.resource_version: str | None = None
        self.synced = threading.Event()
        self.relists = 0
        self.errors = 0
        self.last_error: str | None = None
        self.forbidden = False  # the last list or watch was refused (403): the cache is empty
        self._said_forbidden = False

    # ---- the cache ---------------------------------------------------------------------------------
    def get(self, namespace: str, name: str) -> Any:
        with self._lock:
            return self._cache.get((namespace, name))

    def items(self) -> list[Any]:
        with self._lock:
            return list(self._cache.values())

    def in_namespace(self, namespace: str) -> list[Any]:
        """The cached objects of one namespace (without walking the whole cache)."""
        assert self._index, f"{self.resource.key} is not indexed by namespace"
        with self._lock:
            return [self._cache[key] for key in self._by_namespace.get(namespace, ())]

    def _put(self, key: Key, obj: Any) -> None:
        self._cache[key] = obj
        if self._index:
            keys = self._by_namespace.setdefault(key[0], [])
            if key not in keys:
                keys.append(key)

    def _drop(self, key: Key) -> None:
        self._cache.pop(key, None)
        keys = self._by_namespace.get(key[0])
        if keys is not None and key in keys:
            keys.remove(key)
            if not keys:
                del self._by_namespace[key[0]]

    # ---- the loop ------------------------------------------------------------------------------------
    def run(self, stop: threading.Event) -> None:
        failures, listed_at = 0, 0.0
        while not stop.is_set():
            try:
                if self.resource_version is None or time.monotonic() - listed_at > self._resync_interval_s:
                    self._relist()
                    listed_at = time.monotonic()
                started = time.monotonic()
                self._watch(stop)
                # A watch ends normally at its timeout; one that a server keeps ending at once must
                # not turn into a busy loop of reconnects.
                quick = time.monotonic() - started < _QUICK_END_S
                failures = failures + 1 if quick else 0
                if quick:
                    stop.wait(self._delay(failures))
            except Gone as exc:
                log.info("watch of %s expired (%s): relisting", self.resource.key, exc)
                self.resource_version = None
            except Exception as exc:  # any API or network error: back off, reconnect
                self.errors += 1
                self.last_error = f"{type(exc).__name__}: {exc}"[:300]
                if isinstance(exc, ApiException) and exc.status == 403:
                    self._refused(exc)
                    stop.wait(self._backoff_cap_s)
                    continue
                failures += 1
                delay = self._delay(failures)
                log.warning("watch of %s failed (%s); retrying in %.1fs", self.resource.key, exc, delay)
                stop.wait(delay)

    def _refused(self, exc: ApiException) -> None:
        """Forbidden: nothing of the kind is known (an old cache would be trusted); said once."""
        if not self._said_forbidden:
            self._said_forbidden = True
            log.warning(
                "%s may not be listed and watched (%s): not watched until the platform's ClusterRole"
                " grants it; trying again quietly every %.0fs", self.resource.key, exc.reason,
                self._backoff_cap_s,
            )  # fmt: skip
        self.forbidden = True
        self.resource_version = None
        with self._lock:
            self._cache, self._by_namespace = {}, {}

    def _delay(self, failures: int) -> float:
        """Exponential from 0.5 s, capped, with full jitter over its upper half."""
        delay = min(self._backoff_cap_s, 0.5 * float(2 ** min(failures, 8)))
        return delay / 2 + random.uniform(0, delay / 2)  # noqa: S311 - jitter, not security

    def _keep(self, obj: Any) -> Any:
        return obj if self._transform is None else self._transform(obj)

    def _relist(self) -> None:
        """List page by page, keeping what the cache keeps of each object as it comes (a transformed
        kind never holds its whole list), then swap the cache and report what changed."""
        before = self._cache  # only this thread writes the cache
        fresh: dict[Key, Any] = {}
        synced: list[str | None] = []
        version = ""
        codec = self._codec
        pages = self._cluster.list_pages(self.resource, codec)
        while True:
            with _page_gate:
                page = next(pages, None)
                if page is None:
                    break
                version = page.resource_version
                for obj in page.items:
                    key = codec.key(obj)
                    kept = fresh[key] = self._keep(obj)
                    if kept != before.get(key):
                        synced.append(codec.store(obj))
                del page  # freed before the gate lets another page in
        with self._lock:
            gone = [codec.store(obj) for key, obj in before.items() if key not in fresh]
            self._cache, self._by_namespace = {}, {}
            for key, kept in fresh.items():
                if kept is not None:
                    self._put(key, kept)
        self.resource_version = version or None
        self.relists += 1
        self.last_error = None
        self.forbidden = False
        for store in gone:
            self._sink("DELETED", store)
        for store in synced:
            self._sink("SYNCED", store)
        self.synced.set()

    def _watch(self, stop: threading.Event) -> None:
        assert self.resource_version is not None
        codec = self._codec
        for event in self._cluster.watch_events(
            self.resource, self.resource_version, self._watch_timeout_s, codec
        ):
            if event.resource_version:
                self.resource_version = event.resource_version
            if event.type == "BOOKMARK":
                continue
            key = codec.key(event.object)
            kept = None if event.type == "DELETED" else self._keep(event.object)
            with self._lock:
                before = self._cache.get(key)
                if kept is None:
                    self._drop(key)
                else:
                    self._put(key, kept)
            if kept != before:
                self._sink(event.type, codec.store(event.object))
            if stop.is_set():
                return
