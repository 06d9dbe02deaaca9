"""Secrets never reach the log: messages, structured fields, tracebacks, URLs."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from storefleet.api.core.logging import configure_logging, redact_text, redact_value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("login password=hunter2 for bob", "login password=*** for bob"),
        ("host=db password='p w' dbname=x", "host=db password='***' dbname=x"),
        ('{"token": "abc123", "n": 1}', '{"token": "***", "n": 1}'),
        ("FLEET_REPO_TOKEN=ghp_abcdef", "FLEET_REPO_TOKEN=***"),
        ("jwt_secret: s3cr3t-value", "jwt_secret: ***"),
        ("Authorization: Bearer abc.def.ghi-123", "Authorization: Bearer ***"),
        ("sent Basic dXNlcjpwYXNzd29yZA== to git", "sent Basic *** to git"),
        ("connect postgresql://app:s3cr3t@db:5432/x", "connect postgresql://app:***@db:5432/x"),
        ("clone https://ghp_token123@github.com/o/r", "clone https://***@github.com/o/r"),
        ("token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1LTEifQ.c2lnbmF0dXJl", "token ***"),
        ("store st-abc created in 12 ms", "store st-abc created in 12 ms"),
    ],
)
def test_redact_text(text: str, expected: str) -> None:
    assert redact_text(text) == expected


def test_structured_fields_are_masked_by_key_and_searched_by_value() -> None:
    assert redact_value("password", "hunter2") == "***"
    assert redact_value("Authorization", "Bearer abcdefghijk") == "***"
    assert redact_value("url", "https://u:pw@h/x") == "https://u:***@h/x"
    nested = {"headers": {"authorization": "Bearer x", "accept": "json"}, "items": ["password=a"]}
    assert redact_value("detail", nested) == {
        "headers": {"authorization": "***", "accept": "json"},
        "items": ["password=***"],
    }


@pytest.fixture
def captured_json_log() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    stream = io.StringIO()
    configure_logging("INFO", "json")
    root.handlers[0].setStream(stream)  # type: ignore[attr-defined]
    try:
        yield stream
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)


def test_configured_logging_masks_message_arguments_extras_and_tracebacks(
    captured_json_log: io.StringIO,
) -> None:
    log = logging.getLogger("storefleet.test")
    log.info("connecting to %s", "postgresql://app:s3cr3t@db/x", extra={"api_token": "tok-1", "n": 3})
    try:
        raise RuntimeError("failed with password=hunter2")
    except RuntimeError:
        log.exception("boom")
    output = captured_json_log.getvalue()
    assert "s3cr3t" not in output and "tok-1" not in output and "hunter2" not in output
    first, second = (json.loads(line) for line in output.splitlines())
    assert first["message"] == "connecting to postgresql://app:***@db/x"
    assert (first["api_token"], first["n"]) == ("***", 3)
    assert "password=***" in second["exc_info"]
