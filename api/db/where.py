"""A WHERE clause built from optional conditions, each a constant SQL fragment with bound values."""

from __future__ import annotations

from typing import Any, LiteralString

from psycopg import sql


class Where:
    def __init__(self) -> None:
        self._conditions: list[sql.Composable] = []
        self.params: list[Any] = []

    def add(self, condition: LiteralString, *values: Any) -> Where:
        self._conditions.append(sql.SQL(condition))
        self.params.extend(values)
        return self

    def add_if(self, condition: LiteralString, value: Any) -> Where:
        """Add `condition` (one %s placeholder) only when `value` is given."""
        return self.add(condition, value) if value is not None else self

    def sql(self) -> sql.Composable:
        if not self._conditions:
            return sql.SQL("")
        return sql.SQL(" WHERE ") + sql.SQL(" AND ").join(self._conditions)
