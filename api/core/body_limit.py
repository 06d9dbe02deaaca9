"""Refuse request bodies over MAX_BODY_BYTES with 413 PAYLOAD_TOO_LARGE, before the app parses them.

Two checks: a declared Content-Length over the limit is refused before the app runs; a body sent
without one (chunked) is counted while the app reads it, and reading past the limit raises an
HTTPException(413), which FastAPI's body parsing re-raises and the error handler renders in the one
error shape. Pure ASGI, and it must sit inside RequestContextMiddleware so the answer has the
request id.
"""

from __future__ import annotations

from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from storefleet.api.core.errors import error_body

CODE = "PAYLOAD_TOO_LARGE"
# `git push` to the served fleet repo (api/fleet/git_http.py) sends packs far larger than any JSON
# body; that route authenticates pushes itself and streams them to git, so it is not capped here.
EXEMPT_PREFIXES = ("/git/",)


class BodyTooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"The request body is larger than the limit of {limit} bytes.")


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(EXEMPT_PREFIXES):
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            # Reached only when the body was read outside FastAPI's parsing (no handler rendered it).
            if started:
                raise
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        message = f"The request body is larger than the limit of {self.max_bytes} bytes."
        # Connection: close, so the server does not try to read (and discard) the rest of the body.
        response = JSONResponse(error_body(CODE, message), status_code=413, headers={"Connection": "close"})
        await response(scope, receive, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None  # the server rejects a malformed length before we see it
    return None
