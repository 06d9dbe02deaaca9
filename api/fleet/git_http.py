"""Serves the local fleet repo over git's smart HTTP protocol (git http-backend as a CGI), so a Flux
or Argo CD in a local cluster can pull it. Read-only unless a push token is configured."""

from __future__ import annotations

import asyncio
import base64
import binascii
import hmac
from collections.abc import AsyncIterator
from pathlib import Path

from fastapi import APIRouter, Request, Response
from fastapi.responses import StreamingResponse

from storefleet.api.core.errors import AppError, Unauthorized

MAX_REQUEST_BYTES = 64 * 1024 * 1024


class PushForbidden(AppError):
    status_code = 403
    code = "GIT_PUSH_FORBIDDEN"


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


def _cgi_env(request: Request, repo_root: Path, path: str, pusher: bool) -> dict[str, str]:
    env = {
        "GIT_PROJECT_ROOT": str(repo_root),
        "GIT_HTTP_EXPORT_ALL": "1",
        "PATH_INFO": f"/fleet.git/{path}",
        "REQUEST_METHOD": request.method,
        "QUERY_STRING": request.url.query,
        "CONTENT_TYPE": request.headers.get("content-type", ""),
        "REMOTE_ADDR": request.client.host if request.client else "",
        "PATH": "/usr/local/bin:/usr/bin:/bin",
    }
    for header, variable in (("content-encoding", "HTTP_CONTENT_ENCODING"), ("git-protocol", "GIT_PROTOCOL")):
        if header in request.headers:
            env[variable] = request.headers[header]
    if pusher:
        env["REMOTE_USER"] = "fleet-pusher"  # http-backend enables receive-pack for an authenticated user
    return env


async def _read_body(request: Request) -> bytes:
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_REQUEST_BYTES:
            raise AppError("The git request is too large.")
        chunks.append(chunk)
    return b"".join(chunks)


def _parse_cgi_headers(head: bytes) -> tuple[int, dict[str, str]]:
    status, headers = 200, {}
    for line in head.decode("latin-1").splitlines():
        name, _, value = line.partition(":")
        if name.lower() == "status":
            status = int(value.strip().split()[0])
        elif name:
            headers[name.strip()] = value.strip()
    return status, headers


def build_router(repo_root: Path, push_token: str | None) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.api_route("/git/fleet.git/{path:path}", methods=["GET", "POST"])
    async def git_http(path: str, request: Request) -> Response:
        pushing = path == "git-receive-pack" or request.query_params.get("service") == "git-receive-pack"
        pusher = pushing and _push_allowed(request, push_token)
        body = await _read_body(request) if request.method == "POST" else b""
        proc = await asyncio.create_subprocess_exec(
            "git",
            "http-backend",
            env=_cgi_env(request, repo_root, path, pusher),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
        )
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write(body)
        await proc.stdin.drain()
        proc.stdin.close()
        head = await proc.stdout.readuntil(b"\r\n\r\n")
        status, headers = _parse_cgi_headers(head)

        async def rest() -> AsyncIterator[bytes]:
            assert proc.stdout is not None
            while chunk := await proc.stdout.read(65536):
                yield chunk
            await proc.wait()

        return StreamingResponse(rest(), status_code=status, headers=headers)

    return router
