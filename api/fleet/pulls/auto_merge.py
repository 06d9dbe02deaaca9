"""Which changes are merged without a review (still through a pull request): PR_AUTO_MERGE rules.

A rule is `action:who`; `action` is create, update, delete, rollback or `*`; `who` is `admin` (the
change was asked for by an admin), `any`, or a tenant id. Pure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

ACTIONS = frozenset({"create", "update", "delete", "rollback", "retry", "*"})


class RequestedChange(Protocol):
    """What a rule looks at of an outbox change (`outbox_repository.PendingChange` is one)."""

    @property
    def action(self) -> str: ...
    @property
    def tenant(self) -> str: ...
    @property
    def params(self) -> Mapping[str, Any]: ...


@dataclass(frozen=True)
class AutoMergeRules:
    rules: frozenset[tuple[str, str]] = frozenset()

    @classmethod
    def parse(cls, text: str) -> AutoMergeRules:
        rules = set()
        for item in filter(None, (part.strip() for part in text.split(","))):
            action, _, who = item.partition(":")
            if action not in ACTIONS or not who:
                raise ValueError(f"PR_AUTO_MERGE: {item!r} is not `action:who` (e.g. delete:admin)")
            rules.add((action, who))
        return cls(frozenset(rules))

    def allows(self, change: RequestedChange) -> bool:
        params = change.params
        who = {"any", change.tenant} | ({"admin"} if params.get("actor_role") == "admin" else set())
        return any(action in ("*", change.action) and rule_who in who for action, rule_who in self.rules)
