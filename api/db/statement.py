"""One SQL statement with its parameters, built by the repository that owns its table, so that a
use case can run it alone or send it inside another statement (one round trip for several writes)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, LiteralString


@dataclass(frozen=True)
class Statement:
    query: LiteralString
    params: tuple[Any, ...]


def with_writes(main: Statement, writes: list[Statement]) -> Statement:
    """`main` with `writes` run in the same statement, as data-modifying CTEs: PostgreSQL runs them
    all or none, in one round trip, and `main`'s rows are the answer. The writes may not depend on
    each other's effects (they all see the snapshot the statement started with)."""
    ctes: list[str] = [f"w{i} AS ({write.query})" for i, write in enumerate(writes)]
    params = tuple(p for write in writes for p in write.params) + main.params
    return Statement(f"WITH {', '.join(ctes)} {main.query}", params)
