"""Per-request context (request id, client address) carried in contextvars into logs, audit and outbox."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_request_id: ContextVar[str | None] = ContextVar("storefleet_request_id", default=None)
_client_ip: ContextVar[str | None] = ContextVar("storefleet_client_ip", default=None)

# A caller-supplied id is kept only if it is short and harmless in logs and commit trailers.
_ACCEPTABLE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")


def new_request_id() -> str:
    return "req-" + secrets.token_hex(8)


def accept_request_id(candidate: str | None) -> str:
    if candidate and _ACCEPTABLE_REQUEST_ID.fullmatch(candidate):
        return candidate
    return new_request_id()


def current_request_id() -> str | None:
    return _request_id.get()


def current_client_ip() -> str | None:
    return _client_ip.get()


def bind(request_id: str, client_ip: str | None) -> tuple[object, object]:
    return _request_id.set(request_id), _client_ip.set(client_ip)


def unbind(tokens: tuple[object, object]) -> None:
    rid_token, ip_token = tokens
    _request_id.reset(rid_token)  # type: ignore[arg-type]
    _client_ip.reset(ip_token)  # type: ignore[arg-type]


@contextmanager
def acting_for(request_id: str | None) -> Iterator[None]:
    """Work done later on behalf of a request (the watcher's events about the commit it asked for):
    logs and audit rows in the block carry that request's id."""
    token = _request_id.set(request_id)
    try:
        yield
    finally:
        _request_id.reset(token)
