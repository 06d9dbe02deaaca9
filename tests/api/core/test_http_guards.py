"""Body size cap, request timeout, security headers and CORS, through the real app."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import ExitStack
from typing import Any

import anyio
import pytest
from fastapi import FastAPI
from fastapi.responses import StreamingResponse
from fastapi.testclient import TestClient

from storefleet.api.app import create_app
from storefleet.api.core.body_limit import BodyLimitMiddleware
from storefleet.api.settings import ConfigurationError, Settings

MakeApp = Callable[..., tuple[FastAPI, TestClient]]
SECURITY_HEADERS = {
    "strict-transport-security": "max-age=63072000; includeSubDomains",
    "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}


@pytest.fixture
def make_app(settings: Settings, db: Any) -> Iterator[MakeApp]:
    with ExitStack() as stack:

        def _make(**update: Any) -> tuple[FastAPI, TestClient]:
            app = create_app(settings.model_copy(update=update), migrate=False)
            _add_test_routes(app)
            return app, stack.enter_context(TestClient(app, raise_server_exceptions=False))

        yield _make


def _add_test_routes(app: FastAPI) -> None:
    async def slow() -> dict[str, str]:
        await anyio.sleep(5)
        return {"done": "late"}

    async def stream() -> StreamingResponse:
        async def chunks() -> AsyncIterator[bytes]:
            yield b"first,"
            await anyio.sleep(0.5)  # past the deadline: the started answer must still finish
            yield b"second"

        return StreamingResponse(chunks(), media_type="text/plain")

    async def boom() -> None:
        raise RuntimeError("boom")

    app.add_api_route("/test/slow", slow)
    app.add_api_route("/test/stream", stream)
    app.add_api_route("/test/boom", boom)


def _assert_error(response: Any, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"]["code"] == code and body["error"]["message"]
    assert body["request_id"] == response.headers["x-request-id"]


# ---- body size ------------------------------------------------------------------------------------
def test_a_body_over_the_declared_limit_is_413(make_app: MakeApp) -> None:
    _, client = make_app(max_body_bytes=1024)
    response = client.post(
        "/api/v1/auth/login", content=b"x" * 1025, headers={"content-type": "application/json"}
    )
    _assert_error(response, 413, "PAYLOAD_TOO_LARGE")
    assert "1024 bytes" in response.json()["error"]["message"]
    assert response.headers["x-content-type-options"] == "nosniff"


def test_a_body_at_the_limit_is_read(make_app: MakeApp) -> None:
    _, client = make_app(max_body_bytes=1024)
    body = b'{"username": "' + b"a" * (1024 - 33) + b'", "password": "x"}'
    assert len(body) == 1024
    assert client.post("/api/v1/auth/login", content=body).status_code != 413


def test_a_chunked_body_over_the_limit_is_413(make_app: MakeApp) -> None:
    _, client = make_app(max_body_bytes=1024)

    def chunks() -> Iterator[bytes]:
        for _ in range(10):
            yield b"y" * 200

    response = client.post(
        "/api/v1/auth/login", content=chunks(), headers={"content-type": "application/json"}
    )
    assert "content-length" not in response.request.headers
    _assert_error(response, 413, "PAYLOAD_TOO_LARGE")


def test_the_git_path_is_not_capped() -> None:
    anyio.run(_git_push_of_4096_bytes)


async def _git_push_of_4096_bytes() -> None:
    seen: list[int] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        seen.append(len((await receive())["body"]))

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"p" * 4096, "more_body": False}

    scope = {"type": "http", "path": "/git/fleet.git/git-receive-pack", "headers": []}
    await BodyLimitMiddleware(app, max_bytes=1024)(scope, receive, _no_send)
    assert seen == [4096]


async def _no_send(message: Any) -> None:
    raise AssertionError(f"nothing should be sent: {message}")


# ---- timeout --------------------------------------------------------------------------------------
def test_a_request_past_the_deadline_is_503(make_app: MakeApp) -> None:
    _, client = make_app(request_timeout_s=0.2)
    response = client.get("/test/slow")
    _assert_error(response, 503, "REQUEST_TIMEOUT")
    assert response.headers["x-frame-options"] == "DENY"


def test_a_started_stream_is_not_cut_by_the_deadline(make_app: MakeApp) -> None:
    _, client = make_app(request_timeout_s=0.2)
    response = client.get("/test/stream")
    assert response.status_code == 200 and response.text == "first,second"


# ---- security headers -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/health/live", 200),
        ("GET", "/api/v1/no-such-thing", 404),
        ("POST", "/api/v1/auth/register", 422),
        ("GET", "/test/boom", 500),
        ("GET", "/api/v1/stores", 401),
    ],
)
def test_every_answer_carries_the_security_headers(
    make_app: MakeApp, method: str, path: str, status: int
) -> None:
    _, client = make_app()
    response = client.request(method, path, json={} if method == "POST" else None)
    assert response.status_code == status
    assert {name: response.headers.get(name) for name in SECURITY_HEADERS} == SECURITY_HEADERS


def test_the_docs_page_may_load_swagger_from_its_cdn(make_app: MakeApp) -> None:
    _, client = make_app()
    response = client.get("/api/docs")
    assert response.status_code == 200
    csp = response.headers["content-security-policy"]
    assert "script-src https://cdn.jsdelivr.net" in csp and "frame-ancestors 'none'" in csp


# ---- CORS -----------------------------------------------------------------------------------------
DASHBOARD = "https://dash.example.com"


def _preflight(client: TestClient, origin: str) -> Any:
    return client.options(
        "/api/v1/stores",
        headers={
            "origin": origin,
            "access-control-request-method": "POST",
            "access-control-request-headers": "authorization, content-type",
        },
    )


def test_cors_allows_only_the_configured_origins(make_app: MakeApp) -> None:
    _, client = make_app(cors_origins=(DASHBOARD,))
    allowed = _preflight(client, DASHBOARD)
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == DASHBOARD
    assert "access-control-allow-credentials" not in allowed.headers
    refused = _preflight(client, "https://evil.example.net")
    assert refused.status_code == 400 and "access-control-allow-origin" not in refused.headers
    simple = client.get("/health/live", headers={"origin": DASHBOARD})
    assert simple.headers["access-control-allow-origin"] == DASHBOARD
    assert "x-request-id" in simple.headers["access-control-expose-headers"].lower()
    other = client.get("/health/live", headers={"origin": "https://evil.example.net"})
    assert "access-control-allow-origin" not in other.headers


def test_no_cors_headers_without_configured_origins(make_app: MakeApp) -> None:
    _, client = make_app()
    response = client.get("/health/live", headers={"origin": DASHBOARD})
    assert "access-control-allow-origin" not in response.headers
    assert _preflight(client, DASHBOARD).status_code == 405


def test_any_origin_with_credentials_is_refused_at_start_up(settings: Settings) -> None:
    unsafe = settings.model_copy(update={"cors_origins": ("*",), "cors_allow_credentials": True})
    with pytest.raises(ConfigurationError, match="CORS_ORIGINS='\\*' cannot be combined"):
        create_app(unsafe, migrate=False)
    # either one alone is fine
    create_app(settings.model_copy(update={"cors_origins": ("*",)}), migrate=False)
    create_app(
        settings.model_copy(update={"cors_origins": (DASHBOARD,), "cors_allow_credentials": True}),
        migrate=False,
    )
