"""`grep` for status writes finds one module: the SQL that writes `stores.status` or
`stores.status_message` lives in the stores repository, and only the lifecycle service calls it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).parents[3]
SOURCES = [p for d in ("api", "reconciler-watch", "renderer") for p in (ROOT / d).rglob("*.py")]
STATUS_WRITERS = {"update_status_many", "set_messages", "insert_store"}
STATUS_SQL = re.compile(
    r"(UPDATE\s+stores\b[^;]*\bSET\b[^;]*\bstatus(_message)?\s*=)|INSERT\s+INTO\s+stores\b", re.I | re.S
)


def _relative(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_only_the_stores_repository_holds_sql_writing_a_status() -> None:
    writers = {_relative(p) for p in SOURCES if STATUS_SQL.search(p.read_text())}
    assert writers == {"api/domain/stores_repository.py"}


def test_only_the_lifecycle_service_calls_the_status_writing_functions() -> None:
    callers: dict[str, set[str]] = {}
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text())):
            called = isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            if called and node.func.attr in STATUS_WRITERS:  # type: ignore[attr-defined]
                callers.setdefault(node.func.attr, set()).add(_relative(path))
    assert callers == {name: {"api/domain/lifecycle_service.py"} for name in STATUS_WRITERS}


def test_the_status_sql_pattern_recognises_a_status_write() -> None:
    # the pattern itself must match what it guards against, or the first test proves nothing
    assert STATUS_SQL.search("UPDATE stores s SET status = d.target, status_message = d.message")
    assert STATUS_SQL.search("UPDATE stores SET status_message = %s WHERE id = %s")
    assert STATUS_SQL.search('"INSERT INTO stores (id, status) VALUES (%s, %s)"')
    assert not STATUS_SQL.search("UPDATE stores SET spec = %s, spec_hash = %s WHERE id = %s")
