"""Serves the local fleet repo over git's smart HTTP protocol (git http-backend as a CGI), so a Flux
or Argo CD in a local cluster can pull it. Read-only unless a push token is configured.

Only the paths git's HTTP protocols use reach the backend (matched against the decoded path, so `..`,
`%2e%2e`, `%2f` and the like never do); anything else is a JSON 404 like any unknown API path.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path

from fastapi import APIRouter, Request, Response
from starlette.types import Receive, Scope, Send

from storefleet.api.core.errors import AppError, Unauthorized
from storefleet.api.core.request_context import current_client_ip
from storefleet.api.fleet.git_cgi import BackendFailed, BodyTooLarge, CgiHead, ClientGone, GitBackend

log = logging.getLogger(__name__)

MAX_REQUEST_BYTES = 64 * 1024 * 1024
SERVICES = frozenset({"git-upload-pack", "git-receive-pack"})
# git http-backend's own table of paths, less objects/info/(http-)alternates (they name other
# repositories' paths on this disk). Matched in full against the decoded path.
_READ_PATHS = re.compile(
    r"HEAD|info/refs|objects/info/packs|objects/[0-9a-f]{2}/(?:[0-9a-f]{38}|[0-9a-f]{62})"
    r"|objects/pack/pack-(?:[0-9a-f]{40}|[0-9a-f]{64})\.(?:pack|idx)",
    re.ASCII,
)
_HEADER_TOKEN = re.compile(r"[A-Za-z0-9=:._-]{1,256}", re.ASCII)


class PushForbidden(AppError):
    status_code = 403
    code = "GIT_PUSH_FORBIDDEN"


class GitPathNotFound(AppError):
    status_code = 404
    code = "GIT_PATH_NOT_FOUND"


class GitServiceForbidden(AppError):
    status_code = 403
    code = "GIT_SERVICE_FORBIDDEN"


class GitMethodNotAllowed(AppError):
    status_code = 405
    code = "GIT_METHOD_NOT_ALLOWED"


class GitRequestTooLarge(AppError):
    status_code = 413
    code = "GIT_REQUEST_TOO_LARGE"


class GitBadRequest(AppError):
    status_code = 400
    code = "GIT_BAD_REQUEST"


class GitUnsupportedMediaType(AppError):
    status_code = 415
    code = "GIT_UNSUPPORTED_MEDIA_TYPE"


class GitBackendFailed(AppError):
    status_code = 502
    code = "GIT_BACKEND_FAILED"


# How a refusal by git http-backend itself reaches the client: in the API's error shape.
_BACKEND_REFUSALS: dict[int, type[AppError]] = {
    403: GitServiceForbidden,
    404: GitPathNotFound,
    405: GitMethodNotAllowed,
    413: GitRequestTooLarge,
    415: GitUnsupportedMediaType,
}


@dataclass(frozen=True)
class GitRequest:
    path: str
    service: str | None  # the smart-protocol service asked for; None for the dumb protocol's files


def parse_git_request(path: str, request: Request) -> GitRequest:
    if path in SERVICES:
        method = "POST"
    elif _READ_PATHS.fullmatch(path):
        method = "GET"
    else:
        raise GitPathNotFound("No such path in the fleet repo.")
    if request.method != method:
        raise GitMethodNotAllowed(f"{path} answers {method} only.", headers={"Allow": method})
    if method == "POST":
        return GitRequest(path, path)
    if path != "info/refs":
        return GitRequest(path, None)
    services = request.query_params.getlist("service")
    if not services:
        return GitRequest(path, None)
    if len(services) > 1 or services[0] not in SERVICES:
        raise GitServiceForbidden("Unsupported git service.")
    return GitRequest(path, services[0])


def _push_allowed(request: Request, token: str | None) -> bool:
    if token is None:
        raise PushForbidden("This fleet repo is served read-only.")
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    try:
        _, _, password = base64.b64decode(encoded, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        password = ""
    if scheme.lower() != "basic" or not hmac.compare_digest(password.encode(), token.encode()):
        raise Unauthorized(
            "Pushing needs the push token as the basic-auth password.",
            headers={"WWW-Authenticate": 'Basic realm="storefleet fleet repo"'},
        )
    return True


def _declared_length(request: Request) -> int | None:
    declared = request.headers.get("content-length")
    if declared is None or not declared.isdigit():
        return None  # chunked: the backend reads to EOF
    if int(declared) > MAX_REQUEST_BYTES:
        raise GitRequestTooLarge(f"A git request may carry at most {MAX_REQUEST_BYTES} bytes.")
    return int(declared)


def _cgi_env(request: Request, repo_root: Path, git: GitRequest, pusher: bool) -> dict[str, str]:
    client = current_client_ip() or (request.client.host if request.client else "")
    env = {
        "GIT_PROJECT_ROOT": str(repo_root),
        "GIT_HTTP_EXPORT_ALL": "1",
        "GATEWAY_INTERFACE": "CGI/1.1",
        "SERVER_PROTOCOL": f"HTTP/{request.scope.get('http_version', '1.1')}",
        "REQUEST_METHOD": request.method,
        "PATH_INFO": f"/fleet.git/{git.path}",
        # Rebuilt, not forwarded: git reads the same `service` this handler authorised.
        "QUERY_STRING": f"service={git.service}" if git.path == "info/refs" and git.service else "",
        "CONTENT_TYPE": request.headers.get("content-type", ""),
        "REMOTE_ADDR": client,
        "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
    }
    if request.method == "POST" and (length := _declared_length(request)) is not None:
        env["CONTENT_LENGTH"] = str(length)
    protocol = request.headers.get("git-protocol", "")
    if _HEADER_TOKEN.fullmatch(protocol):
        # The Git-Protocol header is how a client asks for protocol v2.
        env["GIT_PROTOCOL"] = env["HTTP_GIT_PROTOCOL"] = protocol
    encoding = request.headers.get("content-encoding", "")
    if _HEADER_TOKEN.fullmatch(encoding):
        env["HTTP_CONTENT_ENCODING"] = encoding  # gzip: the backend inflates the body
    if pusher:
        env["REMOTE_USER"] = "fleet-pusher"  # http-backend enables receive-pack for an authenticated user
    return env


async def _until_disconnect(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


async def _answer_head(backend: GitBackend) -> CgiHead:
    try:
        head = await backend.read_head()
    except BodyTooLarge as exc:
        raise GitRequestTooLarge(f"A git request may carry at most {MAX_REQUEST_BYTES} bytes.") from exc
    except ClientGone as exc:
        raise GitBadRequest("The client closed the request before it was answered.") from exc
    except BackendFailed as exc:
        raise GitBackendFailed("The git backend failed; the request id identifies it in the log.") from exc
    if head.status >= 400:
        await backend.close(abort=True)  # an error answer: nothing more of it is wanted
        if head.status >= 500:
            log.error("git http-backend answered %d: %s", head.status, backend.stderr_text)
            raise GitBackendFailed(f"The git backend answered {head.status}.")
        raise _BACKEND_REFUSALS.get(head.status, GitBadRequest)("git refused the request.")
    return head


class GitBackendResponse(Response):
    """Streams the backend's output (never buffered), and reaps the backend however the stream ends.

    Unlike StreamingResponse it does not read `receive` itself: the backend's feeder reads the request
    body from it and then watches it for the client leaving, which ends the backend early."""

    def __init__(self, backend: GitBackend, head: CgiHead) -> None:
        self.backend = backend
        self.status_code = head.status
        self.background = None
        self.raw_headers = [
            (name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in head.headers
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        finished = False
        try:
            await send(
                {"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers}
            )
            async for chunk in self.backend.output():
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b"", "more_body": False})
            finished = True
        except OSError:  # how an ASGI 2.4 server reports a client that left
            pass
        finally:
            await self.backend.close(abort=not finished)


def build_router(repo_root: Path, push_token: str | None) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.api_route("/git/fleet.git/{path:path}", methods=["GET", "POST"])
    async def git_http(path: str, request: Request) -> Response:
        git = parse_git_request(path, request)
        pusher = git.service == "git-receive-pack" and _push_allowed(request, push_token)
        env = _cgi_env(request, repo_root, git, pusher)
        try:
            backend = await GitBackend.start(
                env,
                request.stream() if request.method == "POST" else None,
                lambda: _until_disconnect(request.receive),
                MAX_REQUEST_BYTES,
            )
        except BackendFailed as exc:
            raise GitBackendFailed("The git backend did not start.") from exc
        return GitBackendResponse(backend, await _answer_head(backend))

    return router
