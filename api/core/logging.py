"""One logging configuration for every process: JSON lines carrying the request id, with secrets
(passwords, tokens, Authorization values, credentials in URLs) masked before anything is written."""

from __future__ import annotations

import logging
import re
import sys
from typing import Any

from pythonjsonlogger.orjson import OrjsonFormatter

from storefleet.api.core.request_context import current_request_id


class _RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id()
        record.__dict__.pop("color_message", None)  # uvicorn's ANSI-coloured duplicate of the message
        return True


def configure_logging(level: str = "INFO", fmt: str = "json") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(_RequestIdFilter())
    handler.addFilter(RedactingFilter())
    if fmt == "json":
        handler.setFormatter(
            _RedactingJsonFormatter(
                "{levelname}{name}{message}{request_id}",
                style="{",
                rename_fields={"levelname": "level", "name": "logger"},
                timestamp="time",
            )
        )
    else:
        handler.setFormatter(
            _RedactingFormatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")
        )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # uvicorn's own access log would duplicate ours; its error log goes through the root handler.
    logging.getLogger("uvicorn.access").disabled = True
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True


# ---- redaction --------------------------------------------------------------------------------------
# Names whose values are secrets, as a key in structured fields or as `name=value` in a message.
_SECRET_WORDS = ("password", "passwd", "pwd", "secret", "token", r"api[_-]?key", "authorization", "cookie",
                 "credential")  # fmt: skip
_SENSITIVE_NAME = rf"[\w-]*(?:{'|'.join(_SECRET_WORDS)})[\w-]*"
_SENSITIVE_KEY = re.compile(rf"^{_SENSITIVE_NAME}$", re.IGNORECASE)
# name=value, name: value, "name": "value" (JSON), with an optional auth scheme before the value
_SENSITIVE_PAIR = re.compile(
    rf"""(?P<key>\b{_SENSITIVE_NAME})(?P<sep>["']?\s*[=:]\s*)"""
    r"""(?P<scheme>(?:bearer|basic|token|digest)\s+)?(?P<value>"[^"]*"|'[^']*'|[^\s,;&"'}\])]+)""",
    re.IGNORECASE,
)
_AUTH_SCHEME = re.compile(r"\b(?P<scheme>bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}", re.IGNORECASE)
# scheme://user:password@host and scheme://token@host
_URL_USERINFO = re.compile(r"(?P<scheme>\b[a-z][a-z0-9+.-]*://)(?P<userinfo>[^/\s@'\"]+)@", re.IGNORECASE)
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+")
# Every pattern above needs one of these (built from the same words, so the two cannot drift): a text
# without any (most lines: an access line, a state change) is returned after this one search instead
# of four substitutions.
_MAYBE_SECRET = re.compile("|".join(("://", *_SECRET_WORDS, "bearer", "basic", "eyJ")), re.IGNORECASE)
MASK = "***"
_STANDARD_ATTRS = frozenset(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {
    "message",
    "asctime",
    "request_id",
}


def _mask_pair(match: re.Match[str]) -> str:
    value = match["value"]
    quote = value[0] if value[:1] in ("'", '"') else ""
    return f"{match['key']}{match['sep']}{match['scheme'] or ''}{quote}{MASK}{quote}"


def _mask_userinfo(match: re.Match[str]) -> str:
    user, has_password, _ = match["userinfo"].partition(":")
    # user:password keeps the user (useful, not secret); a lone userinfo is often a token: all of it
    return f"{match['scheme']}{user}:{MASK}@" if has_password else f"{match['scheme']}{MASK}@"


def redact_text(text: str) -> str:
    """`text` with passwords, tokens, secrets, Authorization values and URL credentials masked."""
    if not _MAYBE_SECRET.search(text):
        return text
    text = _URL_USERINFO.sub(_mask_userinfo, text)
    text = _SENSITIVE_PAIR.sub(_mask_pair, text)
    text = _AUTH_SCHEME.sub(lambda m: f"{m['scheme']} {MASK}", text)
    return _JWT.sub(MASK, text)


def redact_value(key: str, value: Any) -> Any:
    """A structured field's value, masked whole under a secret-sounding key, else searched within."""
    if _SENSITIVE_KEY.match(key) and value is not None:
        return MASK
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, dict):
        return {k: redact_value(str(k), v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(redact_value("", v) for v in value)
    return value


class RedactingFilter(logging.Filter):
    """Masks secrets in the message (formatted with its arguments) and in `extra` fields."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not isinstance(record.msg, str) or record.args:
            try:
                record.msg, record.args = redact_text(record.getMessage()), None
            except (TypeError, ValueError):  # a bad format string: keep it, masked, without args
                record.msg, record.args = redact_text(str(record.msg)), None
        else:
            record.msg = redact_text(record.msg)
        for key in record.__dict__.keys() - _STANDARD_ATTRS:
            record.__dict__[key] = redact_value(key, record.__dict__[key])
        return True


# orjson: a line costs a fraction of the standard library's encoder, which matters to a watcher that
# logs one line per transition when 100,000 stores become ready together.
class _RedactingJsonFormatter(OrjsonFormatter):
    def formatException(self, ei: Any) -> str:
        # pythonjsonlogger returns a list only with exc_info_as_array, which is not used here
        return redact_text(str(super().formatException(ei)))


class _RedactingFormatter(logging.Formatter):
    def formatException(self, ei: Any) -> str:
        return redact_text(super().formatException(ei))
