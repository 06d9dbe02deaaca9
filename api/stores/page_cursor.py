"""The store list's opaque page cursor: a store's place in the list's order, as a URL-safe string.

A cursor is base64url (unpadded) of `<created_at ISO 8601>,<store id>` of the last store of a page.
Clients must treat it as opaque; it is decoded strictly, so a cursor that was not handed out by the
API (edited, truncated, from another list) is refused rather than read as some other place.
"""

from __future__ import annotations

import base64
import binascii
import re
from datetime import datetime

from storefleet.api.domain.store_rows import ListPosition

MAX_CURSOR_LENGTH = 200
_STORE_ID = re.compile(r"^[a-z0-9-]{1,64}$")
_BASE64URL = re.compile(r"^[A-Za-z0-9_-]+$")  # the decoder would skip other characters silently


class MalformedCursor(ValueError):
    """Not a cursor the API hands out."""


def encode_cursor(position: ListPosition) -> str:
    text = f"{position.created_at.isoformat()},{position.id}"
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> ListPosition:
    if len(cursor) > MAX_CURSOR_LENGTH:
        raise MalformedCursor("the cursor is too long")
    if not _BASE64URL.fullmatch(cursor):
        raise MalformedCursor("the cursor is not one the API handed out")
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError) as error:
        raise MalformedCursor("the cursor is not one the API handed out") from error
    created_text, _, store_id = text.partition(",")
    try:
        created_at = datetime.fromisoformat(created_text)
    except ValueError as error:
        raise MalformedCursor("the cursor is not one the API handed out") from error
    if created_at.tzinfo is None or not _STORE_ID.fullmatch(store_id):
        raise MalformedCursor("the cursor is not one the API handed out")
    return ListPosition(created_at, store_id)
