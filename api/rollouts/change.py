"""What a rollout changes on each store (pure): one spec field set to one value.

Three kinds, each one field of the store's spec, so a wave and its revert touch only that field and
keep everything else (a tenant's change made meanwhile included):

- `chart_version`: the store chart version (`charts/ecommerce-store-<version>/` in the fleet repo);
- `image_tag`: the tag of the engine's application image (WordPress or Medusa): one engine per rollout;
- `values_patch`: chart values merged over the derived ones (`renderer/values_patch.py`). A rollout's
  patch is merged into the patch each store has (JSON merge patch: `null` drops a key, so the chart's
  default applies again), so rolling out `{"redis": ...}` keeps a `resources` patch rolled out before.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from storefleet.renderer.commit_message import CHART_VERSION, IMAGE_TAG, VALUES_PATCH
from storefleet.renderer.values_patch import canonical, merge_patch


class ChangeKind(StrEnum):
    CHART_VERSION = "chart_version"
    IMAGE_TAG = "image_tag"
    VALUES_PATCH = "values_patch"


# A spec field's value as the rollout tables keep it: a string, an object, or None (unset).
FieldValue = str | dict[str, Any] | None


@dataclass(frozen=True)
class RolloutChange:
    kind: ChangeKind
    target: FieldValue  # the value every store of the rollout gets

    @property
    def field(self) -> str:
        """The spec field the rollout sets."""
        return self.kind.value

    def current(self, spec: Mapping[str, Any]) -> FieldValue:
        return normalise(spec.get(self.field))

    def value_for(self, current: FieldValue) -> FieldValue:
        """What a store whose field is `current` moves to."""
        if self.kind is ChangeKind.VALUES_PATCH:
            base = current if isinstance(current, dict) else {}
            return normalise(merge_patch(base, self.target if isinstance(self.target, dict) else {}))
        return self.target

    def reached(self, value: FieldValue) -> bool:
        """The store's field already carries the change (nothing to move, or its wave applied)."""
        return self.value_for(normalise(value)) == normalise(value)

    def applied(self, spec: Mapping[str, Any], value: FieldValue) -> dict[str, Any]:
        """The spec document with the field at `value` (None: the field unset), all else kept."""
        document = {**spec, self.field: value}
        if value is None:
            del document[self.field]
        return document

    @property
    def seed(self) -> str:
        """Shuffles a rollout's stores: the same change over the same stores gives the same waves."""
        if self.kind is ChangeKind.CHART_VERSION:
            return str(self.target)
        return f"{self.kind.value}={self.describe_target()}"

    def describe_target(self) -> str:
        return describe(self.kind, self.target)

    @property
    def trailer(self) -> tuple[str, str]:
        """The change as its wave commit's trailer."""
        key = {
            ChangeKind.CHART_VERSION: CHART_VERSION,
            ChangeKind.IMAGE_TAG: IMAGE_TAG,
            ChangeKind.VALUES_PATCH: VALUES_PATCH,
        }[self.kind]
        unset = "default" if self.kind is ChangeKind.CHART_VERSION else "none"
        return key, brief(self.target) or unset


def brief(value: FieldValue) -> str | None:
    """A value short enough for a commit summary or an audit row: a values patch by its digest."""
    return patch_digest(value) if isinstance(value, dict) else value


def normalise(value: Any) -> FieldValue:
    """An empty values patch is no patch."""
    return None if value == {} else value


def describe(kind: ChangeKind, value: FieldValue) -> str:
    """Short text for messages and commit summaries: `chart 0.3.0`, `image 6.7.2`, `values 1a2b3c4d5e6f`."""
    if kind is ChangeKind.CHART_VERSION:
        return f"chart {value}" if value else "the default chart"
    if kind is ChangeKind.IMAGE_TAG:
        return f"image {value}" if value else "the chart's image"
    if isinstance(value, dict):
        return f"values {patch_digest(value)}"
    return "no values patch"


def patch_digest(patch: Mapping[str, Any]) -> str:
    """12 hex digits naming a values patch (commit trailers, messages)."""
    return hashlib.sha256(canonical(patch).encode()).hexdigest()[:12]
