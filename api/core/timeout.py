"""Answer 503 REQUEST_TIMEOUT when the app has not started its answer within REQUEST_TIMEOUT_S.

The deadline covers the time until the response starts: once the first byte of an answer is on its
way (a streamed git pack, a large download) the request is left alone, since a status can no
longer be changed and cutting the stream would only break it. Pure ASGI, inside
RequestContextMiddleware so the answer has the request id.
"""

from __future__ import annotations

import logging
import math

import anyio
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from storefleet.api.core.errors import error_body

CODE = "REQUEST_TIMEOUT"
# git smart HTTP (api/fleet/git_http.py) runs upload-pack/receive-pack for as long as a clone or a
# push takes; it is bounded by git and the client, not by an API deadline.
EXEMPT_PREFIXES = ("/git/",)
log = logging.getLogger(__name__)


class TimeoutMiddleware:
    def __init__(self, app: ASGIApp, timeout_s: float) -> None:
        self.app = app
        self.timeout_s = timeout_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(EXEMPT_PREFIXES):
            await self.app(scope, receive, send)
            return
        started = False

        with anyio.CancelScope(deadline=anyio.current_time() + self.timeout_s) as deadline:

            async def send_and_disarm(message: Message) -> None:
                nonlocal started
                if message["type"] == "http.response.start":
                    started = True
                    deadline.deadline = math.inf  # the answer has begun: let it finish
                await send(message)

            await self.app(scope, receive, send_and_disarm)

        if deadline.cancelled_caught and not started:
            log.warning(
                "request timed out after %ss",
                self.timeout_s,
                extra={"path": scope["path"], "timeout_s": self.timeout_s},
            )
            message = f"The request took longer than {self.timeout_s:g} s and was abandoned; try again."
            response = JSONResponse(error_body(CODE, message), status_code=503)
            await response(scope, receive, send)
