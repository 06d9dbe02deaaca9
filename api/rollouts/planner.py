"""Waves of a rollout (pure): the canary, then steps by percentage or count, ending at every store."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass


class PlanError(ValueError):
    """Steps that cannot make a plan; `code` is the API's error code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Step:
    """A wave's reach: `percent` of the targets, or `count` more stores (cumulative either way)."""

    percent: float | None = None
    count: int | None = None

    def reach(self, total: int, reached: int) -> int:
        if self.percent is not None:
            return min(total, max(reached + 1, math.ceil(total * self.percent / 100)))
        assert self.count is not None
        return min(total, reached + self.count)

    @property
    def label(self) -> str:
        return f"{self.percent:g}%" if self.percent is not None else f"+{self.count}"


def parse_step(text: str | int) -> Step:
    """`"10%"` -> 10 % of the targets in all; `25` or `"25"` -> 25 more stores."""
    raw = str(text).strip()
    try:
        if raw.endswith("%"):
            percent = float(raw[:-1])
            if not 0 < percent <= 100:
                raise ValueError
            return Step(percent=percent)
        count = int(raw)
        if count < 1:
            raise ValueError
        return Step(count=count)
    except ValueError:
        raise PlanError(
            "INVALID_STEPS", f"step {raw[:20]!r} is neither a percentage in (0, 100] nor a count ≥ 1"
        ) from None


def canary_order(store_ids: Sequence[str], seed: str) -> list[str]:
    """A stable shuffle: waves are spread across tenants and engines, yet the same on every replan."""
    return sorted(store_ids, key=lambda s: hashlib.sha256(f"{seed}:{s}".encode()).digest())


def plan_waves(
    store_ids: Sequence[str],
    steps: Sequence[Step],
    *,
    seed: str,
    canary_ids: Sequence[str] = (),
    canary_count: int = 0,
) -> list[list[str]]:
    """Store ids per wave. Wave 1 is the canary (explicit ids, else `canary_count` stores, else the
    first step); every later wave reaches its step; the last step must reach every store."""
    if not store_ids:
        raise PlanError("EMPTY_SELECTION", "the selector matches no store that can be rolled out")
    if not steps or not _ends_at_everyone(steps[-1]):
        raise PlanError("STEPS_INCOMPLETE", "the last step must be 100% (every selected store)")
    missing = sorted(set(canary_ids) - set(store_ids))
    if missing:
        raise PlanError(
            "CANARY_NOT_SELECTED", f"canary stores not among the targets: {', '.join(missing[:5])}"
        )
    ordered = canary_order(store_ids, seed)
    chosen = set(canary_ids)
    ordered = [s for s in canary_ids] + [s for s in ordered if s not in chosen]
    waves: list[list[str]] = []
    reached = len(canary_ids) or min(canary_count, len(ordered))
    if reached:
        waves.append(ordered[:reached])
    for step in steps:
        target = step.reach(len(ordered), reached)
        if target > reached:
            waves.append(ordered[reached:target])
            reached = target
    return waves


def _ends_at_everyone(step: Step) -> bool:
    return step.percent is not None and step.percent >= 100
