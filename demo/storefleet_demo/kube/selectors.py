"""Label and field selectors, parsed and matched the way the API server does for list and watch."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

Obj = dict[str, Any]
Matcher = Callable[[Obj], bool]

_SET_TERM = re.compile(r"^(?P<key>[^\s!=(),]+)\s+(?P<op>in|notin)\s*\((?P<values>[^()]*)\)$")
_EQ_TERM = re.compile(r"^(?P<key>[^\s!=(),]+)\s*(?P<op>==|=|!=)\s*(?P<value>[^\s!=(),]*)$")
_KEY = re.compile(r"^(?P<neg>!)?\s*(?P<key>[^\s!=(),]+)$")


class SelectorError(ValueError):
    """A selector the real server would reject with 400 BadRequest."""


def _split_terms(text: str) -> list[str]:
    """Commas separate terms, except inside the parentheses of a set (`a in (x,y),b`)."""
    terms: list[str] = []
    depth = 0
    current = ""
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            terms.append(current.strip())
            current = ""
        else:
            current += char
    if depth != 0:
        raise SelectorError(f"unable to parse requirement: unbalanced parentheses in {text!r}")
    terms.append(current.strip())
    return [term for term in terms if term]


def _label_term(term: str) -> Matcher:
    if match := _SET_TERM.match(term):
        key, values = match["key"], {v.strip() for v in match["values"].split(",") if v.strip()}
        if match["op"] == "in":
            return lambda labels: labels.get(key) in values
        # notin, like !=, also matches objects without the label.
        return lambda labels: labels.get(key) not in values
    if match := _EQ_TERM.match(term):
        key, value = match["key"], match["value"]
        if match["op"] == "!=":
            return lambda labels: labels.get(key) != value
        return lambda labels: labels.get(key) == value
    if match := _KEY.match(term):
        key = match["key"]
        if match["neg"]:
            return lambda labels: key not in labels
        return lambda labels: key in labels
    raise SelectorError(f"unable to parse requirement: {term!r}")


def label_selector(text: str | None) -> Matcher:
    if not text:
        return lambda obj: True
    terms = [_label_term(term) for term in _split_terms(text)]

    def matches(obj: Obj) -> bool:
        labels = obj.get("metadata", {}).get("labels") or {}
        return all(term(labels) for term in terms)

    return matches


def field_value(obj: Obj, path: str) -> str:
    """A field as the server compares it: a string, empty when absent (cluster-scoped namespace)."""
    value: Any = obj
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def field_selector(text: str | None, allowed: Iterable[str]) -> Matcher:
    if not text:
        return lambda obj: True
    allowed = frozenset(allowed)
    terms: list[tuple[str, bool, str]] = []
    for term in _split_terms(text):
        match = _EQ_TERM.match(term)
        if match is None:
            raise SelectorError(f"invalid selector: {text!r}; can't understand {term!r}")
        if match["key"] not in allowed:
            raise SelectorError(f"field label not supported: {match['key']}")
        terms.append((match["key"], match["op"] != "!=", match["value"]))

    def matches(obj: Obj) -> bool:
        return all((field_value(obj, path) == value) == equal for path, equal, value in terms)

    return matches
