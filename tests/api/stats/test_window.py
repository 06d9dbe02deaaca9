"""The stats window (pure): presets end now, explicit windows are checked, buckets are aligned."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from storefleet.api.stats.window import Bucket, WindowRefused, resolve

NOW = datetime(2026, 3, 10, 14, 25, tzinfo=UTC)


def test_a_preset_ends_now_and_its_buckets_start_on_the_hour() -> None:
    window = resolve(NOW, "24h", None, None)
    assert (window.since, window.until, window.bucket) == (NOW - timedelta(hours=24), NOW, Bucket.HOUR)
    assert window.origin == datetime(2026, 3, 9, 14, tzinfo=UTC)
    assert window.buckets == 25 and window.starts()[-1] == datetime(2026, 3, 10, 14, tzinfo=UTC)
    assert window.index(NOW) == 24


def test_the_default_is_24_hours_and_long_windows_count_days() -> None:
    assert resolve(NOW, None, None, None).since == NOW - timedelta(hours=24)
    month = resolve(NOW, "30d", None, None)
    assert month.bucket is Bucket.DAY and month.origin == datetime(2026, 2, 8, tzinfo=UTC)
    assert month.buckets == 31
    assert resolve(NOW, "7d", None, None).bucket is Bucket.HOUR


def test_an_explicit_window_is_kept_in_utc() -> None:
    plus_two = timezone(timedelta(hours=2))
    window = resolve(NOW, None, datetime(2026, 3, 1, 2, 30, tzinfo=plus_two), None)
    assert window.since == datetime(2026, 3, 1, 0, 30, tzinfo=UTC) and window.until == NOW
    assert window.bucket is Bucket.DAY and window.origin == datetime(2026, 3, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("preset", "since", "until", "code"),
    [
        ("1y", None, None, "STATS_RANGE_INVALID"),
        (None, None, NOW, "STATS_RANGE_INVALID"),
        ("24h", NOW - timedelta(hours=1), None, "STATS_RANGE_INVALID"),
        (None, NOW, NOW - timedelta(hours=1), "STATS_RANGE_INVALID"),
        (None, datetime(2026, 3, 1), None, "STATS_RANGE_INVALID"),  # no time zone
        (None, NOW - timedelta(days=91), None, "STATS_RANGE_TOO_LONG"),
    ],
)
def test_refused_windows(
    preset: str | None, since: datetime | None, until: datetime | None, code: str
) -> None:
    with pytest.raises(WindowRefused) as refused:
        resolve(NOW, preset, since, until)
    assert refused.value.code == code
    assert resolve(NOW, None, NOW - timedelta(days=90), None).bucket is Bucket.DAY
