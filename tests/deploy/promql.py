"""Just enough PromQL reading to find the metric names an expression uses, and the names the
platform exports, so rules and dashboards cannot drift from the code."""

from __future__ import annotations

import re

from prometheus_client import CollectorRegistry

# Label matchers, range/subquery selectors and string literals hold no metric names.
_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`')
_BRACES = re.compile(r"\{[^}]*\}")
_BRACKETS = re.compile(r"\[[^\]]*\]")
# Grouping clauses name labels, not metrics: `by (le, engine)`, `on (instance)`, ...
_CLAUSES = re.compile(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")
# An identifier not glued to a number (`1e-9`, `5m`) or a `$variable`.
_IDENTIFIER = re.compile(r"(?<![\w.$])[A-Za-z_:][\w:]*")
KEYWORDS = frozenset(
    {"by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless",
     "offset", "le", "inf", "nan", "atan2"}
)  # fmt: skip
_SERIES_SUFFIXES = {
    "counter": ("_total", "_created"),
    "histogram": ("_bucket", "_count", "_sum", "_created"),
    "summary": ("", "_count", "_sum", "_created"),
    "info": ("_info",),
}


def metric_names(expr: str) -> set[str]:
    """The metric names in `expr`: identifiers used bare or before `{`/`[`; anything followed by
    `(` is a function or an aggregation, and keywords are skipped."""
    text = _STRINGS.sub('""', expr)
    text = _BRACES.sub("{}", text)
    text = _BRACKETS.sub("[]", text)
    text = _CLAUSES.sub(" ", text)
    names = set()
    for match in _IDENTIFIER.finditer(text):
        name = match.group()
        if name.lower() in KEYWORDS or text[match.end() :].lstrip().startswith("("):
            continue
        names.add(name)
    return names


def exported_series_names(registry: CollectorRegistry) -> set[str]:
    """Every series name the registry can expose, including the ones a labelled metric shows only
    after its first observation."""
    names = set()
    for family in registry.collect():
        suffixes = _SERIES_SUFFIXES.get(family.type, ("",))
        names.update(family.name + suffix for suffix in suffixes)
        names.update(sample.name for sample in family.samples)
    return names
