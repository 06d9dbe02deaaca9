"""The PATCH body formats the API server accepts, applied to a stored object."""

from __future__ import annotations

import copy
import json
from typing import Any

import jsonpatch
import yaml

MERGE = "application/merge-patch+json"
JSON_PATCH = "application/json-patch+json"
STRATEGIC = "application/strategic-merge-patch+json"
APPLY = "application/apply-patch+yaml"


class PatchError(ValueError):
    def __init__(self, message: str, *, unprocessable: bool = False) -> None:
        super().__init__(message)
        # 422 when the patch is well formed but cannot apply (a failed `test`, a missing path); else 400.
        self.unprocessable = unprocessable


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386: objects merge key by key, null deletes, anything else (lists too) replaces."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def decode(content_type: str, text: str) -> Any:
    """The patch document; apply-patch bodies are YAML (JSON is valid YAML)."""
    try:
        if content_type == APPLY:
            return yaml.safe_load(text)
        return json.loads(text)
    except (ValueError, yaml.YAMLError) as error:
        raise PatchError(f"couldn't decode the patch body: {error}") from error


def apply(content_type: str, target: dict[str, Any], patch: Any) -> dict[str, Any]:
    """The patched object. A strategic merge patch is applied as a JSON merge patch: the strategic
    extras (lists merged by key, `$patch`/`$deleteFromPrimitiveList` directives) are not emulated,
    so lists are always replaced. Server-side apply is likewise a merge, with no field ownership."""
    if content_type == JSON_PATCH:
        if not isinstance(patch, list):
            raise PatchError("json patch must be a list of operations")
        try:
            result = jsonpatch.apply_patch(target, patch)
        except jsonpatch.InvalidJsonPatch as error:
            raise PatchError(str(error)) from error
        except (jsonpatch.JsonPatchException, jsonpatch.JsonPointerException) as error:
            raise PatchError(str(error), unprocessable=True) from error
    elif content_type in (MERGE, STRATEGIC, APPLY):
        if not isinstance(patch, dict):
            raise PatchError("a merge patch body must be a JSON object")
        result = merge_patch(target, patch)
    else:
        raise PatchError(f"unsupported patch content type {content_type!r}")
    if not isinstance(result, dict):
        raise PatchError("the patch does not leave an object", unprocessable=True)
    return result
