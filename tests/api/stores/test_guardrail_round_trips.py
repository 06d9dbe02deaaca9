"""The creation guardrails cost two statements per create whatever is enabled (the owner's lock, then
every count in one statement), and none when all are off; only near the cluster cap two more."""

from __future__ import annotations

from typing import Any

import anyio
import pytest

from storefleet.api.core.actor import Actor
from storefleet.api.stores.guardrails import GLOBAL_LOCK_MARGIN, CreationLimits, check_creation_allowed


class RecordingConnection:
    """Answers every statement with one row of counts far from any limit (or `total` live stores)."""

    def __init__(self, total: int = 0) -> None:
        self.statements: list[str] = []
        self._total = total

    async def execute(self, query: str, params: Any = None) -> RecordingConnection:
        self.statements.append(query)
        return self

    async def fetchone(self) -> dict[str, Any]:
        last = self.statements[-1]
        return {
            "owner_live": 0 if "owner_live" in last and "NULL AS owner_live" not in last else None,
            "since_last": None,
            "total_live": self._total if "NULL AS total_live" not in last else None,
            "n": self._total,
        }


def statements(limits: CreationLimits, *, admin: bool = False, total: int = 0) -> list[str]:
    conn = RecordingConnection(total)
    actor = Actor(id="u-aaaaaaaaaa", name="t", role="admin" if admin else "tenant")
    anyio.run(check_creation_allowed, conn, actor, limits)
    return conn.statements


@pytest.mark.parametrize(
    "limits",
    [
        CreationLimits(per_user=5, total=1000, cooldown_s=30),
        CreationLimits(per_user=5),
        CreationLimits(cooldown_s=30),
        CreationLimits(per_user=5, cooldown_s=30),
    ],
)
def test_the_owner_lock_then_one_statement(limits: CreationLimits) -> None:
    found = statements(limits)
    assert len(found) == 2
    assert "pg_advisory_xact_lock" in found[0]
    assert "pg_advisory_xact_lock" not in found[1]


def test_the_cluster_cap_alone_is_one_statement_and_all_off_none() -> None:
    assert len(statements(CreationLimits(total=1000))) == 1
    assert statements(CreationLimits()) == []
    assert statements(CreationLimits(cooldown_s=30), admin=True) == []  # admins skip the cooldown


def test_near_the_cluster_cap_the_global_lock_and_a_recount_follow() -> None:
    found = statements(CreationLimits(total=1000), total=1000 - GLOBAL_LOCK_MARGIN)
    assert len(found) == 3
    assert "pg_advisory_xact_lock" in found[1]
