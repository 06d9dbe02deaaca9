"""Platform settings: one class, read once at start-up and passed down explicitly."""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal

import psycopg
from psycopg.conninfo import conninfo_to_dict
from pydantic import Field, SecretStr, ValidationInfo, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from storefleet.renderer.backup_policy import ttl_problem
from storefleet.renderer.names import is_dns_subdomain

# Values people paste from tutorials; a JWT signed with one of these is forgeable by anyone.
_PLACEHOLDER_SECRETS = frozenset(
    {
        "secret",
        "changeme",
        "change-me",
        "change_me",
        "changethis",
        "jwt-secret",
        "jwt_secret",
        "your-secret",
        "your-secret-key",
        "your_jwt_secret",
        "supersecret",
        "super-secret",
        "password",
        "development",
        "dev",
        "test",
        "replace-me",
    }
)
MIN_JWT_SECRET_LENGTH = 32


class Environment(StrEnum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"
    TEST = "test"


class PasswordHashProfile(StrEnum):
    """argon2 cost profiles; `cheapest` exists so test suites can hash thousands of passwords."""

    RFC_9106_LOW_MEMORY = "rfc9106-low-memory"
    RFC_9106_HIGH_MEMORY = "rfc9106-high-memory"
    CHEAPEST = "cheapest"


class ConfigurationError(Exception):
    """Raised at start-up when the settings cannot run the platform safely."""


def default_state_dir() -> Path:
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "storefleet"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=None, extra="ignore", case_sensitive=False)

    env: Environment = Field(default=Environment.PRODUCTION, alias="STOREFLEET_ENV")
    state_dir: Path = Field(default_factory=default_state_dir, alias="STOREFLEET_STATE_DIR")

    database_url: SecretStr | None = Field(default=None, alias="DATABASE_URL")
    db_pool_min_size: int = Field(default=2, ge=1, alias="DB_POOL_MIN_SIZE")
    db_pool_max_size: int = Field(default=10, ge=1, alias="DB_POOL_MAX_SIZE")
    db_connect_timeout_s: float = Field(default=5.0, gt=0, alias="DB_CONNECT_TIMEOUT_S")
    # PostgreSQL cancels a pooled connection's statement that runs longer (0: never): a runaway query
    # answers 503 and frees its connection instead of holding the pool.
    db_statement_timeout_s: float = Field(default=30.0, ge=0, le=3_600, alias="DB_STATEMENT_TIMEOUT_S")

    jwt_secret: SecretStr | None = Field(default=None, alias="JWT_SECRET")
    jwt_ttl_seconds: int = Field(default=12 * 3600, ge=60, alias="JWT_TTL_SECONDS")
    password_hash_profile: PasswordHashProfile = Field(
        default=PasswordHashProfile.RFC_9106_LOW_MEMORY, alias="PASSWORD_HASH_PROFILE"
    )
    # argon2 hashes at once per process (each holds the profile's memory, 64 MiB by default)
    password_hash_concurrency: int = Field(default=1, ge=1, le=64, alias="PASSWORD_HASH_CONCURRENCY")

    log_level: str = Field(default="INFO", alias="LOG_LEVEL")
    log_format: str = Field(default="json", pattern="^(json|console)$", alias="LOG_FORMAT")
    shutdown_grace_seconds: float = Field(default=0.0, ge=0, alias="SHUTDOWN_GRACE_SECONDS")
    shutdown_drain_seconds: float = Field(default=10.0, gt=0, alias="SHUTDOWN_DRAIN_SECONDS")
    reserved_store_names: Annotated[frozenset[str], NoDecode] = Field(
        default=frozenset(), alias="EXTRA_RESERVED_STORE_NAMES"
    )

    # ---- the fleet repo ------------------------------------------------------------------------
    fleet_repo_url: str | None = Field(default=None, alias="FLEET_REPO_URL")
    fleet_branch: str = Field(default="main", pattern=r"^[A-Za-z0-9._/-]{1,100}$", alias="FLEET_BRANCH")
    # Token for an https remote, handed to git through an askpass helper; never in a URL or a log.
    fleet_repo_token: SecretStr | None = Field(default=None, alias="FLEET_REPO_TOKEN")
    fleet_ssh_key_path: Path | None = Field(default=None, alias="FLEET_SSH_KEY_PATH")
    fleet_author_name: str = Field(default="storefleet", alias="FLEET_AUTHOR_NAME")
    fleet_author_email: str = Field(default="storefleet@localhost", alias="FLEET_AUTHOR_EMAIL")
    fleet_batch_size: int = Field(default=200, ge=1, le=5000, alias="FLEET_BATCH_SIZE")
    fleet_poll_interval_s: float = Field(default=2.0, gt=0, alias="FLEET_POLL_INTERVAL_S")
    fleet_push_retries: int = Field(default=5, ge=0, alias="FLEET_PUSH_RETRIES")
    # The circuit breaker around the writer's git remote: consecutive failures that open it, and how
    # long it stays open before one trial call.
    git_circuit_failures: int = Field(default=5, ge=1, alias="GIT_CIRCUIT_FAILURES")
    git_circuit_reset_s: float = Field(default=30.0, gt=0, alias="GIT_CIRCUIT_RESET_S")
    kube_circuit_failures: int = Field(default=5, ge=1, alias="KUBE_CIRCUIT_FAILURES")
    kube_circuit_reset_s: float = Field(default=30.0, gt=0, alias="KUBE_CIRCUIT_RESET_S")
    # Calls from the API to one dependency (the cluster, the fleet repo) at once, and how many more
    # may wait for a slot; beyond that a request gets 503 OVERLOADED with Retry-After at once.
    outbound_concurrency: int = Field(default=8, ge=1, alias="OUTBOUND_CONCURRENCY")
    outbound_queue: int = Field(default=32, ge=0, alias="OUTBOUND_QUEUE")
    fleet_sync_interval_s: float = Field(default=3.0, gt=0, alias="FLEET_SYNC_INTERVAL_S")
    fleet_webhook_secret: SecretStr | None = Field(default=None, alias="FLEET_WEBHOOK_SECRET")
    # Basic-auth password that allows `git push` to the repo served at /git/fleet.git (unset: read-only).
    fleet_git_http_push_token: SecretStr | None = Field(default=None, alias="FLEET_GIT_HTTP_PUSH_TOKEN")
    gitops_engine: str = Field(default="flux", pattern="^(flux|argocd)$", alias="GITOPS_ENGINE")
    values_profile: str = Field(default="local", pattern="^(local|vps)$", alias="VALUES_PROFILE")
    store_domain: str = Field(default="localhost", alias="STORE_DOMAIN")
    # The IngressClass and StorageClass stores use; unset: the values profile's (`local`: nginx and
    # the cluster's default StorageClass; `vps`: k3s's traefik and local-path).
    store_ingress_class: str | None = Field(default=None, alias="STORE_INGRESS_CLASS")
    store_storage_class: str | None = Field(default=None, alias="STORE_STORAGE_CLASS")
    # Secrets (docker-registry type) every store pod pulls its images with, comma-separated. The
    # platform does not create them: each must exist in every store namespace. Empty: none.
    store_image_pull_secrets: Annotated[tuple[str, ...], NoDecode] = Field(
        default=(), alias="STORE_IMAGE_PULL_SECRETS"
    )
    cluster_name: str = Field(
        default="local", pattern=r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$", alias="CLUSTER_NAME"
    )
    public_url: str | None = Field(default=None, alias="PUBLIC_URL")
    # A web page per fleet commit, `{sha}` replaced (e.g. https://github.com/acme/fleet/commit/{sha}):
    # the dashboard links each history entry there. Unset: no links.
    fleet_commit_url: str | None = Field(default=None, pattern=r"\{sha\}", alias="FLEET_COMMIT_URL")
    # The dashboard's production build, served at `/`. Unset: the packaged one (frontend/dist in a checkout).
    frontend_dist: Path | None = Field(default=None, alias="FRONTEND_DIST")
    # The cluster the watcher reads: a kubeconfig file, or the pod's service account in a cluster.
    kubeconfig: Path | None = Field(default=None, alias="KUBECONFIG")
    kube_context: str | None = Field(default=None, alias="KUBE_CONTEXT")
    kube_in_cluster: bool = Field(default=False, alias="KUBE_IN_CLUSTER")
    # The cluster is the simulated one of `storefleet up --demo-cluster` (which sets it): health reports
    # `simulated` (and `checks.cluster.simulated`), the dashboard's status bar tells everyone that
    # stores there are not real, and every message the watcher writes on a store starts with "simulated: ".
    demo_cluster: bool = Field(default=False, alias="DEMO_CLUSTER")
    provisioning_timeout_s: float = Field(default=600.0, gt=0, alias="PROVISIONING_TIMEOUT_S")
    deletion_timeout_s: float = Field(default=600.0, gt=0, alias="DELETION_TIMEOUT_S")
    # A stage of a store's move to another cluster that lasts longer fails the move (docs/clusters.md).
    move_stage_timeout_s: float = Field(default=1800.0, gt=0, alias="MOVE_STAGE_TIMEOUT_S")
    watch_resync_interval_s: float = Field(default=300.0, gt=0, alias="WATCH_RESYNC_INTERVAL_S")
    watch_tick_s: float = Field(default=5.0, gt=0, alias="WATCH_TICK_S")
    # The optional HTTP probe of running stores (a failing one makes a ready store degraded): a GET of
    # STORE_PROBE_PATH on each store's URL every STORE_PROBE_INTERVAL_S (0: off), degraded after
    # STORE_PROBE_FAILURES failures in a row (5xx or no answer). STORE_PROBE_ADDRESS (host:port)
    # connects there instead, with the store's host as Host and TLS name (e.g. the ingress Service).
    store_probe_interval_s: float = Field(default=0.0, ge=0, le=86_400, alias="STORE_PROBE_INTERVAL_S")
    store_probe_failures: int = Field(default=3, ge=1, le=100, alias="STORE_PROBE_FAILURES")
    store_probe_path: str = Field(
        default="/", pattern=r"^/[^\s?#]*$", max_length=200, alias="STORE_PROBE_PATH"
    )
    store_probe_timeout_s: float = Field(default=5.0, gt=0, le=60, alias="STORE_PROBE_TIMEOUT_S")
    store_probe_address: str | None = Field(
        default=None, pattern=r"^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):[0-9]{1,5}$", alias="STORE_PROBE_ADDRESS"
    )
    store_probe_verify_tls: bool = Field(default=True, alias="STORE_PROBE_VERIFY_TLS")
    # a ready store with a container restarted this often and backing off is degraded (0: off), and
    # stays so until the container has run this long without ending (reconciler-watch/pod_health.py)
    degraded_restarts: int = Field(default=5, ge=0, alias="DEGRADED_RESTARTS")
    degraded_window_s: float = Field(default=600.0, gt=0, alias="DEGRADED_WINDOW_S")
    flux_namespace: str = Field(
        default="flux-system", pattern=r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$", alias="FLUX_NAMESPACE"
    )
    flux_kustomization: str = Field(default="tenants", alias="FLUX_KUSTOMIZATION")
    # Flux controller sharding: each store's HelmRelease labelled `sharding.fluxcd.io/key: shard<k>`,
    # k from a stable hash of the store id, for FLUX_SHARDS sets of controllers (0: no sharding).
    flux_shards: int = Field(default=0, ge=0, le=64, alias="FLUX_SHARDS")
    argocd_namespace: str = Field(
        default="argocd", pattern=r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$", alias="ARGOCD_NAMESPACE"
    )
    # Backups (Velero): each store directory declares a Schedule in VELERO_NAMESPACE writing to the
    # BackupStorageLocation VELERO_STORAGE_LOCATION; restores become commits (docs/backups.md).
    backups_enabled: bool = Field(default=False, alias="BACKUPS_ENABLED")
    velero_namespace: str = Field(
        default="velero", pattern=r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$", max_length=63, alias="VELERO_NAMESPACE"
    )
    velero_storage_location: str = Field(
        default="default",
        pattern=r"^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$",
        max_length=253,
        alias="VELERO_STORAGE_LOCATION",
    )
    # How long a deleted store's final backup is kept (`DELETE /stores/{id}?keep_backup`): a Velero
    # duration between 1h and 43920h, replacing the store's own retention on that one Backup.
    deleted_store_backup_ttl: str = Field(default="720h0m0s", alias="DELETED_STORE_BACKUP_TTL")
    # How a new store's cluster is chosen among those that qualify (docs/clusters.md): the least
    # loaded one, or the one with the fewest stores of the same tenant (`spread`).
    placement_policy: Literal["least_loaded", "spread"] = Field(
        default="least_loaded", alias="PLACEMENT_POLICY"
    )
    run_watcher: bool = Field(default=False, alias="RUN_WATCHER")
    # One active cluster watcher per cluster and one git-side sync per fleet repo across replicas
    # (api/db/leadership.py): a standby tries for the lead every LEADER_POLL_S; a leader checks its
    # session every LEADER_CHECK_S and stands down when it broke.
    leader_poll_s: float = Field(default=2.0, gt=0, le=60, alias="LEADER_POLL_S")
    leader_check_s: float = Field(default=2.0, gt=0, le=60, alias="LEADER_CHECK_S")
    # How often the watcher reads the registered clusters again (a new one gets its watcher).
    watch_clusters_interval_s: float = Field(default=30.0, gt=0, le=3600, alias="WATCH_CLUSTERS_INTERVAL_S")
    run_fleet_writer: bool = Field(default=False, alias="RUN_FLEET_WRITER")
    run_git_sync: bool = Field(default=False, alias="RUN_GIT_SYNC")
    # The rollout controller (gates waves, queues the next or the revert). Safe in several replicas:
    # each pass over a rollout locks its row.
    run_rollouts: bool = Field(default=True, alias="RUN_ROLLOUTS")
    rollout_tick_s: float = Field(default=2.0, gt=0, le=60, alias="ROLLOUT_TICK_S")
    # Failed stores are retried by the platform, with exponential backoff (base * 2^n, capped), up to
    # AUTO_RETRY_MAX times since the store was last ready or a person retried it; 0 turns it off.
    auto_retry_max: int = Field(default=3, ge=0, le=20, alias="AUTO_RETRY_MAX")
    auto_retry_base_s: float = Field(default=60.0, gt=0, le=86_400, alias="AUTO_RETRY_BASE_S")
    auto_retry_cap_s: float = Field(default=3_600.0, gt=0, le=604_800, alias="AUTO_RETRY_CAP_S")
    auto_retry_tick_s: float = Field(default=10.0, gt=0, le=600, alias="AUTO_RETRY_TICK_S")
    # A `draining` cluster's stores are moved off by the platform, this many at a time per cluster
    # (api/stores/drain.py); 0: never (an admin moves each store). A refused store waits DRAIN_RETRY_S.
    drain_concurrency: int = Field(default=2, ge=0, le=50, alias="DRAIN_CONCURRENCY")
    drain_tick_s: float = Field(default=15.0, gt=0, le=600, alias="DRAIN_TICK_S")
    drain_retry_s: float = Field(default=600.0, ge=0, le=86_400, alias="DRAIN_RETRY_S")

    # The price table of usage estimates (GET /usage): what a reserved CPU core and GiB of memory cost
    # an hour, and a GiB of volume a month. Defaults: typical on-demand cloud list prices.
    price_cpu_core_hour: float = Field(default=0.0316, ge=0, alias="PRICE_CPU_CORE_HOUR")
    price_memory_gib_hour: float = Field(default=0.0042, ge=0, alias="PRICE_MEMORY_GIB_HOUR")
    price_storage_gib_month: float = Field(default=0.10, ge=0, alias="PRICE_STORAGE_GIB_MONTH")
    price_currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$", alias="PRICE_CURRENCY")
    # An OpenCost API (e.g. http://opencost.opencost:9003): its allocation of the last 30 days by
    # namespace replaces the plan-based cost estimate of the stores it covers.
    opencost_url: str | None = Field(default=None, pattern=r"^https?://[^\s]+$", alias="OPENCOST_URL")

    # Pull-request mode (docs/pull-request-mode.md): each change is proposed as a GitHub pull request
    # against FLEET_BRANCH instead of pushed; FLEET_REPO_URL stays the URL the platform reads from.
    write_mode: Literal["push", "pull-request"] = Field(default="push", alias="WRITE_MODE")
    github_api_url: str = Field(default="https://api.github.com", alias="GITHUB_API_URL")
    github_repository: str | None = Field(
        default=None, pattern=r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", alias="GITHUB_REPOSITORY"
    )
    github_token: SecretStr | None = Field(default=None, alias="GITHUB_TOKEN")
    github_app_id: str | None = Field(default=None, alias="GITHUB_APP_ID")
    github_app_installation_id: int | None = Field(default=None, alias="GITHUB_APP_INSTALLATION_ID")
    github_app_private_key_path: Path | None = Field(default=None, alias="GITHUB_APP_PRIVATE_KEY_PATH")
    github_webhook_secret: SecretStr | None = Field(default=None, alias="GITHUB_WEBHOOK_SECRET")
    # GitHub's advice for integrations, PyGithub's defaults: a pause between requests, a longer one
    # between writes (60 writes a minute stays under the 80 content-creating requests allowed). 0: none.
    github_seconds_between_requests: float = Field(
        default=0.25, ge=0, alias="GITHUB_SECONDS_BETWEEN_REQUESTS"
    )
    github_seconds_between_writes: float = Field(default=1.0, ge=0, alias="GITHUB_SECONDS_BETWEEN_WRITES")
    github_circuit_failures: int = Field(default=5, ge=1, alias="GITHUB_CIRCUIT_FAILURES")
    github_circuit_reset_s: float = Field(default=60.0, gt=0, alias="GITHUB_CIRCUIT_RESET_S")
    # Changes merged without review, still through a pull request: `action:who` rules, `who` being
    # `admin`, `any` or a tenant id, e.g. "delete:admin,update:u-abcdefgh23".
    pr_auto_merge: str = Field(default="", alias="PR_AUTO_MERGE")
    pr_merge_method: Literal["merge", "squash", "rebase"] = Field(default="merge", alias="PR_MERGE_METHOD")
    # The backup to webhooks: open pull requests are re-read this often, at most PR_POLL_BATCH a time.
    pr_poll_interval_s: float = Field(default=60.0, gt=0, alias="PR_POLL_INTERVAL_S")
    pr_poll_batch: int = Field(default=50, ge=1, le=1000, alias="PR_POLL_BATCH")

    # Guardrails, shared by every replica through PostgreSQL. 0 disables a limit.
    max_stores_per_user: int = Field(default=5, ge=0, alias="MAX_STORES_PER_USER")
    max_stores_total: int = Field(default=1000, ge=0, alias="MAX_STORES_TOTAL")
    store_creation_cooldown_s: float = Field(default=30.0, ge=0, alias="STORE_CREATION_COOLDOWN_S")
    login_rate_limit: int = Field(default=10, ge=0, alias="LOGIN_RATE_LIMIT")  # per IP+email per 15 min
    login_lockout_threshold: int = Field(default=5, ge=0, alias="LOGIN_LOCKOUT_THRESHOLD")
    login_lockout_s: float = Field(default=900.0, gt=0, alias="LOGIN_LOCKOUT_S")
    registration_rate_limit: int = Field(default=5, ge=0, alias="REGISTRATION_RATE_LIMIT")  # per IP per hour
    # API request limits per client (the signed-in user, else the client IP) and route class, per
    # window; 0 turns a class off (docs/operations.md, "API request limits").
    api_rate_limit_reads: int = Field(default=600, ge=0, alias="API_RATE_LIMIT_READS")
    api_rate_limit_writes: int = Field(default=120, ge=0, alias="API_RATE_LIMIT_WRITES")
    api_rate_limit_window_s: int = Field(default=60, ge=1, le=86_400, alias="API_RATE_LIMIT_WINDOW_S")
    api_rate_limit_store_creations: int = Field(default=30, ge=0, alias="API_RATE_LIMIT_STORE_CREATIONS")
    api_rate_limit_store_creations_window_s: int = Field(
        default=3600, ge=1, le=86_400, alias="API_RATE_LIMIT_STORE_CREATIONS_WINDOW_S"
    )
    trusted_proxies: Annotated[tuple[str, ...], NoDecode] = Field(default=(), alias="TRUSTED_PROXIES")
    max_body_bytes: int = Field(default=256 * 1024, ge=1024, alias="MAX_BODY_BYTES")
    request_timeout_s: float = Field(default=30.0, gt=0, alias="REQUEST_TIMEOUT_S")
    cors_origins: Annotated[tuple[str, ...], NoDecode] = Field(default=(), alias="CORS_ORIGINS")
    # Cookies/HTTP auth on cross-origin requests. The API takes bearer tokens, which need no
    # credentials mode, so it stays off unless a browser client really needs it.
    cors_allow_credentials: bool = Field(default=False, alias="CORS_ALLOW_CREDENTIALS")

    @field_validator("reserved_store_names", mode="before")
    @classmethod
    def _split_names(cls, value: object) -> object:
        if isinstance(value, str):
            return frozenset(part.strip().lower() for part in value.split(",") if part.strip())
        return value

    @field_validator("trusted_proxies", "cors_origins", mode="before")
    @classmethod
    def _split_list(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("store_ingress_class", "store_storage_class")
    @classmethod
    def _class_name(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None and not is_dns_subdomain(value):
            alias = (
                "STORE_INGRESS_CLASS" if info.field_name == "store_ingress_class" else "STORE_STORAGE_CLASS"
            )
            raise ValueError(f"{alias}: {value!r} is not a class name (a DNS-1123 subdomain)")
        return value

    @field_validator("deleted_store_backup_ttl")
    @classmethod
    def _backup_ttl(cls, value: str) -> str:
        problem = ttl_problem(value)
        if problem is not None:
            raise ValueError(f"DELETED_STORE_BACKUP_TTL: {problem}")
        return value

    @field_validator("store_image_pull_secrets", mode="before")
    @classmethod
    def _split_secret_names(cls, value: object) -> object:
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        if not isinstance(value, list | tuple):
            return value
        bad = [name for name in value if not (isinstance(name, str) and is_dns_subdomain(name))]
        if bad:
            raise ValueError(
                f"STORE_IMAGE_PULL_SECRETS: {', '.join(repr(name) for name in bad)}"
                f" {'is not a Secret name' if len(bad) == 1 else 'are not Secret names'} (a DNS-1123"
                " subdomain: lower-case letters, digits, '-' and '.', at most 253 characters)"
            )
        return tuple(dict.fromkeys(value))  # each Secret once, in the order given

    @model_validator(mode="after")
    def _pool_bounds(self) -> Settings:
        if self.db_pool_min_size > self.db_pool_max_size:
            raise ValueError("DB_POOL_MIN_SIZE must not exceed DB_POOL_MAX_SIZE")
        return self

    @property
    def cluster_configured(self) -> bool:
        return self.kubeconfig is not None or self.kube_in_cluster

    @property
    def is_development(self) -> bool:
        return self.env is Environment.DEVELOPMENT

    def check_database_url(self) -> None:
        """Fail start-up unless DATABASE_URL is set and reads as a libpq URL or key=value conninfo.
        The message never repeats the value: it may hold a password."""
        if self.database_url is None:
            raise ConfigurationError(
                "DATABASE_URL is not set (or run `storefleet up` for an embedded database)."
            )
        value = self.database_url.get_secret_value().strip()
        scheme, has_scheme, _ = value.partition("://")
        if has_scheme and scheme not in ("postgresql", "postgres"):
            raise ConfigurationError(
                f"DATABASE_URL must be a PostgreSQL URL (postgresql://...), not a {scheme[:20]}:// URL."
            )
        try:
            parsed = conninfo_to_dict(value)
        except psycopg.Error:
            parsed = {}
        if not parsed:
            raise ConfigurationError(
                "DATABASE_URL is neither a postgresql:// URL nor a libpq conninfo string"
                " (host=... dbname=... user=...)."
            )

    def check_cors(self) -> None:
        """`*` with credentials would let any web site act with a visitor's credentials."""
        if "*" in self.cors_origins and self.cors_allow_credentials:
            raise ConfigurationError(
                "CORS_ORIGINS='*' cannot be combined with CORS_ALLOW_CREDENTIALS=true: any web site "
                "could then make credentialed requests. List the allowed origins instead."
            )

    def check_write_mode(self) -> None:
        """Pull-request mode needs a GitHub repository, credentials, and the repo's git URL to read."""
        if self.write_mode != "pull-request":
            return
        required = {"GITHUB_REPOSITORY": self.github_repository, "FLEET_REPO_URL": self.fleet_repo_url}
        missing = [name for name, value in required.items() if not value]
        app = self.github_app_id and self.github_app_installation_id and self.github_app_private_key_path
        if self.github_token is None and not app:
            missing.append(
                "GITHUB_TOKEN (or GITHUB_APP_ID + GITHUB_APP_INSTALLATION_ID + GITHUB_APP_PRIVATE_KEY_PATH)"
            )
        if missing:
            raise ConfigurationError(f"WRITE_MODE=pull-request needs {', '.join(missing)}.")

    def check_jwt_secret(self) -> None:
        """Fail start-up unless the JWT secret is real (development may run without one)."""
        if self.jwt_secret is None:
            if self.is_development:
                return
            raise ConfigurationError(
                "JWT_SECRET is not set. Set it to a random value of at least "
                f"{MIN_JWT_SECRET_LENGTH} characters (e.g. `openssl rand -hex 32`), "
                "or run with STOREFLEET_ENV=development."
            )
        secret = self.jwt_secret.get_secret_value()
        if secret.strip().lower() in _PLACEHOLDER_SECRETS or len(secret) < MIN_JWT_SECRET_LENGTH:
            if self.is_development:
                return
            raise ConfigurationError(
                "JWT_SECRET looks like a placeholder or is shorter than "
                f"{MIN_JWT_SECRET_LENGTH} characters; generate one with `openssl rand -hex 32`."
            )
