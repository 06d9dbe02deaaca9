"""The post-install check of a store's namespace limits (seed 000), pure.

The store chart creates a ResourceQuota (the plan's ceiling) and a LimitRange (container defaults and
bounds, volume bounds) in the store's namespace, both named by the chart's fullname (the store id),
unless the values turn them off (`renderer.values.namespace_limits_enabled`). A store installed
without them could take what its neighbours need: when its release first reports healthy at its
install commit, and before its post-install setup Job is created, the watcher reads both fresh from
the API server (not from a cache: nothing watches them) and the store fails if one is missing.

Only at install (`provisioning`): an update does not recreate them, and a retry is an install again.
"""

from __future__ import annotations

from dataclasses import dataclass

from storefleet.renderer.values import namespace_limits_enabled

QUOTA, LIMIT_RANGE = "ResourceQuota", "LimitRange"
MSG_LIMITS = "post-install check: reading the namespace's ResourceQuota and LimitRange"
LIMITS_UNREAD = "limits_unread"  # a Decision's reason: `decide` needs them read
_WHY = "a store without its plan's limits could starve its neighbours"


@dataclass(frozen=True)
class NamespaceLimits:
    """Which of the chart's limit objects the store's namespace holds (read fresh)."""

    quota: bool
    limit_range: bool


def expected_limits(spec: dict[str, object] | None) -> tuple[str, ...]:
    """The kinds the chart creates for this spec (its values patch may turn one off)."""
    patch = (spec or {}).get("values_patch")
    quota, limit_range = namespace_limits_enabled(patch if isinstance(patch, dict) else None)
    return tuple(kind for kind, on in ((QUOTA, quota), (LIMIT_RANGE, limit_range)) if on)


def missing_limits(found: NamespaceLimits, expected: tuple[str, ...]) -> str | None:
    """Why the store cannot go on (None: every expected object is there)."""
    present = {QUOTA: found.quota, LIMIT_RANGE: found.limit_range}
    missing = [kind for kind in expected if not present.get(kind, False)]
    if not missing:
        return None
    return f"the store's namespace has no {' and no '.join(missing)}: {_WHY}"
