"""Store outcomes counted at the transition that makes them (the lifecycle service)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from storefleet.api.domain.store_rows import StoreSummary
from storefleet.api.metrics import registry as metrics

UNKNOWN = "unknown"


def observe_transition(store: StoreSummary, current: str, target: str, detail: dict[str, Any] | None) -> None:
    """`store` is the row before the move. Provisioning → ready is a store's first ready (a later
    ready comes from `updating`); its duration runs from the store's creation. A move to failed is
    counted with the watcher's decision reason (stalled, setup_failed, timeout, ...)."""
    engine = store.engine or UNKNOWN
    if current == "provisioning" and target == "ready":
        elapsed = (datetime.now(UTC) - store.created_at).total_seconds()
        metrics.STORE_PROVISIONING_DURATION.labels(engine=engine).observe(max(elapsed, 0.0))
    elif target == "failed":
        reason = str((detail or {}).get("reason") or UNKNOWN)
        metrics.STORE_PROVISIONING_FAILURES.labels(engine=engine, reason=reason).inc()
