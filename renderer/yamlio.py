"""Byte-stable YAML: one canonical text for one value, whatever the dict order it was built in (pure).

Rules: mapping keys sorted, except that a Kubernetes object starts with apiVersion, kind, metadata, spec
(the order kubectl, Flux and Argo CD print, so a reviewer finds them where they expect); block style,
2-space indent, sequences indented under their key; no anchors or aliases; no line folding; a trailing
newline. A string that a YAML 1.1 *or* 1.2 reader would take for something else (`yes`, `on`, `1`,
`0755`, `12:30`, `2024-01-01`, `null`, `~`) is single-quoted: Kubernetes reads YAML 1.1 (`on` is
true there), while ruamel.yaml alone only guards against YAML 1.2 readings.
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Mapping, Sequence
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.emitter import Emitter
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
    return representer.represent_scalar(_STR_TAG, data, style="'" if _ambiguous(data) else None)


_Representer.add_representer(str, _represent_str)


def _yaml() -> YAML:
    yaml = YAML(typ="safe", pure=True)
    yaml.Representer = _Representer
    yaml.default_flow_style = False
    yaml.width = 1 << 16
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.representer.sort_base_mapping_type_on_output = False
    return yaml


def _is_mapping(value: Any) -> bool:
    # dict first: the ABC check alone was a third of a store's rendering (a wave renders thousands)
    return isinstance(value, dict) or (not isinstance(value, str | int | list) and isinstance(value, Mapping))


def canonical(value: Any, *, top: bool = True) -> Any:
    """A deep copy with every mapping in canonical key order (see the module docstring)."""
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if _is_mapping(value):
        keys = sorted(value, key=str)
        if top and "apiVersion" in value and "kind" in value:
            head = [k for k in _HEAD_KEYS if k in value]
            keys = head + [k for k in keys if k not in head]
        return {k: canonical(value[k], top=False) for k in keys}
    if isinstance(value, list | tuple) or (isinstance(value, Sequence) and not isinstance(value, bytes)):
        return [canonical(item, top=False) for item in value]
    return value


def dump(value: Any, *, header: str = "") -> bytes:
    """One YAML document, canonical bytes. `header` is a comment block put before it."""
    return dump_all([value], header=header)


def dump_all(documents: Sequence[Any], *, header: str = "") -> bytes:
    """Several documents separated by `---`, canonical bytes."""
    try:
        text = _direct_text(documents)
    except _Unsupported:
        text = _ruamel_text([canonical(doc) for doc in documents])
    comment = "".join(f"# {line}".rstrip() + "\n" for line in header.splitlines())
    return (comment + text).encode()


def _ruamel_text(documents: list[Any]) -> str:
    buffer = io.StringIO()
    yaml = _yaml()
    yaml.explicit_start = len(documents) > 1
    yaml.dump_all(documents, buffer)
    return buffer.getvalue()


# ---- the direct path ----------------------------------------------------------------------------
# ruamel.yaml's pure-Python pipeline costs ~7 ms per store (~200 nodes), most of a batch's time in the
# fleet writer. Rendered manifests use a small subset of YAML — block mappings and sequences of plain or
# single-quoted one-line scalars — which is written here directly, byte for byte as ruamel writes it
# (a test compares the two on every golden and on generated documents), in one walk that orders the
# keys as `canonical` does (a rollout wave renders thousands of stores: no intermediate copy). Each
# scalar's style is still decided by ruamel's own analysis; anything outside the subset falls back to
# ruamel.


class _Unsupported(Exception):
    pass


_ANALYZER = Emitter(io.StringIO())
# The first characters ruamel's implicit resolvers are filed under (`resolve` looks them up by the
# scalar's first character): a string starting with any other resolves to a string in both versions.
_RESOLVER_KEYS = frozenset(key for r in _RESOLVERS for key in r.versioned_resolver)
# Strings ruamel's analysis always allows plain (no indicator, space, break or special character):
# most of a store's unique strings (ids, names, hosts), so they skip the analysis and the cache.
_SIMPLE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]*").fullmatch


# Lowercase hex words with a letter other than `e` (digests: a spec hash, a commit id): no number,
# bool, null or timestamp of YAML 1.1 or 1.2 spells itself with those letters, except 1.1's `0b`
# binary ints. Unique per store, they would each cost a pass over every implicit resolver.
_DIGEST = re.compile(r"[0-9a-f]*[a-df][0-9a-f]*").fullmatch


def _ambiguous(data: str) -> bool:
    if None not in _RESOLVER_KEYS and data and data[0] not in _RESOLVER_KEYS:
        return False
    if _DIGEST(data) and not data.startswith("0b"):
        return False
    return any(r.resolve(ScalarNode, data, (True, False)) != _STR_TAG for r in _RESOLVERS)


# `_string`'s answers, also looked up directly where keys and values are written: a store's
# documents write ~150 of them, almost all seen before, and a dict lookup costs a fraction of a call
# to a cached function. Cleared when full (a wave's unique ids and hashes would fill it).
_WRITTEN: dict[str, str] = {}
_WRITTEN_MAX = 65536


def _string(data: str) -> str:
    text = _WRITTEN.get(data)
    if text is None:
        text = _string_text(data)
        if len(_WRITTEN) >= _WRITTEN_MAX:
            _WRITTEN.clear()
        _WRITTEN[data] = text
    return text


def _string_text(data: str) -> str:
    if _SIMPLE(data) and not _ambiguous(data):
        return data
    if "?" in data:  # ruamel's analysis of '?' consults the serializer, which the bare analyzer lacks
        raise _Unsupported
    analysis = _ANALYZER.analyze_scalar(data)
    if not _ambiguous(data) and analysis.allow_block_plain and not analysis.multiline and not analysis.empty:
        return data
    if len(data) > 1000 or "'" in data or "\n" in data or not analysis.allow_single_quoted:
        raise _Unsupported
    return f"'{data}'"


def _scalar(value: Any) -> str:
    if isinstance(value, str):
        return _string(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if type(value) is int:
        return str(value)
    raise _Unsupported


_SCALAR, _MAPPING, _SEQUENCE = 0, 1, 2


def _kind(value: Any) -> int:
    """How `canonical` treats the value (the common types first: this runs on every node)."""
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return _SCALAR
    if kind is dict:
        return _MAPPING
    if kind is list:
        return _SEQUENCE
    if isinstance(value, str | int | float | bool):
        return _SCALAR
    if _is_mapping(value):
        return _MAPPING
    if isinstance(value, list | tuple) or (isinstance(value, Sequence) and not isinstance(value, bytes)):
        return _SEQUENCE
    return _SCALAR  # `_scalar` refuses it: ruamel writes it


def _keys(value: Mapping[Any, Any], top: bool, *, by_text: bool = False) -> list[Any]:
    """`canonical`'s order: sorted by `str` (`by_text`), or as they are, which is the same order for
    plain str keys without a call per key; a Kubernetes object's head keys first at the top."""
    try:
        keys = sorted(value, key=str) if by_text else sorted(value)
    except TypeError:  # keys of several types: one is not a str
        raise _Unsupported from None
    if top and "apiVersion" in value and "kind" in value:
        head = [k for k in _HEAD_KEYS if k in value]
        keys = head + [k for k in keys if k not in head]
    return keys


