"""JSON Web Tokens signed with HMAC-SHA256 (RFC 7519 with RFC 7515's compact form), and nothing else.

The platform issues and reads only its own HS256 tokens. This module is that subset, with the standard
library only: PyJWT imports the `cryptography` package for the algorithms it may need, ~12 MB of
memory in every API process that HS256 never uses. What is checked, as PyJWT does for
`algorithms=["HS256"]`: three base64url segments, a header naming HS256 (any other algorithm, `none`
included, is refused before the signature), the signature (compared in constant time), a JSON object
payload, the required claims, `exp` (integer, not past), `iat` (integer, not in the future) and the
issuer.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

ALGORITHM = "HS256"
_HEADER = {"alg": ALGORITHM, "typ": "JWT"}


class TokenError(Exception):
    """The token is malformed, not signed with the key, or its claims do not hold."""


class TokenExpired(TokenError):
    pass


def encode(claims: Mapping[str, Any], key: str) -> str:
    """The compact serialisation of `claims`; datetime values become NumericDates (whole seconds)."""
    payload = {k: int(v.timestamp()) if isinstance(v, datetime) else v for k, v in claims.items()}
    signing_input = f"{_b64_json(_HEADER)}.{_b64_json(payload)}"
    return f"{signing_input}.{_b64(_sign(signing_input, key))}"


def decode(token: str, key: str, *, issuer: str, required: Iterable[str], now: float) -> dict[str, Any]:
    """The claims of a token `key` signed, once every check above passed; else `TokenError`."""
    header, payload, signature = _segments(token)
    if not isinstance(header, dict) or header.get("alg") != ALGORITHM:
        raise TokenError("the token is not signed with HS256")
    signing_input = token.rsplit(".", 1)[0]
    if not hmac.compare_digest(signature, _sign(signing_input, key)):
        raise TokenError("the signature does not match")
    if not isinstance(payload, dict):
        raise TokenError("the payload is not a JSON object")
    missing = [claim for claim in required if claim not in payload]
    if missing:
        raise TokenError(f"the token lacks the claim {missing[0]!r}")
    _check_times(payload, now)
    if payload.get("iss") != issuer:
        raise TokenError("the token has another issuer")
    return payload


def _check_times(payload: dict[str, Any], now: float) -> None:
    for claim in ("exp", "iat"):
        if claim in payload and (isinstance(payload[claim], bool) or not isinstance(payload[claim], int)):
            raise TokenError(f"the claim {claim!r} is not an integer")
    if "exp" in payload and payload["exp"] <= now:
        raise TokenExpired("the token has expired")
    if "iat" in payload and payload["iat"] > now:
        raise TokenError("the token was issued in the future")


def _segments(token: str) -> tuple[Any, Any, bytes]:
    parts = token.split(".")
    if len(parts) != 3:
        raise TokenError("the token does not have three segments")
    try:
        header, payload = (json.loads(_unb64(part)) for part in parts[:2])
        return header, payload, _unb64(parts[2])
    except (ValueError, binascii.Error) as exc:  # json's errors are ValueErrors, UnicodeDecodeError too
        raise TokenError("the token is not valid base64url JSON") from exc


def _sign(signing_input: str, key: str) -> bytes:
    return hmac.new(key.encode(), signing_input.encode("ascii"), hashlib.sha256).digest()


def _b64_json(value: Mapping[str, Any]) -> str:
    return _b64(json.dumps(value, separators=(",", ":")).encode())


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(segment: str) -> bytes:
    raw = segment.encode("ascii")
    return base64.urlsafe_b64decode(raw + b"=" * (-len(raw) % 4))
