"""The page cursor's codec: what it encodes comes back exactly, and nothing else decodes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from storefleet.api.domain.store_rows import ListPosition
from storefleet.api.stores.page_cursor import MalformedCursor, decode_cursor, encode_cursor


@pytest.mark.parametrize(
    "created_at",
    [
        datetime(2026, 12, 7, 5, 0, 0, 123456, tzinfo=UTC),
        datetime(2026, 1, 1, tzinfo=timezone(timedelta(hours=-5))),
    ],
)
def test_a_position_round_trips_to_the_microsecond(created_at: datetime) -> None:
    position = ListPosition(created_at, "st-abcdefgh23")
    cursor = encode_cursor(position)
    assert decode_cursor(cursor) == position
    assert cursor.isascii() and "=" not in cursor and "/" not in cursor and "+" not in cursor


@pytest.mark.parametrize("cursor", ["", "x", "a" * 201, "2026-01-01T00:00:00+00:00,st-a"])
def test_anything_else_is_malformed(cursor: str) -> None:
    with pytest.raises(MalformedCursor):
        decode_cursor(cursor)
