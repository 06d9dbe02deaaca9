"""The platform's Prometheus metrics, defined once (prometheus-client's default registry)."""

from __future__ import annotations

from prometheus_client import Counter

STORE_TRANSITIONS = Counter(
    "store_transitions_total", "Store status transitions", ["from_status", "to_status"]
)
SECURITY_EVENTS = Counter("security_events_total", "Security-relevant events", ["event"])
