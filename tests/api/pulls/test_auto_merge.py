"""PR_AUTO_MERGE: which changes merge without a review (pure)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from storefleet.api.fleet.pulls.auto_merge import AutoMergeRules


@dataclass(frozen=True)
class _Change:
    action: str
    tenant: str
    params: dict[str, Any] = field(default_factory=dict)


def _change(action: str, tenant: str = "u-1", role: str = "tenant") -> _Change:
    return _Change(action, tenant, {"actor_role": role})


def test_rules_match_action_and_who() -> None:
    rules = AutoMergeRules.parse("delete:admin, update:u-2,rollback:any")
    assert rules.allows(_change("delete", role="admin"))
    assert not rules.allows(_change("delete"))
    assert rules.allows(_change("update", tenant="u-2")) and not rules.allows(_change("update"))
    assert rules.allows(_change("rollback"))
    assert not rules.allows(_change("create", role="admin"))
    assert AutoMergeRules.parse("*:admin").allows(_change("create", role="admin"))


def test_no_rules_merge_nothing() -> None:
    assert not AutoMergeRules.parse("").allows(_change("delete", role="admin"))


@pytest.mark.parametrize("text", ["delete", "remove:admin", "delete:", ":admin"])
def test_a_malformed_rule_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="PR_AUTO_MERGE"):
        AutoMergeRules.parse(text)
