"""The API connected to the test Kubernetes API (its services' `cluster`), and apps that are not: one
with no cluster configured, and clusters that refuse connections, answer 500 or never answer."""

from __future__ import annotations

import http.server
import json
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from storefleet.api.app import create_app
from storefleet.api.settings import Settings
from storefleet.api.stores import cluster_service
from storefleet_demo.kube.cluster import KubeCluster
from tests.kube.fixtures import kube_api

__all__ = ["kube_api"]

OtherApp = Callable[[Path | None], AbstractContextManager[TestClient]]


@pytest.fixture
def settings(settings: Settings, kube_api: KubeCluster, tmp_path: Path) -> Settings:
    """No fleet repo, no watcher: only the API's own cluster client, pointed at the test API."""
    return settings.model_copy(update={"kubeconfig": kube_api.write_kubeconfig(tmp_path / "kubeconfig")})


@pytest.fixture
def other_app(settings: Settings) -> OtherApp:
    """Another app on the same database (tokens stay valid) with another kubeconfig, or none."""

    @contextmanager
    def _app(kubeconfig: Path | None) -> Iterator[TestClient]:
        app = create_app(settings.model_copy(update={"kubeconfig": kubeconfig}), migrate=False)
        with TestClient(app, raise_server_exceptions=False) as test_client:
            yield test_client

    return _app


def _kubeconfig(path: Path, server: str) -> Path:
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": "c", "cluster": {"server": server}}],
        "users": [{"name": "u", "user": {}}],
        "contexts": [{"name": "c", "context": {"cluster": "c", "user": "u"}}],
        "current-context": "c",
    }
    path.write_text(json.dumps(config))
    return path


@pytest.fixture
def refusing_kubeconfig(tmp_path: Path) -> Path:
    """A kubeconfig whose server is a closed port: every request is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return _kubeconfig(tmp_path / "refusing", f"http://127.0.0.1:{port}")


class _Failing(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b'{"kind":"Status","apiVersion":"v1","status":"Failure","code":500,"message":"etcd down"}'
        self.send_response(500)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def failing_kubeconfig(tmp_path: Path) -> Iterator[Path]:
    """A kubeconfig whose server answers every request with HTTP 500."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Failing)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield _kubeconfig(tmp_path / "failing", f"http://127.0.0.1:{server.server_address[1]}")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def hanging_kubeconfig(tmp_path: Path) -> Iterator[Path]:
    """A kubeconfig whose server accepts connections and never answers."""
    listener = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue
            except OSError:
                return

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield _kubeconfig(tmp_path / "hanging", f"http://127.0.0.1:{listener.getsockname()[1]}")
    finally:
        stop.set()
        thread.join(timeout=5)
        for conn in accepted:
            conn.close()
        listener.close()


@pytest.fixture
def unhealthy_kubeconfig(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Parametrised indirectly with refusing, failing or hanging; the API's deadline is cut short."""
    monkeypatch.setattr(cluster_service, "CLUSTER_DEADLINE_S", 0.5)
    path: Path = request.getfixturevalue(f"{request.param}_kubeconfig")
    return path
