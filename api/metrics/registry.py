"""The platform's Prometheus metrics, defined once, on prometheus-client's default registry (which
also carries its process, platform and GC collectors: `process_*`, `python_*`)."""

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
DB_POOL_CONNECTIONS = Gauge(
    "db_pool_connections", "This process's database pool: connections by state", ["state"]
)
DB_POOL_MAX = Gauge("db_pool_max_connections", "This process's database pool: its maximum size")
DB_POOL_WAITING = Gauge("db_pool_requests_waiting", "Requests waiting for a database connection now")
DB_POOL_WAIT_SECONDS = Counter("db_pool_wait_seconds_total", "Time spent waiting for a database connection")
DB_POOL_TIMEOUTS = Counter("db_pool_timeouts_total", "Requests that got no database connection in time")
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
STORE_PROBES = Counter(
    "store_probes_total", "HTTP probes of running stores' pages (STORE_PROBE_INTERVAL_S)", ["result"]
)
SETUP_JOBS = Counter(
    "setup_jobs_total", "Post-install setup Jobs the watcher created or saw finish", ["outcome"]
)

# ---- HTTP (api/core/http_metrics.py) -----------------------------------------------------------------
# `route` is the route template (`/api/v1/stores/{store_id}`), never the raw path: one series per route.
HTTP_REQUESTS = Counter("http_requests_total", "HTTP requests answered", ["method", "route", "status"])
HTTP_REQUEST_DURATION = Histogram(
    "http_request_duration_seconds",
    "Time from a request's arrival to the end of its response",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)

# ---- stores, from the database at scrape time (api/metrics/database_gauges.py) ----------------------
STORES = Gauge("stores_total", "Stores per status", ["status"])
ACTIVE_PROVISIONING = Gauge(
    "active_provisioning_operations", "Stores in a transitional status (requested, provisioning, ...)"
)
OLDEST_TRANSITIONAL_AGE = Gauge(
    "store_oldest_transitional_age_seconds",
    "Time the longest-waiting store has spent in its current transitional status",
)

# ---- store outcomes, at the transition (api/metrics/store_events.py) -------------------------------
STORE_PROVISIONING_DURATION = Histogram(
    "store_provisioning_duration_seconds",
    "From a store's creation to its first ready",
    ["engine"],
    buckets=(5, 10, 30, 60, 120, 180, 300, 450, 600, 900, 1200, 1800, 3600),
)
STORE_PROVISIONING_FAILURES = Counter(
    "store_provisioning_failures_total", "Stores that moved to failed", ["engine", "reason"]
)

# ---- outbound dependencies: bulkheads and circuit breakers -------------------------------------------
OUTBOUND_IN_FLIGHT = Gauge(
    "outbound_in_flight",
    "Calls to a dependency under way in this process (bulkhead slots taken)",
    ["dependency"],
)
OUTBOUND_REJECTED = Counter(
    "outbound_rejected_total",
    "Requests refused with 503 because a dependency's bulkhead was full",
    ["dependency"],
)

# 0 closed, 1 half-open, 2 open; every dependency is listed from the start (GitHub's breaker comes
# with pull-request mode and reads 0 until then).
CIRCUIT_CLOSED, CIRCUIT_HALF_OPEN, CIRCUIT_OPEN = 0, 1, 2
CIRCUIT_DEPENDENCIES = ("git_remote", "github", "kubernetes")
CIRCUIT_BREAKER_STATE = Gauge(
    "circuit_breaker_state", "Circuit breaker state: 0 closed, 1 half-open, 2 open", ["dependency"]
)
for _dependency in CIRCUIT_DEPENDENCIES:
    CIRCUIT_BREAKER_STATE.labels(dependency=_dependency).set(CIRCUIT_CLOSED)

# ---- GitHub (pull-request mode) ---------------------------------------------------------------------
GITHUB_RATE_LIMIT_REMAINING = Gauge("github_rate_limit_remaining", "GitHub API requests left in the window")
GITHUB_RATE_LIMIT = Gauge("github_rate_limit", "GitHub API requests allowed per window")
GITHUB_THROTTLED = Counter(
    "github_throttled_total", "GitHub answers that asked the platform to wait", ["kind"]
)
PULL_REQUESTS = Counter("pull_requests_total", "Pull requests opened and how they ended", ["event"])

# ---- fleet-wide rollouts -----------------------------------------------------------------------
FLEET_DRIFT_STORES = Gauge(
    "fleet_drift_stores", "Stores whose cluster state differs from git, at the last drift check", ["kind"]
)
STORE_AUTO_RETRIES = Counter("store_auto_retries", "Failed stores the platform retried on its own")
ROLLOUTS = Gauge("rollouts", "Rollouts by state", ["state"])
ROLLOUT_WAVE_SECONDS = Histogram(
    "rollout_wave_duration_seconds",
    "From a wave's commit to its gate passing",
    buckets=(10, 30, 60, 120, 300, 600, 1200, 3600, 7200),
)
ROLLOUT_GATE_FAILURES = Counter(
    "rollout_gate_failures_total", "Waves that failed their gate and were reverted"
)

# ---- API request limits (api/ratelimit/) -----------------------------------------------------------
API_RATE_LIMITED = Counter(
    "api_rate_limited_total", "API requests refused by the per-client request limits", ["route_class"]
)
