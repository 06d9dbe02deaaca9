from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from storefleet.api.core.services import app_services


def test_unknown_route_has_the_error_shape(client: TestClient) -> None:
    response = client.get("/api/v1/does-not-exist")
    assert response.status_code == 404
    body = response.json()
    assert body["error"]["code"] == "NOT_FOUND" and body["error"]["message"]
    assert body["request_id"] == response.headers["x-request-id"]


def test_wrong_method_has_the_error_shape(client: TestClient) -> None:
    response = client.put("/api/v1/stores")
    assert response.status_code == 405 and response.json()["error"]["code"] == "METHOD_NOT_ALLOWED"


def test_request_id_is_generated_when_absent(client: TestClient) -> None:
    first = client.get("/health/live").headers["x-request-id"]
    second = client.get("/health/live").headers["x-request-id"]
    assert re.fullmatch(r"req-[0-9a-f]{16}", first) and first != second


@pytest.mark.parametrize(
    ("supplied", "kept"),
    [
        ("abc-123", True),
        ("a" * 128, True),
        ("a" * 129, False),
        ("has space", False),
        ("inject\\nline", False),
    ],
)
def test_supplied_request_id_is_echoed_only_if_harmless(
    client: TestClient, supplied: str, kept: bool
) -> None:
    echoed = client.get("/health/live", headers={"X-Request-ID": supplied}).headers["x-request-id"]
    assert (echoed == supplied) is kept


def test_openapi_has_stable_operation_ids(client: TestClient) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    operation_ids = {op["operationId"] for path in spec["paths"].values() for op in path.values()}
    assert {
        "register",
        "login",
        "getCurrentUser",
        "changePassword",
        "createStore",
        "listStores",
        "getStore",
        "deleteStore",
        "retryStore",
        "getStoreLogs",
        "listAuditEvents",
        "getHealth",
    } <= operation_ids


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/api/v1/audit?store_id=%00", None),
        ("GET", "/api/v1/audit?event=a%00b", None),
        ("POST", "/api/v1/auth/login", '{"email": "a\\u0000b", "password": "x"}'),
        ("POST", "/api/v1/auth/login", '{"username": "a\\ud800b", "password": "x"}'),
        ("POST", "/api/v1/stores", '{"name": "ab\\u0000c", "engine": "medusa"}'),
        ("POST", "/api/v1/stores", '{"name": "ab\\ud800c", "engine": "medusa"}'),
        ("GET", "/api/v1/stores/st-abc%00defgh", None),
    ],
)
def test_nul_and_lone_surrogates_are_client_errors(
    client: TestClient, admin: Any, method: str, path: str, body: str | None
) -> None:
    headers = {**admin.headers, "content-type": "application/json"}
    response = client.request(method, path, content=body, headers=headers)
    assert 400 <= response.status_code < 500, response.text
    assert response.json()["error"]["code"]


def test_an_unexpected_error_is_a_500_with_the_request_id(client: TestClient) -> None:
    async def broken() -> Any:
        raise RuntimeError("boom: internal detail")

    app_services(client.app).health_checks = {"database": broken}
    response = client.get("/api/v1/health", headers={"X-Request-ID": "trace-500"})
    assert response.status_code == 500
    assert response.headers["x-request-id"] == "trace-500"
    assert (
        response.json()["request_id"] == "trace-500" and response.json()["error"]["code"] == "INTERNAL_ERROR"
    )
    assert "boom" not in response.text
