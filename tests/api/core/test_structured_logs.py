"""The one JSON log configuration carries the request id from the context and any field passed
with `extra=` (store_id, tenant, phase, duration_ms), and the access line has its duration."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from storefleet.api.core import request_context
from storefleet.api.core.logging import configure_logging


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    configure_logging("INFO", "json")
    stream = io.StringIO()
    handler = root.handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(stream)
    try:
        yield stream
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)


def _lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def test_extra_fields_and_the_request_id_reach_the_json_line(json_log: io.StringIO) -> None:
    tokens = request_context.bind("req-test-1", None)
    try:
        logging.getLogger("storefleet.test").info(
            "store moved",
            extra={"store_id": "st-1", "tenant": "u-1", "phase": "ready", "duration_ms": 12.5},
        )
    finally:
        request_context.unbind(tokens)
    (line,) = _lines(json_log)
    assert line["request_id"] == "req-test-1"
    assert {k: line[k] for k in ("store_id", "tenant", "phase", "duration_ms")} == {
        "store_id": "st-1",
        "tenant": "u-1",
        "phase": "ready",
        "duration_ms": 12.5,
    }


def test_the_access_line_has_a_duration(client: TestClient, json_log: io.StringIO) -> None:
    response = client.get("/api/v1/health/live")
    access = [line for line in _lines(json_log) if line.get("logger") == "storefleet.access"]
    assert access, json_log.getvalue()
    assert access[-1]["request_id"] == response.headers["x-request-id"]
    assert isinstance(access[-1]["duration_ms"], float)
