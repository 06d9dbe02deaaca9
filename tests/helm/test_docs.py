"""docs/helm.md's values tables are generated from the charts' values.yaml (`# --` comments) and must
stay equal to them. Regenerate: .venv/bin/python tests/helm/test_docs.py"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "helm.md"
CHARTS = ("ecommerce-store", "storefleet")
_KEY = re.compile(r"^(?P<indent> *)(?P<key>[A-Za-z0-9_.-]+):")


def documented_keys(values_file: Path) -> list[tuple[str, str]]:
    """(dotted key, description) for every key preceded by a `# --` comment, in file order."""
    rows: list[tuple[str, str]] = []
    stack: list[tuple[int, str]] = []
    pending: list[str] | None = None
    for line in values_file.read_text().splitlines():
        stripped = line.strip()
        if stripped.startswith("# --"):
            pending = [stripped.removeprefix("# --").strip()]
            continue
        if pending is not None and stripped.startswith("#"):
            pending.append(stripped.lstrip("#").strip())
            continue
        match = _KEY.match(line)
        if match and not stripped.startswith("-"):
            indent = len(match["indent"])
            stack = [(i, k) for i, k in stack if i < indent] + [(indent, match["key"])]
            if pending is not None:
                rows.append((".".join(k for _, k in stack), " ".join(pending)))
        pending = None
    return rows


def _lookup(values: dict[str, Any], dotted: str) -> Any:
    node: Any = values
    for part in dotted.split("."):
        node = node[part]
    return node


def table(chart: str) -> str:
    values_file = ROOT / "helm" / chart / "values.yaml"
    values = yaml.safe_load(values_file.read_text())
    lines = ["| key | default | description |", "|---|---|---|"]
    for key, description in documented_keys(values_file):
        default = json.dumps(_lookup(values, key), separators=(", ", ": "))
        lines.append(f"| `{key}` | `{default}` | {description.replace('|', '&#124;')} |")
    return "\n".join(lines)


def _block(chart: str) -> tuple[str, str]:
    return f"<!-- values-table: {chart} -->\n", f"<!-- end values-table: {chart} -->"


def expected_doc(text: str) -> str:
    for chart in CHARTS:
        start, end = _block(chart)
        head, rest = text.split(start, 1)
        _, tail = rest.split(end, 1)
        text = f"{head}{start}{table(chart)}\n{end}{tail}"
    return text


def _leaves(values: Any, prefix: str = "") -> set[str]:
    if isinstance(values, dict) and values:
        return {leaf for k, v in values.items() for leaf in _leaves(v, f"{prefix}{k}.")}
    return {prefix.rstrip(".")}


def test_values_tables_match_values_yaml() -> None:
    text = DOC.read_text()
    assert text == expected_doc(text), "docs/helm.md is stale: run .venv/bin/python tests/helm/test_docs.py"


def test_every_value_is_documented() -> None:
    for chart in CHARTS:
        values_file = ROOT / "helm" / chart / "values.yaml"
        documented = {key for key, _ in documented_keys(values_file)}
        for leaf in _leaves(yaml.safe_load(values_file.read_text())):
            parts = leaf.split(".")
            assert any(".".join(parts[:n]) in documented for n in range(1, len(parts) + 1)), (chart, leaf)


if __name__ == "__main__":
    DOC.write_text(expected_doc(DOC.read_text()))
    sys.exit(0)
