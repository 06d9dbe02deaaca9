"""The HTTP probe's I/O: one GET of a store's page, with a timeout, never following redirects (a
redirect is an answer). `STORE_PROBE_ADDRESS` sends every probe to one address — the ingress
controller's Service, say — with the store's host as `Host` and TLS server name, as `curl
--connect-to` does: a store's public name need not resolve where the platform runs."""

from __future__ import annotations

import http.client
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from storefleet.reconciler_watch.probe import ProbeResult

USER_AGENT = "storefleet-probe/1"


@dataclass(frozen=True)
class ProbeTarget:
    """Where probes connect instead of the store's host: `host:port` (None: the store's own host)."""

    host: str
    port: int


def parse_address(address: str | None) -> ProbeTarget | None:
    if not address:
        return None
    host, sep, port = address.rpartition(":")
    if not sep or not host or not port.isdigit():
        raise ValueError(f"STORE_PROBE_ADDRESS {address!r} is not host:port")
    return ProbeTarget(host.strip("[]"), int(port))


class _Redirected(http.client.HTTPConnection):
    """Plain HTTP to `target`, whatever the URL's host."""

    def __init__(self, host: str, port: int | None, target: ProbeTarget, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._target = target

    def connect(self) -> None:
        self.sock = socket.create_connection((self._target.host, self._target.port), self.timeout)


class _RedirectedTls(http.client.HTTPSConnection):
    """TLS to `target`, with the URL's host as the server name the certificate is checked against."""

    def __init__(
        self, host: str, port: int | None, target: ProbeTarget, timeout: float, context: ssl.SSLContext
    ) -> None:
        super().__init__(host, port, timeout=timeout, context=context)
        self._target, self._tls = target, context

    def connect(self) -> None:
        raw = socket.create_connection((self._target.host, self._target.port), self.timeout)
        self.sock = self._tls.wrap_socket(raw, server_hostname=self.host)


class HttpProber:
    def __init__(
        self, path: str = "/", timeout_s: float = 5.0, address: str | None = None, verify_tls: bool = True
    ) -> None:
        self._path = path if path.startswith("/") else f"/{path}"
        self._timeout = timeout_s
        self._target = parse_address(address)
        self._tls = ssl.create_default_context()
        if not verify_tls:
            self._tls.check_hostname = False
            self._tls.verify_mode = ssl.CERT_NONE

    def url(self, store_url: str) -> str:
        return store_url.rstrip("/") + self._path

    def probe(self, store_url: str) -> ProbeResult:
        url = self.url(store_url)
        parts = urlsplit(url)
        connection = self._connection(parts.scheme, parts.hostname or "", parts.port)
        try:
            connection.request(
                "GET", parts.path or "/", headers={"User-Agent": USER_AGENT, "Accept": "text/html,*/*"}
            )
            status = connection.getresponse().status
        except TimeoutError:
            return ProbeResult(url, False, f"no answer within {self._timeout:g} s")
        except ssl.SSLError as exc:
            return ProbeResult(url, False, f"TLS: {exc.reason or exc}")
        except (OSError, http.client.HTTPException) as exc:
            return ProbeResult(url, False, _connection_error(exc))
        finally:
            connection.close()
        return ProbeResult(url, status < 500, f"HTTP {status}")

    def _connection(self, scheme: str, host: str, port: int | None) -> http.client.HTTPConnection:
        if self._target is None:
            if scheme == "https":
                return http.client.HTTPSConnection(host, port, timeout=self._timeout, context=self._tls)
            return http.client.HTTPConnection(host, port, timeout=self._timeout)
        if scheme == "https":
            return _RedirectedTls(host, port, self._target, self._timeout, self._tls)
        return _Redirected(host, port, self._target, self._timeout)


def _connection_error(exc: Exception) -> str:
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, socket.gaierror):
        return f"cannot resolve the host ({exc.strerror or exc})"
    if isinstance(exc, ConnectionResetError):
        return "connection reset"
    return f"{type(exc).__name__}: {exc}"[:200]
