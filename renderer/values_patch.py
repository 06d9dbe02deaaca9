"""A values patch: platform-wide chart values set on stores by a rollout (pure).

The patch is a JSON merge patch (RFC 7386) over the values the renderer derives from the spec: objects
merge key by key, anything else replaces, and `null` removes a key (the chart's default applies again).
Helm merges the result over the chart's `values.yaml` the same way, so a patch names only what it
changes (`{"wordpress": {"image": {"pullPolicy": "Always"}}}`).

A patch never sets what belongs to a store (its identity, engine, the tenant's choices, its host) nor
anything that looks like secret material: values are committed to git.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

# Keys the spec owns: the store's identity and the tenant's own choices (a fleet-wide patch must not
# override what one tenant picked), and the platform's per-store wiring.
OWNED_KEYS = frozenset({"store", "engine", "plan", "theme", "catalogue", "storefront", "credentials"})
OWNED_PATHS = frozenset({("ingress", "host")})
_SECRET_KEY = re.compile(r"pass(word|wd)?|secret|token|api[-_]?key|private[-_]?key|credential", re.I)
MAX_PATCH_BYTES = 8_192
MAX_DEPTH = 8


def canonical(patch: Mapping[str, Any]) -> str:
    """The patch as compact JSON with sorted keys: equal patches give equal text."""
    return json.dumps(patch, sort_keys=True, separators=(",", ":"))


def patch_problems(patch: Mapping[str, Any]) -> list[str]:
    """Why the patch cannot be used (empty: it can), each naming the key path."""
    problems: list[str] = []
    if len(canonical(patch).encode()) > MAX_PATCH_BYTES:
        problems.append(f"the patch is larger than {MAX_PATCH_BYTES} bytes")
    for key in sorted(OWNED_KEYS & set(patch)):
        problems.append(f"{key}: set by the store's spec, not by a values patch")
    _walk(patch, (), problems)
    return problems


def _walk(node: Mapping[str, Any], path: tuple[str, ...], problems: list[str]) -> None:
    if len(path) >= MAX_DEPTH:
        problems.append(f"{'.'.join(path)}: nested deeper than {MAX_DEPTH} levels")
        return
    for key, value in node.items():
        here = (*path, key)
        where = ".".join(here)
        if here in OWNED_PATHS:
            problems.append(f"{where}: set by the platform, not by a values patch")
        elif _SECRET_KEY.search(key):
            problems.append(f"{where}: looks like secret material; values are committed to git")
        elif isinstance(value, Mapping):
            _walk(value, here, problems)


def merge_patch(target: Mapping[str, Any], patch: Mapping[str, Any]) -> dict[str, Any]:
    """RFC 7386: `patch` applied to a copy of `target` (neither is changed)."""
    merged = dict(target)
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        elif isinstance(value, Mapping):
            base = merged.get(key)
            merged[key] = merge_patch(base if isinstance(base, Mapping) else {}, value)
        else:
            merged[key] = value
    return merged
