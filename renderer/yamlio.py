"""Byte-stable YAML: one canonical text for one value, whatever the dict order it was built in (pure).

Rules: mapping keys sorted, except that a Kubernetes object starts with apiVersion, kind, metadata, spec
(the order kubectl, Flux and Argo CD print, so a reviewer finds them where they expect); block style,
2-space indent, sequences indented under their key; no anchors or aliases; no line folding; a trailing
newline. A string that a YAML 1.1 *or* 1.2 reader would take for something else (`yes`, `on`, `1`,
`0755`, `12:30`, `2024-01-01`, `null`, `~`) is single-quoted: Kubernetes reads YAML 1.1 (`on` is
true there), while ruamel.yaml alone only guards against YAML 1.2 readings.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.representer import SafeRepresenter
from ruamel.yaml.resolver import VersionedResolver

_HEAD_KEYS = ("apiVersion", "kind", "metadata", "spec")
_STR_TAG = "tag:yaml.org,2002:str"
_RESOLVERS = (VersionedResolver(version=(1, 1)), VersionedResolver(version=(1, 2)))


class _Representer(SafeRepresenter):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_str(representer: SafeRepresenter, data: str) -> ScalarNode:
    ambiguous = any(r.resolve(ScalarNode, data, (True, False)) != _STR_TAG for r in _RESOLVERS)
    return representer.represent_scalar(_STR_TAG, data, style="'" if ambiguous else None)


_Representer.add_representer(str, _represent_str)


def _yaml() -> YAML:
    yaml = YAML(typ="safe", pure=True)
    yaml.Representer = _Representer
    yaml.default_flow_style = False
    yaml.width = 1 << 16
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.representer.sort_base_mapping_type_on_output = False
    return yaml


def canonical(value: Any, *, top: bool = True) -> Any:
    """A deep copy with every mapping in canonical key order (see the module docstring)."""
    if isinstance(value, Mapping):
        keys = sorted(value, key=str)
        if top and "apiVersion" in value and "kind" in value:
            head = [k for k in _HEAD_KEYS if k in value]
            keys = head + [k for k in keys if k not in head]
        return {k: canonical(value[k], top=False) for k in keys}
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        return [canonical(item, top=False) for item in value]
    return value


def dump(value: Any, *, header: str = "") -> bytes:
    """One YAML document, canonical bytes. `header` is a comment block put before it."""
    return dump_all([value], header=header)


def dump_all(documents: Sequence[Any], *, header: str = "") -> bytes:
    """Several documents separated by `---`, canonical bytes."""
    buffer = io.StringIO()
    yaml = _yaml()
    yaml.explicit_start = len(documents) > 1
    yaml.dump_all([canonical(doc) for doc in documents], buffer)
    comment = "".join(f"# {line}".rstrip() + "\n" for line in header.splitlines())
    return (comment + buffer.getvalue()).encode()


def load(data: bytes) -> Any:
    """Parse one YAML document safely (YAML 1.2, duplicate keys refused)."""
    yaml = YAML(typ="safe", pure=True)
    return yaml.load(data)
