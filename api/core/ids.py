"""Opaque, URL-safe and DNS-safe identifiers: a short type prefix and 10 random base32 characters."""

from __future__ import annotations

import base64
import re
import secrets

_RANDOM_CHARS = 10  # 50 bits: unguessable enough for ids that are also checked for ownership


def new_id(prefix: str) -> str:
    raw = base64.b32encode(secrets.token_bytes(7)).decode().lower()
    return f"{prefix}-{raw[:_RANDOM_CHARS]}"


def id_pattern(prefix: str) -> re.Pattern[str]:
    return re.compile(rf"^{re.escape(prefix)}-[a-z2-7]{{{_RANDOM_CHARS}}}$")
