"""The storefleet API as a command-line client sees it: JSON over the standard library's `urllib`,
behind a `Transport` (method, path, JSON body, headers -> status, JSON) that tests swap for the app;
an API error becomes a `click.ClickException` naming its code and message (exit status 1)."""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import click

DEFAULT_API_URL = "http://127.0.0.1:8000"
DEFAULT_REQUEST_TIMEOUT_S = 30.0
ROLLOUTS = "/api/v1/rollouts"
LOGIN = "/api/v1/auth/login"
TRANSPORT_KEY = "rollout_transport"  # ctx.obj[TRANSPORT_KEY]: a Transport to use instead of urllib

# (method, path, JSON body or None, headers) -> (HTTP status, the decoded JSON answer)
Transport = Callable[[str, str, Any, Mapping[str, str]], tuple[int, Any]]
F = TypeVar("F", bound=Callable[..., Any])


class TransportError(Exception):
    """The API could not be reached, or did not answer."""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is answered as it is: following it would send the bearer token to another place."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class UrllibTransport:
    """JSON over HTTP(S) with the standard library, each request bounded by a timeout."""

    def __init__(self, base_url: str, timeout_s: float = DEFAULT_REQUEST_TIMEOUT_S) -> None:
        parsed = urllib.parse.urlsplit(base_url)
        # shown in messages without any user:password@ it may carry
        self.shown_url = parsed._replace(netloc=parsed.netloc.rpartition("@")[2]).geturl().rstrip("/")
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise click.BadParameter(f"{self.shown_url!r} is not an http(s) URL", param_hint="'--api-url'")
        self.base_url = base_url.rstrip("/")
        self.timeout_s = timeout_s
        self._opener = urllib.request.build_opener(_NoRedirect)

    def __call__(self, method: str, path: str, body: Any, headers: Mapping[str, str]) -> tuple[int, Any]:
        data = None if body is None else json.dumps(body).encode()
        sent = {"Accept": "application/json", **headers}
        if data is not None:
            sent["Content-Type"] = "application/json"
        # the scheme is checked to be http(s) above
        request = urllib.request.Request(self.base_url + path, data=data, headers=sent, method=method)  # noqa: S310
        try:
            with self._opener.open(request, timeout=self.timeout_s) as answer:
                return answer.status, _decode(answer.read())
        except urllib.error.HTTPError as exc:
            return exc.code, _error_body(exc)
        except (urllib.error.URLError, OSError, http.client.HTTPException, ValueError) as exc:
            why = exc.reason if isinstance(exc, urllib.error.URLError) else exc
            raise TransportError(f"cannot reach the API at {self.shown_url}: {why}") from exc


def _error_body(exc: urllib.error.HTTPError) -> Any:
    try:
        with exc:
            return _decode(exc.read())
    except (OSError, http.client.HTTPException):
        return None  # the status alone then


def _decode(raw: bytes) -> Any:
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode(errors="replace")


def describe_error(status: int, body: Any) -> str:
    """`CODE: message` of an API error, its details (field errors, the stores in question) and the
    request id; anything else that answered (a proxy's page) as its HTTP status and first words."""
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        text = body if isinstance(body, str) else json.dumps(body)
        return f"HTTP {status}: {' '.join(str(text).split())[:300] or 'no answer body'}"
    lines = [f"{error.get('code', 'ERROR')}: {error.get('message', '')} (HTTP {status})"]
    details = error.get("details")
    if isinstance(details, list) and all(isinstance(d, dict) and "message" in d for d in details):
        lines += [f"  - {d.get('field', '')}: {d['message']}" for d in details[:20]]
    elif details:
        lines.append(f"  details: {json.dumps(details, sort_keys=True)[:500]}")
    if isinstance(body, dict) and body.get("request_id"):
        lines.append(f"  request id: {body['request_id']}")
    return "\n".join(lines)


@dataclass
class Api:
    """The rollouts API as the commands call it: an error answer is a ClickException (exit status 1)."""

    transport: Transport
    token: str | None = None

    def call(self, method: str, path: str, body: Any = None) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        try:
            status, answer = self.transport(method, path, body, headers)
        except TransportError as exc:
            raise click.ClickException(str(exc)) from None
        if not 200 <= status < 300:  # a redirect too: it is not followed (the token would go along)
            message = describe_error(status, answer)
            if status == 401 and path != LOGIN:
                message += "\n  (sign in again: a fresh --token, or --username and --password)"
            raise click.ClickException(message)
        if not isinstance(answer, dict):
            raise click.ClickException(f"HTTP {status}: the API's answer is not a JSON object")
        return answer

    def login(self, username: str, password: str) -> None:
        field = "email" if "@" in username else "username"
        answer = self.call("POST", LOGIN, {field: username, "password": password})
        if not isinstance(answer.get("token"), str):
            raise click.ClickException("the sign-in answer carries no token")
        self.token = answer["token"]
