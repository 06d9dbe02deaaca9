"""The time window of a stats request and its buckets (pure): a preset range ending now, or an
explicit `since`/`until`, at most 90 days; hourly buckets up to 7 days, daily beyond."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum


class Bucket(StrEnum):
    HOUR = "hour"
    DAY = "day"


RANGES = {"24h": timedelta(hours=24), "7d": timedelta(days=7), "30d": timedelta(days=30)}
MAX_SPAN = timedelta(days=90)
HOURLY_UP_TO = timedelta(days=7)
_WIDTH = {Bucket.HOUR: timedelta(hours=1), Bucket.DAY: timedelta(days=1)}


class WindowRefused(ValueError):
    """Why a requested window cannot be answered; `code` is the API's error code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Window:
    since: datetime
    until: datetime
    bucket: Bucket
    origin: datetime  # the start of the first bucket: `since` rounded down to the bucket

    @property
    def width(self) -> timedelta:
        return _WIDTH[self.bucket]

    @property
    def buckets(self) -> int:
        return math.ceil((self.until - self.origin) / self.width)

    def starts(self) -> list[datetime]:
        return [self.origin + i * self.width for i in range(self.buckets)]

    def index(self, at: datetime) -> int:
        """The bucket `at` falls in (the SQL computes the same from `origin` and the width)."""
        return int((at - self.origin) // self.width)


def _floor(at: datetime, bucket: Bucket) -> datetime:
    at = at.astimezone(UTC)
    if bucket is Bucket.DAY:
        return at.replace(hour=0, minute=0, second=0, microsecond=0)
    return at.replace(minute=0, second=0, microsecond=0)


def resolve(now: datetime, preset: str | None, since: datetime | None, until: datetime | None) -> Window:
    """The window asked for: `since` (and `until`, default now) when given, else the preset (default
    24h) ending now."""
    if since is None and until is not None:
        raise WindowRefused("STATS_RANGE_INVALID", "'until' needs a 'since'.")
    if since is not None and preset is not None:
        raise WindowRefused("STATS_RANGE_INVALID", "Give either 'range' or 'since'/'until', not both.")
    if since is None:
        span = RANGES.get(preset or "24h")
        if span is None:
            raise WindowRefused("STATS_RANGE_INVALID", f"'range' is one of {', '.join(RANGES)}.")
        since, until = now - span, now
    until = until or now
    if since.tzinfo is None or until.tzinfo is None:
        raise WindowRefused("STATS_RANGE_INVALID", "'since' and 'until' need a time zone (e.g. 'Z').")
    if since >= until:
        raise WindowRefused("STATS_RANGE_INVALID", "'since' must be before 'until'.")
    if until - since > MAX_SPAN:
        raise WindowRefused("STATS_RANGE_TOO_LONG", "A window spans at most 90 days.")
    bucket = Bucket.HOUR if until - since <= HOURLY_UP_TO else Bucket.DAY
    return Window(since.astimezone(UTC), until.astimezone(UTC), bucket, _floor(since, bucket))
