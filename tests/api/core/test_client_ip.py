"""The client address: the socket peer, `X-Forwarded-For` only from TRUSTED_PROXIES."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient

from storefleet.api.app import create_app
from storefleet.api.core.client_ip import parse_ip, parse_trusted_proxies, resolve_client_ip
from storefleet.api.settings import ConfigurationError, Settings

TRUSTED = parse_trusted_proxies(["10.0.0.0/8", "192.0.2.1", "fd00::/8"])


@pytest.mark.parametrize(
    ("peer", "forwarded", "expected"),
    [
        # an untrusted peer: its X-Forwarded-For is ignored, whatever it says
        ("203.0.113.5", ["198.51.100.7"], "203.0.113.5"),
        ("203.0.113.5", [], "203.0.113.5"),
        # a trusted proxy: the forwarded client
        ("10.0.0.2", ["198.51.100.7"], "198.51.100.7"),
        ("192.0.2.1", ["198.51.100.7"], "198.51.100.7"),
        # walked from the right: trusted hops skipped, the first untrusted one is the client; what the
        # client wrote itself (the left part) is ignored
        ("10.0.0.2", ["6.6.6.6, 198.51.100.7, 10.1.1.1"], "198.51.100.7"),
        ("10.0.0.2", ["6.6.6.6", "198.51.100.7, 10.1.1.1"], "198.51.100.7"),
        # every hop trusted: the leftmost (the request started inside)
        ("10.0.0.2", ["10.9.9.9, 10.1.1.1"], "10.9.9.9"),
        # a trusted proxy without the header: the proxy itself
        ("10.0.0.2", [], "10.0.0.2"),
        # garbage ends the walk at the last trusted hop
        ("10.0.0.2", ["198.51.100.7, not-an-ip"], "10.0.0.2"),
        ("10.0.0.2", ["not-an-ip, 10.1.1.1"], "10.1.1.1"),
        # ports, brackets, IPv6 and IPv4-mapped addresses
        ("10.0.0.2", ["198.51.100.7:4711"], "198.51.100.7"),
        ("10.0.0.2", ["[2001:db8::1]:443"], "2001:db8::1"),
        ("fd00::1", ["2001:db8::1"], "2001:db8::1"),
        ("::ffff:10.0.0.2", ["198.51.100.7"], "198.51.100.7"),
        ("::ffff:203.0.113.5", ["198.51.100.7"], "203.0.113.5"),
        # not an IP (a unix socket, the test transport): kept as it is
        ("testclient", ["198.51.100.7"], "testclient"),
        (None, ["198.51.100.7"], None),
    ],
)
def test_resolve_client_ip(peer: str | None, forwarded: list[str], expected: str | None) -> None:
    assert resolve_client_ip(peer, forwarded, TRUSTED) == expected


def test_without_trusted_proxies_forwarded_for_is_never_believed() -> None:
    assert resolve_client_ip("10.0.0.2", ["198.51.100.7"], ()) == "10.0.0.2"


@pytest.mark.parametrize("entry", ["proxy.internal", "10.0.0.0/33", "", "1.2.3"])
def test_a_bad_trusted_proxy_entry_stops_start_up(entry: str) -> None:
    with pytest.raises(ConfigurationError, match="TRUSTED_PROXIES"):
        parse_trusted_proxies([entry])


def test_parse_ip() -> None:
    assert str(parse_ip(" 198.51.100.7 ")) == "198.51.100.7"
    assert parse_ip("unknown") is None and parse_ip("") is None


def test_create_app_refuses_a_bad_trusted_proxy(settings: Settings) -> None:
    with pytest.raises(ConfigurationError):
        create_app(settings.model_copy(update={"trusted_proxies": ("not-a-proxy",)}), migrate=False)


@pytest.fixture
def behind_proxy(settings: Settings, db: psycopg.Connection[Any]) -> Iterator[TestClient]:
    """The app behind a trusted reverse proxy at 10.0.0.2."""
    proxied = settings.model_copy(update={"trusted_proxies": ("10.0.0.0/8",)})
    app = create_app(proxied, migrate=False)
    with TestClient(app, client=("10.0.0.2", 40000), raise_server_exceptions=False) as test_client:
        yield test_client


def _register_and_read_ip(client: TestClient, db: psycopg.Connection[Any], headers: dict[str, str]) -> str:
    body = {"email": "ann@example.com", "username": "ann", "password": "password1"}
    assert client.post("/api/v1/auth/register", json=body, headers=headers).status_code == 201
    row = db.execute("SELECT ip FROM audit_events WHERE event = 'auth.registered'").fetchone()
    assert row is not None
    return str(row["ip"])


def test_audit_records_the_forwarded_client_behind_a_trusted_proxy(
    behind_proxy: TestClient, db: psycopg.Connection[Any]
) -> None:
    headers = {"X-Forwarded-For": "6.6.6.6, 198.51.100.7"}
    assert _register_and_read_ip(behind_proxy, db, headers) == "198.51.100.7"


def test_audit_records_the_peer_when_it_is_not_a_trusted_proxy(
    settings: Settings, db: psycopg.Connection[Any]
) -> None:
    proxied = settings.model_copy(update={"trusted_proxies": ("10.0.0.0/8",)})
    with TestClient(create_app(proxied, migrate=False), client=("203.0.113.5", 40000)) as direct:
        assert _register_and_read_ip(direct, db, {"X-Forwarded-For": "198.51.100.7"}) == "203.0.113.5"
