from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient


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
