"""A wave's gate (pure): `evaluate(wave, stores, now)` says wait, soak, probe, pass or fail, and why.

A store of the wave counts as ready only when its status is `ready` and its spec carries the wave's
value (its chart version, image tag or values patch): every spec change moves a store out of `ready`
in the same transaction as its outbox row, so `ready` at the wave's value is the watcher's own
verdict at the wave's commit or a later one (a tenant's change meanwhile keeps the value, and the
store is ready only at the newest commit).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from storefleet.api.rollouts.states import WaveState


@dataclass(frozen=True)
class GateConfig:
    soak_s: float = 0.0
    probe_path: str | None = None
    timeout_s: float = 900.0


@dataclass(frozen=True)
class WaveStore:
    store_id: str
    status: str
    at_value: bool  # the store's spec carries the wave's change (chart version, image tag, values)
    error: str | None = None


@dataclass(frozen=True)
class WaveView:
    number: int
    state: WaveState
    max_failures: int
    committed_for_s: float | None  # seconds since its commit was recorded (None: not yet)
    ready_for_s: float | None  # seconds since every store was ready (None: not yet)


class Verdict(StrEnum):
    WAIT = "wait"
    SOAK = "soak"  # every store ready: start the soak
    PROBE = "probe"  # ready and soaked: probe the stores' URLs, then evaluate again
    PASS = "pass"  # noqa: S105 - a verdict, not a password
    FAIL = "fail"


@dataclass(frozen=True)
class GateResult:
    verdict: Verdict
    message: str
    ready: int = 0
    failed: int = 0
    pending: int = 0
    failing: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    def summary(self) -> dict[str, object]:
        return {
            "verdict": self.verdict.value,
            "message": self.message,
            "ready": self.ready,
            "failed": self.failed,
            "pending": self.pending,
            "failing": [{"store_id": s, "error": e} for s, e in self.failing],
        }


_GONE = frozenset({"deleting", "deleted"})
_BROKEN = frozenset({"failed", "degraded"})


def moved_back(stores: Sequence[WaveStore]) -> list[WaveStore]:
    """Stores of a committed wave no longer at its value (someone reverted or edited them in git)."""
    return [s for s in stores if s.status not in _GONE and not s.at_value]


def evaluate(
    wave: WaveView,
    stores: Sequence[WaveStore],
    config: GateConfig,
    probe_failures: Mapping[str, str] | None = None,
) -> GateResult:
    live = [s for s in stores if s.status not in _GONE and s.at_value]
    ready = [s for s in live if s.status == "ready"]
    # a store that went degraded since it was ready (during the soak) counts against the budget too
    failed = [(s.store_id, s.error or s.status) for s in live if s.status in _BROKEN]
    failed += sorted((probe_failures or {}).items())
    pending = [s for s in live if s.status != "ready" and s.status not in _BROKEN]
    counts = _Counts(len(ready), len(failed), len(pending))
    if len(failed) > wave.max_failures:
        why = f"{len(failed)} of {len(live)} stores failed (budget {wave.max_failures})"
        return counts.result(Verdict.FAIL, why, failing=tuple(failed))
    if wave.committed_for_s is None:
        return counts.result(Verdict.WAIT, "waiting for the wave's commit")
    if pending and wave.committed_for_s > config.timeout_s:
        late = tuple(
            (s.store_id, f"not ready {config.timeout_s:g}s after the wave's commit") for s in pending
        )
        why = f"{len(pending)} stores not ready within {config.timeout_s:g}s"
        return counts.result(Verdict.FAIL, why, failing=tuple(failed) + late)
    if pending:
        return counts.result(Verdict.WAIT, f"{len(ready)} of {len(live)} stores ready")
    if wave.state is WaveState.GATING and config.soak_s > 0:
        return counts.result(Verdict.SOAK, f"all ready; soaking for {config.soak_s:g}s")
    if wave.ready_for_s is not None and wave.ready_for_s < config.soak_s:
        left = config.soak_s - wave.ready_for_s
        return counts.result(Verdict.WAIT, f"soaking: {left:.0f}s left")
    if config.probe_path and probe_failures is None:
        return counts.result(Verdict.PROBE, "probing the stores")
    return counts.result(Verdict.PASS, f"{len(ready)} ready, {len(failed)} failed within budget")


@dataclass(frozen=True)
class _Counts:
    ready: int
    failed: int
    pending: int

    def result(self, verdict: Verdict, message: str, failing: tuple[tuple[str, str], ...] = ()) -> GateResult:
        return GateResult(verdict, message, self.ready, self.failed, self.pending, failing)


def failure_budget(store_count: int, max_failures: int | None, max_failure_pct: float) -> int:
    """Stores a wave may lose: an explicit count, else a share of the wave (rounded down)."""
    if max_failures is not None:
        return max_failures
    return int(store_count * max_failure_pct / 100)