def _mapping(
    value: Mapping[Any, Any],
    indent: int,
    out: list[str],
    first_lead: str | None = None,
    top: bool = False,
    keys: list[Any] | None = None,
) -> None:
    by_text = keys is not None  # ordered by `_keys(by_text=True)` already
    if keys is None:
        if top:
            keys = _keys(value, top)
        else:
            try:
                keys = sorted(value)  # `_keys` inline: this runs for every mapping of every document
            except TypeError:
                raise _Unsupported from None
    pad = " " * indent
    lead = pad if first_lead is None else first_lead
    written = _WRITTEN
    start = len(out)
    for key in keys:
        if type(key) is not str:
            if not isinstance(key, str):
                raise _Unsupported
            if not by_text:  # a str subclass: its str() orders it, as in `canonical`
                del out[start:]
                _mapping(value, indent, out, first_lead, top, _keys(value, top, by_text=True))
                return
        item = value[key]
        name = written.get(key) or _string(key)
        kind = type(item)
        if kind is str:  # most values: no classification needed
            out.append(f"{lead}{name}: {written.get(item) or _string(item)}\n")
        elif kind is dict and item:
            out.append(f"{lead}{name}:\n")
            _mapping(item, indent + 2, out)
        else:
            _value(item, f"{lead}{name}:", indent, out)
        lead = pad


