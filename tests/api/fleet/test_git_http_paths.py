"""What a client sends to /git/fleet.git never becomes a 5xx: paths outside git's protocol (traversal in
any encoding, absolute paths, backslashes, NUL, garbage) are JSON 404s before git sees them, unknown
services are 403s, and a backend that breaks down is a logged 502, with nothing left running."""

from __future__ import annotations

import logging
import string
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storefleet.api.fleet import git_cgi, git_http
from tests.api.fleet.served_fleet import (
    ServedFleet,
    json_error,
    raw_request,
    served_fleet,
    wait_for_no_git_children,
)

UPLOAD_PACK_REQUEST = b"Content-Type: application/x-git-upload-pack-request\r\n"


@pytest.fixture(scope="module")
def fleet(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedFleet]:
    with served_fleet(database_url, tmp_path_factory.mktemp("served") / "state") as served:
        yield served


@pytest.mark.parametrize(
    "target",
    [
        b"/git/fleet.git/../../etc/passwd",
        b"/git/fleet.git/%2e%2e/%2e%2e/etc/passwd",
        b"/git/fleet.git/%2E%2E/config",
        b"/git/fleet.git/..%2f..%2fetc%2fpasswd",
        b"/git/fleet.git/%252e%252e/config",
        b"/git/fleet.git/%c0%ae%c0%ae/config",
        b"/git/fleet.git/%2fetc%2fpasswd",
        b"/git/fleet.git//etc/passwd",
        b"/git/fleet.git/..\\..\\etc\\passwd",
        b"/git/fleet.git/info%5crefs",
        b"/git/fleet.git/info/refs%00",
        b"/git/fleet.git/info/refs/..",
        b"/git/fleet.git/objects/../config",
        b"/git/fleet.git/objects/info/alternates",
        b"/git/fleet.git/config",
        b"/git/fleet.git/hooks/pre-receive",
        b"/git/fleet.git/",
        b"/git/fleet.git/" + b"a" * 16_000,
        b"http://127.0.0.1/git/fleet.git/../config",
    ],
)
def test_a_path_outside_the_git_protocol_is_a_json_404(fleet: ServedFleet, target: bytes) -> None:
    status, body = raw_request(fleet.port, b"GET " + target + b" HTTP/1.1")
    assert status == 404
    assert json_error(body)["code"] == "GIT_PATH_NOT_FOUND"


@pytest.mark.parametrize("target", [b"/git/fleet.git/info%0arefs", b"/git/x/../fleet.git/HEAD"])
def test_a_path_no_route_matches_is_the_usual_json_404(fleet: ServedFleet, target: bytes) -> None:
    status, body = raw_request(fleet.port, b"GET " + target + b" HTTP/1.1")
    assert status == 404 and json_error(body)["code"] == "NOT_FOUND"


@pytest.mark.parametrize(
    "request_line",
    [b"GET /git/fleet.git/info/refs\x00 HTTP/1.1", b"GET /git/fleet.git/" + b"a" * 200_000 + b" HTTP/1.1"],
)
def test_a_request_line_the_http_parser_refuses_is_a_400(fleet: ServedFleet, request_line: bytes) -> None:
    status, _ = raw_request(fleet.port, request_line)
    assert status == 400


@pytest.mark.parametrize(
    "query",
    [
        b"service=git-evil",
        b"service=upload-pack",
        b"service=%00",
        b"service=git-upload-pack&service=git-receive-pack",
    ],
)
def test_an_unknown_service_is_a_json_403(fleet: ServedFleet, query: bytes) -> None:
    status, body = raw_request(fleet.port, b"GET /git/fleet.git/info/refs?" + query + b" HTTP/1.1")
    assert status == 403 and json_error(body)["code"] == "GIT_SERVICE_FORBIDDEN"


def test_a_wrong_method_is_a_json_405(fleet: ServedFleet) -> None:
    status, body = raw_request(fleet.port, b"GET /git/fleet.git/git-upload-pack HTTP/1.1")
    assert status == 405 and json_error(body)["code"] == "GIT_METHOD_NOT_ALLOWED"
    status, body = raw_request(fleet.port, b"POST /git/fleet.git/HEAD HTTP/1.1", b"Content-Length: 0\r\n")
    assert status == 405 and json_error(body)["code"] == "GIT_METHOD_NOT_ALLOWED"


def test_the_dumb_protocol_files_are_served(fleet: ServedFleet) -> None:
    assert raw_request(fleet.port, b"GET /git/fleet.git/HEAD HTTP/1.1") == (200, b"ref: refs/heads/main\n")
    status, body = raw_request(fleet.port, b"GET /git/fleet.git/info/refs HTTP/1.1")
    assert status == 200 and body.endswith(b"\trefs/heads/main\n")
    status, body = raw_request(fleet.port, b"GET /git/fleet.git/objects/00/" + b"0" * 38 + b" HTTP/1.1")
    assert status == 404 and json_error(body)["code"] == "GIT_PATH_NOT_FOUND"


