"""The test Kubernetes API on 127.0.0.1 (a random port), served from a thread with its own event loop,
and a handle that tests and doubles use from any other thread."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import copy
import json
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import aiohttp.test_utils
import aiohttp.web
import kmock
import kubernetes

from storefleet_demo.kube.emulator import KubeAPI
from storefleet_demo.kube.store import ObjectStore

T = TypeVar("T")
Obj = dict[str, Any]
_CALL_TIMEOUT = 10.0


class _QuickShutdownServer(aiohttp.test_utils.RawTestServer):
    """The watches end when the emulator closes them; this bounds the wait for any other open request
    (aiohttp waits 60 s by default)."""

    def __init__(self, handler: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(handler, **kwargs)
        self._request_handler = handler

    async def _make_runner(self, debug: bool = True, **kwargs: Any) -> aiohttp.web.ServerRunner:
        server = aiohttp.web.Server(self._request_handler, debug=debug, **kwargs)
        return aiohttp.web.ServerRunner(server, debug=debug, shutdown_timeout=1.0, **kwargs)


class KubeCluster:
    """A running test API. Helpers run on the server's loop, so they are safe from any other thread."""

    def __init__(
        self, emulator: KubeAPI, loop: asyncio.AbstractEventLoop, url: str, stop: asyncio.Event
    ) -> None:
        self.emulator = emulator
        self.loop = loop
        self.url = url
        self._stop = stop

    def api_client(self) -> kubernetes.client.ApiClient:
        """A client for this server only: no kubeconfig, no environment, no auth."""
        configuration = kubernetes.client.Configuration()
        configuration.host = self.url
        return kubernetes.client.ApiClient(configuration)

    def write_kubeconfig(self, path: Path | str) -> Path:
        """A kubeconfig whose current context is this server, with no credentials."""
        config = {
            "apiVersion": "v1",
            "kind": "Config",
            "clusters": [{"name": "kube-test", "cluster": {"server": self.url}}],
            "users": [{"name": "kube-test", "user": {}}],
            "contexts": [{"name": "kube-test", "context": {"cluster": "kube-test", "user": "kube-test"}}],
            "current-context": "kube-test",
        }
        target = Path(path)
        target.write_text(json.dumps(config, indent=2))  # JSON is YAML
        return target

    def call(self, fn: Callable[[ObjectStore], T]) -> T:
        """Run fn(store) on the server's loop, between requests."""

        async def run() -> T:
            return fn(self.emulator.store)

        return asyncio.run_coroutine_threadsafe(run(), self.loop).result(_CALL_TIMEOUT)

    def expire_watch_history(self) -> None:
        """The next watch resuming from any resourceVersion seen so far gets 410 Expired."""
        self.call(lambda store: store.expire_history())

    def delay_watch_events(self, api_version: str, kind: str, seconds: float) -> None:
        """Deliver this kind's events to open watches `seconds` late (0: at once), as a slow stream
        would; other kinds' events flow as before, so watches of two kinds fall out of step."""

        def delay(store: ObjectStore) -> None:
            rt = store.registry.for_kind(api_version, kind)
            if rt is None:
                raise KeyError(f"{api_version} {kind} is not served")
            store.history(rt).delay_s = seconds

        self.call(delay)

    def set_pod_log(self, namespace: str, pod: str, text: str) -> None:
        """What GET .../pods/<pod>/log answers (the pod itself is created over the API)."""

        def write(_: ObjectStore) -> None:
            self.emulator.pod_logs[(namespace, pod)] = text

        self.call(write)

    def hold_namespace(self, name: str) -> None:
        """Keep the namespace Terminating after a delete, as a stuck finalizer in it would."""
        self.call(lambda store: store.held_namespaces.add(name))

    def release_namespace(self, name: str) -> None:
        """Let a held namespace finish: it is removed now if it is Terminating and empty."""

        def release(store: ObjectStore) -> None:
            store.held_namespaces.discard(name)
            store.finish_namespace(name)

        self.call(release)

    def close_watches(self) -> None:
        """End every open watch cleanly, as an API server restart or a load balancer would."""
        self.call(lambda store: store.close_watches())

    def reset(self) -> None:
        """An empty cluster (default namespaces only); open watches end."""

        def reset(store: ObjectStore) -> None:
            store.reset()
            self.emulator.pod_logs.clear()

        self.call(reset)

    def objects(self, api_version: str, kind: str, namespace: str | None = None) -> list[Obj]:
        """Copies of the stored objects of a kind, for assertions that need no client."""

        def read(store: ObjectStore) -> list[Obj]:
            rt = store.registry.for_kind(api_version, kind)
            if rt is None:
                raise KeyError(f"{api_version} {kind} is not served")
            return copy.deepcopy(store.items(rt, namespace))

        return self.call(read)

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self._stop.set)


async def _serve(started: concurrent.futures.Future[KubeCluster], options: dict[str, Any]) -> None:
    try:
        async with (
            KubeAPI(**options) as emulator,
            kmock.Server(emulator, server_cls=_QuickShutdownServer) as server,
        ):
            stop = asyncio.Event()
            started.set_result(
                KubeCluster(emulator, asyncio.get_running_loop(), str(server.url).rstrip("/"), stop)
            )
            await stop.wait()
            if emulator.store.close_watches():
                await asyncio.sleep(0.05)  # let the open watches write their end
    except BaseException as error:
        if not started.done():
            started.set_exception(error)
        raise


@contextlib.contextmanager
def running_kube_api(**options: Any) -> Iterator[KubeCluster]:
    """Serve a fresh, empty API (options: KubeAPI fields, e.g. history_limit) for the block."""
    started: concurrent.futures.Future[KubeCluster] = concurrent.futures.Future()
    thread = threading.Thread(
        target=lambda: asyncio.run(_serve(started, options)), name="kube-api", daemon=True
    )
    thread.start()
    cluster = started.result(timeout=30)
    try:
        yield cluster
    finally:
        cluster.stop()
        thread.join(timeout=15)
