"""The error answers in the OpenAPI document: one schema (what `errors.py` renders for every 4xx/5xx)
and one description per status, so routers and routes declare the codes they return in one line."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class ErrorInfo(BaseModel):
    code: str
    message: str
    details: Any = None


class ErrorBody(BaseModel):
    """`{"error": {"code", "message", "details"?}, "request_id"}`: every 4xx/5xx of the API."""

    error: ErrorInfo
    request_id: str | None


_DESCRIPTIONS = {
    400: "`BAD_REQUEST` or a more specific code: the request is well-formed but cannot be served",
    401: "`UNAUTHORIZED`: no bearer token, or an expired, revoked or invalid one",
    403: "`FORBIDDEN`: this needs an admin account",
    404: "`NOT_FOUND` (or a more specific code): no such resource, or one the caller may not see",
    409: "a conflict with the resource's current state; the code and message say which",
    413: "`PAYLOAD_TOO_LARGE`: the body is larger than `MAX_BODY_BYTES`",
    422: "`VALIDATION_ERROR`: the request does not match this schema; `details` lists each problem",
    423: "`ACCOUNT_LOCKED`: too many failed sign-ins (with `Retry-After`)",
    429: "a limit was reached (with `Retry-After` when waiting helps); the code says which",
    503: "the service cannot answer now; the code says why",
}


def error_responses(*statuses: int, **descriptions: str) -> dict[int | str, dict[str, Any]]:
    """`responses=` for these error statuses; `descriptions` (`_404="..."`) replace the generic text."""
    return {
        status: {"model": ErrorBody, "description": descriptions.get(f"_{status}", _DESCRIPTIONS[status])}
        for status in statuses
    }