def test_a_request_git_refuses_keeps_the_json_shape(fleet: ServedFleet) -> None:
    status, body = raw_request(
        fleet.port, b"POST /git/fleet.git/git-upload-pack HTTP/1.1", b"Content-Type: text/plain\r\n", b""
    )
    assert status == 415 and json_error(body)["code"] == "GIT_UNSUPPORTED_MEDIA_TYPE"


def test_a_garbage_upload_pack_body_is_no_server_error(fleet: ServedFleet) -> None:
    body = b"garbage that is not pkt-line\n" * 100
    headers = UPLOAD_PACK_REQUEST + f"Content-Length: {len(body)}\r\n".encode()
    status, _ = raw_request(fleet.port, b"POST /git/fleet.git/git-upload-pack HTTP/1.1", headers, body)
    assert status < 500
    assert wait_for_no_git_children() == []


def test_a_body_over_the_limit_is_a_json_413(fleet: ServedFleet, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(git_http, "MAX_REQUEST_BYTES", 1000)
    headers = UPLOAD_PACK_REQUEST + b"Content-Length: 5000\r\n"
    status, body = raw_request(
        fleet.port, b"POST /git/fleet.git/git-upload-pack HTTP/1.1", headers, b"0" * 5000
    )
    assert status == 413 and json_error(body)["code"] == "GIT_REQUEST_TOO_LARGE"
    chunked = b"".join(b"%x\r\n%s\r\n" % (600, b"0" * 600) for _ in range(4)) + b"0\r\n\r\n"
    headers = UPLOAD_PACK_REQUEST + b"Transfer-Encoding: chunked\r\n"
    status, _ = raw_request(fleet.port, b"POST /git/fleet.git/git-upload-pack HTTP/1.1", headers, chunked)
    assert status < 500
    assert wait_for_no_git_children() == []


@pytest.mark.parametrize(
    ("script", "logged"),
    [
        ("echo 'fatal: the backend broke' >&2; exit 3", "fatal: the backend broke"),
        ("printf 'no headers at all'", "no usable CGI headers"),
        ("printf 'Status: banana\\r\\n\\r\\n'", "not an HTTP status"),
        ("printf 'Status: 500 Internal Server Error\\r\\n\\r\\nbroken'", "answered 500"),
        ("sleep 0.2; kill -9 $$", "exit -9"),
    ],
)
def test_a_backend_that_breaks_down_is_a_logged_502(
    fleet: ServedFleet,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    script: str,
    logged: str,
) -> None:
    monkeypatch.setattr(git_cgi, "BACKEND_COMMAND", ("sh", "-c", script))
    with caplog.at_level(logging.ERROR):
        status, body = raw_request(
            fleet.port, b"GET /git/fleet.git/info/refs?service=git-upload-pack HTTP/1.1"
        )
    assert status == 502 and json_error(body)["code"] == "GIT_BACKEND_FAILED"
    assert logged in caplog.text
    assert wait_for_no_git_children() == []


def test_a_backend_that_cannot_start_is_a_502(fleet: ServedFleet, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(git_cgi, "BACKEND_COMMAND", ("/nonexistent/git",))
    status, body = raw_request(fleet.port, b"GET /git/fleet.git/HEAD HTTP/1.1")
    assert status == 502 and json_error(body)["code"] == "GIT_BACKEND_FAILED"


_NASTY_SEGMENTS = [
    "..",
    ".",
    "",
    "%2e%2e",
    "%2E.",
    "%2f",
    "%5c",
    "\\",
    "%00",
    "%252e",
    "..;",
    "~",
    "%",
    "%zz",
    "/etc/passwd",
    "info",
    "refs",
    "objects",
    "HEAD",
    "pack",
    "config",
    "git-upload-pack",
    "git-receive-pack",
]
_SEGMENTS = st.one_of(st.sampled_from(_NASTY_SEGMENTS), st.text(string.printable + "é☃\u0000", max_size=12))


@settings(
    max_examples=120,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    method=st.sampled_from(["GET", "POST"]),
    segments=st.lists(_SEGMENTS, min_size=1, max_size=6),
    query=st.dictionaries(st.sampled_from(["service", "x", ""]), st.text(max_size=20), max_size=3),
)
def test_random_paths_and_queries_are_never_a_server_error(
    fleet: ServedFleet, method: str, segments: list[str], query: dict[str, str]
) -> None:
    path = quote("/".join(segments), safe="/%.\\~;")
    query_string = "&".join(f"{quote(key)}={quote(value)}" for key, value in query.items())
    target = f"/git/fleet.git/{path}?{query_string}".encode()
    request_line = method.encode() + b" " + target + b" HTTP/1.1"
    if method == "POST":
        status, body = raw_request(
            fleet.port, request_line, UPLOAD_PACK_REQUEST + b"Content-Length: 4\r\n", b"0000"
        )
    else:
        status, body = raw_request(fleet.port, request_line)
    assert status < 500, (target, status, body[:300])
    if status in (401, 403, 404, 405):
        json_error(body)
