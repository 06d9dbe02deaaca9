"""Typed errors that carry their HTTP status, and the one handler that renders them all.

Every 4xx/5xx leaves the API as ``{"error": {"code", "message", ...}, "request_id"}``.
"""

from __future__ import annotations

import logging
from typing import Any, ClassVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from storefleet.api.core.request_context import current_request_id

log = logging.getLogger(__name__)


class AppError(Exception):
    """Base of every error a client may see. Subclasses fix status and code."""

    status_code: ClassVar[int] = 500
    code: ClassVar[str] = "INTERNAL_ERROR"

    def __init__(self, message: str, *, details: Any = None, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.details = details
        self.headers = headers


class BadRequest(AppError):
    status_code = 400
    code = "BAD_REQUEST"


class Unauthorized(AppError):
    status_code = 401
    code = "UNAUTHORIZED"


class InvalidCredentials(Unauthorized):
    code = "INVALID_CREDENTIALS"


class Forbidden(AppError):
    status_code = 403
    code = "FORBIDDEN"


class NotFound(AppError):
    status_code = 404
    code = "NOT_FOUND"


class Conflict(AppError):
    status_code = 409
    code = "CONFLICT"


class ValidationFailed(AppError):
    status_code = 422
    code = "VALIDATION_ERROR"


class ServiceUnavailable(AppError):
    status_code = 503
    code = "SERVICE_UNAVAILABLE"


_STATUS_CODES = {
    400: "BAD_REQUEST",
    401: "UNAUTHORIZED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    406: "NOT_ACCEPTABLE",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
    429: "RATE_LIMITED",
}


def error_body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message}
    if details is not None:
        error["details"] = details
    return {"error": error, "request_id": current_request_id()}


def _render(status: int, code: str, message: str, details: Any = None, headers: Any = None) -> JSONResponse:
    return JSONResponse(error_body(code, message, details), status_code=status, headers=headers)


def _location(loc: tuple[Any, ...]) -> str:
    # ("body", "name") -> "name"; ("query", "limit") -> "limit"
    parts = [str(part) for part in loc if part not in ("body", "query", "path", "header")]
    return ".".join(parts) or "body"


def describe_validation_errors(errors: list[Any]) -> tuple[str, list[dict[str, str]]]:
    details = []
    for err in errors:
        msg = str(err.get("msg", "invalid value"))
        msg = msg.removeprefix("Value error, ")
        if err["type"] == "json_invalid":
            details.append(
                {"field": "body", "message": "the request body is not valid JSON", "type": "json_invalid"}
            )
            continue
        details.append({"field": _location(tuple(err.get("loc", ()))), "message": msg, "type": err["type"]})
    if not details:
        return "The request is not valid.", details
    first = details[0]
    message = f"{first['field']}: {first['message']}"
    if len(details) > 1:
        message += f" (and {len(details) - 1} more)"
    return message, details


async def _handle_app_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AppError)
    if exc.status_code >= 500:
        log.error("request failed: %s", exc.message)
    return _render(exc.status_code, exc.code, exc.message, exc.details, exc.headers)


async def _handle_validation(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    message, details = describe_validation_errors(list(exc.errors()))
    return _render(422, ValidationFailed.code, message, details)


# FastAPI's answer to a body it cannot decode at all (e.g. bytes that are not UTF-8, as a JSON body must
# be): the same 422 as a body that is not valid JSON, not a 400 of another shape.
_UNPARSABLE_BODY = "There was an error parsing the body"


async def _handle_http(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 400 and exc.detail == _UNPARSABLE_BODY:
        message, details = describe_validation_errors([{"type": "json_invalid"}])
        return _render(422, ValidationFailed.code, message, details)
    code = _STATUS_CODES.get(exc.status_code, "HTTP_ERROR")
    message = exc.detail if isinstance(exc.detail, str) else "The request could not be served."
    if exc.status_code == 404 and message == "Not Found":
        message = "No such resource."
    return _render(exc.status_code, code, message, headers=getattr(exc, "headers", None))


def internal_error_response() -> JSONResponse:
    return _render(500, "INTERNAL_ERROR", "Something went wrong on our side; the request id identifies it.")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AppError, _handle_app_error)
    app.add_exception_handler(RequestValidationError, _handle_validation)
    app.add_exception_handler(StarletteHTTPException, _handle_http)
    # Unexpected exceptions are rendered by RequestContextMiddleware, which still knows the request id.
