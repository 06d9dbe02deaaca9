"""Input types shared by the slices' schemas."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator


def _storable_text(value: str) -> str:
    # PostgreSQL text holds neither NUL nor lone UTF-16 surrogates (which JSON "\\ud800" escapes can
    # produce); refuse them at the edge instead of failing in the database or the password hasher.
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("must be valid Unicode text") from exc
    return value


Text = Annotated[str, AfterValidator(_storable_text)]