def _value(item: Any, head: str, indent: int, out: list[str]) -> None:
    """A mapping's value other than a str or a non-empty dict, after its key (`head`)."""
    kind = _kind(item)
    if kind == _SCALAR:
        out.append(f"{head} {_scalar(item)}\n")
    elif not item:
        out.append(f"{head} {{}}\n" if kind == _MAPPING else f"{head} []\n")
    elif kind == _MAPPING:
        out.append(head + "\n")
        _mapping(item, indent + 2, out)
    else:
        out.append(head + "\n")
        _sequence(item, indent + 2, out)


def _sequence(value: Sequence[Any], indent: int, out: list[str]) -> None:
    dash = " " * indent + "- "
    for item in value:
        kind = _kind(item)
        if kind == _SCALAR:
            out.append(f"{dash}{_scalar(item)}\n")
        elif kind == _MAPPING and item:
            _mapping(item, indent + 2, out, first_lead=dash)
        else:
            raise _Unsupported


def _direct_text(documents: Sequence[Any]) -> str:
    out: list[str] = []
    for document in documents:
        if _kind(document) != _MAPPING or not document:
            raise _Unsupported
        if len(documents) > 1:
            out.append("---\n")
        _mapping(document, 0, out, top=True)
    return "".join(out)


def load(data: bytes) -> Any:
    """Parse one YAML document safely (YAML 1.2, duplicate keys refused)."""
    value = _load_canonical(data)
    if value is not _NOT_CANONICAL:
        return value
    yaml = YAML(typ="safe", pure=True)
    return yaml.load(data)


# ---- the canonical path of `load` ---------------------------------------------------------------
# ruamel's pure-Python parser costs ~0.5 ms per store.yaml, most of the git-side sync's work when it
# catches up thousands of commits. libyaml (PyYAML's C loader) reads YAML 1.1, so its answer is taken
# only when `data` is exactly the canonical text of that answer (`dump`'s own bytes, header comments
# aside): that text quotes every scalar YAML 1.1 or 1.2 could read as another type, so ruamel reads
# the same value from it. Anything else (hand-formatted YAML, a duplicate key, a float) goes to ruamel.
# PyYAML is imported on the first load, not with the module: an API process that never reads the fleet
# repo (the default set-up) does not carry it (tests/api/test_import_footprint.py).
_NOT_CANONICAL = object()


@functools.cache
def _pyyaml() -> Any:
    import yaml

    return yaml


def _load_canonical(data: bytes) -> Any:
    pyyaml = _pyyaml()
    loader = getattr(pyyaml, "CSafeLoader", None)
    if loader is None:
        return _NOT_CANONICAL

    body = data
    while body.startswith(b"#"):  # the header comment block `dump` writes
        _, newline, body = body.partition(b"\n")
        if not newline:
            return _NOT_CANONICAL
    try:
        value = pyyaml.load(body, Loader=loader)
        text = _direct_text([value])
    except (pyyaml.YAMLError, _Unsupported, RecursionError):
        return _NOT_CANONICAL
    return value if text.encode() == body else _NOT_CANONICAL
