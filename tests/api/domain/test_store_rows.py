"""Store rows built positionally (`row_maker`, what the repository reads with) are the rows
`store_row` builds from the same columns, in whatever order a query selects them."""

from __future__ import annotations

import random
from dataclasses import fields
from datetime import UTC, datetime
from typing import Any

import pytest

from storefleet.api.domain.store_rows import (
    STORE_COLUMNS,
    StoreRow,
    StoreSummary,
    row_maker,
    store_row,
)

NOW = datetime(2026, 12, 7, 4, 0, tzinfo=UTC)
NAMES = [name.strip() for name in STORE_COLUMNS.split(",")]


def _columns(rotated: bool) -> dict[str, Any]:
    columns: dict[str, Any] = {name: f"<{name}>" for name in NAMES}
    columns |= {"status": "updating", "spec": {"plan": "small"}, "branding": None, "created_at": NOW}
    columns |= {name: None for name in NAMES if name.startswith("rotation_")}
    if rotated:
        columns |= {
            "rotation_generation": 2, "rotation_state": "running", "rotation_requested_at": NOW,
            "rotation_requested_by": "ann (u-1)", "rotation_changed_at": NOW, "rotation_request_id": "req-1",
        }  # fmt: skip
    return columns


@pytest.mark.parametrize("rotated", [False, True])
def test_a_positional_row_is_the_row_store_row_builds(rotated: bool) -> None:
    columns = _columns(rotated)
    names = list(NAMES)
    random.Random(7).shuffle(names)  # any SELECT order
    whole = row_maker(StoreRow, names)([columns[n] for n in names])
    assert whole == store_row(**columns)
    assert (whole.credentials_rotation is not None) == rotated
    summary_names = [n for n in names if n != "spec"]
    summary = row_maker(StoreSummary, summary_names)([columns[n] for n in summary_names])
    assert type(summary) is StoreSummary
    assert {f.name: getattr(summary, f.name) for f in fields(summary)} == {
        f.name: getattr(whole, f.name) for f in fields(summary)
    }


def test_a_missing_column_is_refused() -> None:
    with pytest.raises(KeyError):
        row_maker(StoreRow, [n for n in NAMES if n != "pinned_by"])
