"""Kubernetes timestamps (RFC 3339, `Z` for UTC) as datetimes (pure)."""

from __future__ import annotations

from datetime import datetime
from typing import Any


def parse_time(value: Any) -> datetime | None:
    """A timestamp field's value, or None when it is missing or not a timestamp."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
