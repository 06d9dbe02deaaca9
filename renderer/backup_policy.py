"""How often a store is backed up and how long a backup is kept, and the names of its Velero objects
(pure).

A schedule is a cron expression as Velero reads it (robfig/cron's standard parser: five fields, or a
`@daily`-style descriptor, or `@every <duration>`); a retention is a Go duration (`168h`, `720h0m0s`),
Velero's `ttl`. Each plan has a default; a store may override either through its spec.
"""

from __future__ import annotations

import hashlib
import re

# plan -> (hour field of the daily-ish schedule, retention): bigger plans are backed up more often
# and kept longer. The minute is spread by store (`default_schedule`), so a fleet does not back up
# every store in the same minute.
PLAN_DEFAULTS: dict[str, tuple[str, str]] = {
    "small": ("3", "168h0m0s"),  # daily at 03:xx UTC, kept 7 days
    "medium": ("*/12", "336h0m0s"),  # twice a day, kept 14 days
    "large": ("*/6", "720h0m0s"),  # four times a day, kept 30 days
}

SCHEDULE_PREFIX = "storefleet-"
MIN_TTL_S = 3600  # an hour: a shorter retention would expire a backup before anyone could use it
MAX_TTL_S = 5 * 366 * 24 * 3600

_DESCRIPTORS = frozenset({"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"})
_DURATION = re.compile(r"^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$")
_DURATION_PART = re.compile(r"([0-9]+(?:\.[0-9]+)?)(ns|us|µs|ms|s|m|h)")
_UNIT_S = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_DAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
# (low, high, names) per field: minute, hour, day of month, month, day of week
_FIELDS: tuple[tuple[int, int, tuple[str, ...]], ...] = (
    (0, 59, ()),
    (0, 23, ()),
    (1, 31, ()),
    (1, 12, _MONTHS),
    (0, 6, _DAYS),
)


def duration_seconds(text: str) -> float | None:
    """A Go duration (`1h30m`, `168h0m0s`) in seconds; None when it is not one."""
    if not _DURATION.match(text):
        return None
    return sum(float(number) * _UNIT_S[unit] for number, unit in _DURATION_PART.findall(text))


def ttl_problem(text: str) -> str | None:
    seconds = duration_seconds(text)
    if seconds is None:
        return f"{text!r} is not a duration such as '168h' or '720h0m0s'"
    if not MIN_TTL_S <= seconds <= MAX_TTL_S:
        return f"{text!r} must be between 1h and {MAX_TTL_S // 3600}h"
    return None


def _value(token: str, low: int, high: int, names: tuple[str, ...]) -> int | None:
    if token.upper() in names:
        return names.index(token.upper()) + (low if names is _MONTHS else 0)
    if not token.isdigit():
        return None
    number = int(token)
    return number if low <= number <= high else None


def _part_ok(part: str, low: int, high: int, names: tuple[str, ...]) -> bool:
    base, _, step = part.partition("/")
    if step and not (step.isdigit() and 0 < int(step) <= high):
        return False
    if base == "*":
        return True
    start, _, end = base.partition("-")
    first = _value(start, low, high, names)
    last = _value(end, low, high, names) if end else first
    return first is not None and last is not None and first <= last


def schedule_problem(text: str) -> str | None:
    """Why `text` is not a schedule Velero accepts; None when it is."""
    text = text.strip()
    if text in _DESCRIPTORS:
        return None
    if text.startswith("@every "):
        seconds = duration_seconds(text.removeprefix("@every ").strip())
        return None if seconds and seconds >= 60 else f"{text!r}: '@every' needs a duration of 1m or more"
    fields = text.split()
    if len(fields) != 5:
        return f"{text!r} is not a cron expression of five fields (minute hour day month weekday)"
    for token, (low, high, names) in zip(fields, _FIELDS, strict=True):
        if not token or not all(_part_ok(part, low, high, names) for part in token.split(",")):
            return f"{text!r}: {token!r} is out of range {low}-{high}"
    return None


def default_schedule(plan: str, store_id: str) -> str:
    minute = int(hashlib.sha256(store_id.encode()).hexdigest()[:8], 16) % 60
    return f"{minute} {PLAN_DEFAULTS[plan][0]} * * *"


def default_ttl(plan: str) -> str:
    return PLAN_DEFAULTS[plan][1]


def schedule_name(store_id: str) -> str:
    """The store's Schedule in the Velero namespace (shared by every store: hence the prefix)."""
    return f"{SCHEDULE_PREFIX}{store_id}"


def on_demand_backup_name(store_id: str, stamp: str) -> str:
    """`<schedule>-<YYYYMMDDHHMMSS>`: the name `velero backup create --from-schedule` gives."""
    return f"{schedule_name(store_id)}-{stamp}"


def restore_name(store_id: str, backup: str, token: str) -> str:
    """A deterministic name per restore request (`token` tells two requests of one backup apart):
    Velero runs a Restore object once, so a second restore of the same backup needs a new name."""
    digest = hashlib.sha256(f"{store_id}\n{backup}\n{token}".encode()).hexdigest()[:10]
    return f"{schedule_name(store_id)}-restore-{digest}"
