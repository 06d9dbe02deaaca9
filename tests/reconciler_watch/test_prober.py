"""One HTTP probe against real loopback servers: 5xx and no answer fail, any other status is an
answer; `STORE_PROBE_ADDRESS` connects elsewhere with the store's host as Host."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from storefleet.reconciler_watch.prober import HttpProber, parse_address
from tests.reconciler_watch.probe_server import probe_server, tls_probe_server


def test_statuses_below_500_are_answers_and_5xx_fail() -> None:
    with probe_server() as server:
        prober = HttpProber("/healthz", timeout_s=2)
        base = f"http://127.0.0.1:{server.port}"
        for status, ok in ((200, True), (302, True), (404, True), (500, False), (503, False)):
            server.statuses["127.0.0.1"] = status
            result = prober.probe(base)
            assert (result.ok, result.detail) == (ok, f"HTTP {status}")
            assert result.url == f"{base}/healthz"
        assert set(server.paths) == {"/healthz"}


def test_the_address_setting_connects_there_with_the_stores_host() -> None:
    with probe_server() as server:
        server.statuses["shop-abc.stores.example.test"] = 503
        prober = HttpProber("/", timeout_s=2, address=f"127.0.0.1:{server.port}")
        down = prober.probe(f"http://shop-abc.stores.example.test:{server.port}")
        up = prober.probe(f"http://other-def.stores.example.test:{server.port}")
    assert (down.ok, up.ok) == (False, True)
    assert server.hosts == ["shop-abc.stores.example.test", "other-def.stores.example.test"]


def test_no_answer_fails_with_the_reason() -> None:
    with socket.socket() as sock:  # a port nobody listens on: bound, never listening
        sock.bind(("127.0.0.1", 0))
        refused = HttpProber(timeout_s=2).probe(f"http://127.0.0.1:{sock.getsockname()[1]}")
    assert (refused.ok, refused.detail) == (False, "connection refused")
    with probe_server() as server:
        server.hang_s = 1.5
        slow = HttpProber(timeout_s=0.3).probe(f"http://127.0.0.1:{server.port}")
    assert (slow.ok, slow.detail) == (False, "no answer within 0.3 s")


@pytest.mark.parametrize("address", ["nohost", "host:", ":80", "host:http"])
def test_an_address_that_is_not_host_port_is_refused(address: str) -> None:
    with pytest.raises(ValueError, match="host:port"):
        parse_address(address)


def test_tls_through_the_address_names_the_store_and_checks_its_certificate(tmp_path: Path) -> None:
    host = "shop-abc.stores.example.test"
    with tls_probe_server(str(tmp_path), host) as server:
        address = f"127.0.0.1:{server.port}"
        unchecked = HttpProber(timeout_s=2, address=address, verify_tls=False).probe(f"https://{host}")
        checked = HttpProber(timeout_s=2, address=address).probe(f"https://{host}")
    assert (unchecked.ok, unchecked.detail) == (True, "HTTP 200")
    assert f"sni:{host}" in server.hosts and host in server.hosts  # the TLS name and the Host header
    assert not checked.ok and checked.detail.startswith("TLS: ")  # self-signed: not trusted
