"""The platform's Prometheus metrics, defined once (prometheus-client's default registry)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

STORE_TRANSITIONS = Counter(
    "store_transitions_total", "Store status transitions", ["from_status", "to_status"]
)
SECURITY_EVENTS = Counter("security_events_total", "Security-relevant events", ["event"])

FLEET_COMMITS = Counter("fleet_commits_total", "Commits the fleet writer pushed", ["action"])
FLEET_PUSH_SECONDS = Histogram(
    "fleet_push_seconds",
    "Duration of one push of a batch to the fleet remote",
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
FLEET_PUSH_CONFLICTS = Counter("fleet_push_conflicts_total", "Pushes rejected because the branch moved")
FLEET_BATCH_CHANGES = Histogram(
    "fleet_batch_changes", "Changes per writer batch", buckets=(1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)
)
OUTBOX_DEPTH = Gauge("outbox_depth", "Outbox changes not yet in git")
OUTBOX_OLDEST_AGE = Gauge("outbox_oldest_age_seconds", "Age of the oldest outbox change not yet in git")
FLEET_SYNC_COMMITS = Counter("fleet_sync_commits_total", "Commits walked by the git-side sync", ["origin"])
FLEET_SYNC_ERRORS = Counter("fleet_sync_errors_total", "Git-side sync problems", ["kind"])

RECONCILE_LAG = Histogram(
    "reconcile_lag_seconds",
    "From a store's commit to the watcher seeing it ready",
    buckets=(0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800),
)
WATCHER_EVENTS = Counter(
    "watcher_events_total", "Cluster watch events the watcher handled", ["resource", "type"]
)
WATCHER_RELISTS = Counter(
    "watcher_relists_total", "Full relists of a watched kind (start, resync, 410 Gone)", ["resource"]
)
SETUP_JOBS = Counter(
    "setup_jobs_total", "Post-install setup Jobs the watcher created or saw finish", ["outcome"]
)
