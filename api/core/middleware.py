"""Pure-ASGI middleware: request id in and out, one structured access-log line per request, and the
last-resort 500 for anything unexpected (rendered here, where the request id is still bound).

Written as raw ASGI (not BaseHTTPMiddleware) because it sits on every request's hot path.
"""

from __future__ import annotations

import logging
import time

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from storefleet.api.core import request_context
from storefleet.api.core.client_ip import TrustedProxies, resolve_client_ip
from storefleet.api.core.errors import internal_error_response

REQUEST_ID_HEADER = "x-request-id"
access_log = logging.getLogger("storefleet.access")
log = logging.getLogger(__name__)


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp, trusted_proxies: TrustedProxies = ()) -> None:
        self.app = app
        self.trusted_proxies = trusted_proxies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        supplied = None
        forwarded_for: list[str] = []
        for name, value in scope["headers"]:
            if name == b"x-request-id" and supplied is None:
                supplied = value.decode("latin-1")
            elif name == b"x-forwarded-for":
                forwarded_for.append(value.decode("latin-1"))
        request_id = request_context.accept_request_id(supplied)
        client = scope.get("client")
        client_ip = resolve_client_ip(client[0] if client else None, forwarded_for, self.trusted_proxies)
        tokens = request_context.bind(request_id, client_ip)
        started = time.perf_counter()
        status_holder: dict[str, int | bool] = {"status": 500, "started": False}

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
                status_holder["started"] = True
                headers = MutableHeaders(scope=message)
                headers[REQUEST_ID_HEADER] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            log.exception("unhandled error")
            status_holder["status"] = 500
            if not status_holder.get("started"):
                await internal_error_response()(scope, receive, send_with_id)
        finally:
            access_log.info(
                "%s %s %s",
                scope["method"],
                scope["path"],
                status_holder["status"],
                extra={
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": status_holder["status"],
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                },
            )
            request_context.unbind(tokens)
