"""The composition root: builds the app and its services from the settings.

With `workers.py` (the same for the processes without HTTP), the only API module that knows the
cluster watcher: it hands the watcher's cluster client and the watcher itself to the slices, which
see them through their own interfaces (`stores.cluster_port`, `fleet.watcher_port`). Nothing here
connects at import time: clients open in the lifespan.
"""

from __future__ import annotations

import gc
import logging
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial

from anyio import to_thread
from fastapi import APIRouter, Depends, FastAPI
from psycopg_pool import AsyncConnectionPool

from storefleet import __version__
from storefleet.api.audit.endpoints import router as audit_router
from storefleet.api.auth.credentials import Passwords, Tokens
from storefleet.api.auth.endpoints import router as auth_router
from storefleet.api.auth.endpoints import users_router
from storefleet.api.auth.guardrails import AuthLimits
from storefleet.api.backups.deletion_endpoints import router as store_deletion_router
from storefleet.api.backups.endpoints import router as backups_router
from storefleet.api.clusters.endpoints import router as clusters_router
from storefleet.api.clusters.placement import PlacementPolicy
from storefleet.api.clusters.service import ensure_settings_cluster
from storefleet.api.core.bulkhead import Bulkhead
from storefleet.api.core.circuit import KUBERNETES, RemoteCircuit
from storefleet.api.core.client_ip import parse_trusted_proxies
from storefleet.api.core.errors import install_error_handlers
from storefleet.api.core.http_guards import install_inner_guards, install_outer_guards
from storefleet.api.core.http_metrics import HttpMetricsMiddleware
from storefleet.api.core.middleware import RequestContextMiddleware
from storefleet.api.core.services import AppServices, Lifecycle, app_services
from storefleet.api.core.spa import install_spa
from storefleet.api.db.migrate import apply_migrations
from storefleet.api.db.pool import Connection, open_pool
from storefleet.api.fleet.context import (
    fleet_configured,
    fleet_context,
    local_fleet_repo_path,
    serves_local_repo,
)
from storefleet.api.fleet.endpoints import router as fleet_router
from storefleet.api.fleet.endpoints import webhook_router as git_webhook_router
from storefleet.api.fleet.git_http import build_router as build_git_router
from storefleet.api.fleet.pulls.endpoints import router as github_router
from storefleet.api.fleet.runtime import FleetRuntime
from storefleet.api.health.checks import (
    CheckResult,
    HealthCheck,
    database_check,
    simulated,
    watcher_lag_check,
)
from storefleet.api.health.endpoints import router as health_router
from storefleet.api.health.metrics_endpoints import router as metrics_router
from storefleet.api.outbox.doorbell import OutboxDoorbell
from storefleet.api.ratelimit.dependencies import enforce_api_limits
from storefleet.api.ratelimit.headers import RATE_LIMITED_RESPONSES, RateLimitHeadersMiddleware
from storefleet.api.ratelimit.limiter import ApiLimiter, limits_from_settings
from storefleet.api.rollouts.controller import RolloutController
from storefleet.api.rollouts.endpoints import router as rollouts_router
from storefleet.api.rollouts.endpoints import store_router as store_rollouts_router
from storefleet.api.settings import ConfigurationError, Settings
from storefleet.api.stats.endpoints import router as stats_router
from storefleet.api.stores.auto_retry import AutoRetry, RetryPolicy
from storefleet.api.stores.cluster_clients import ClusterClients
from storefleet.api.stores.cluster_port import StoreCluster
from storefleet.api.stores.cluster_service import not_a_cluster_failure
from storefleet.api.stores.drain import Drainer, DrainPolicy
from storefleet.api.stores.drift_endpoints import router as drift_router
from storefleet.api.stores.endpoints import router as stores_router
from storefleet.api.stores.template_endpoints import router as templates_router
from storefleet.api.usage.endpoints import router as usage_router

log = logging.getLogger(__name__)

_ROUTERS = (
    health_router,
    auth_router,
    users_router,
    stores_router,
    templates_router,
    audit_router,
    metrics_router,
    fleet_router,
    git_webhook_router,
    github_router,
    rollouts_router,
    store_rollouts_router,
    usage_router,
    stats_router,
    drift_router,
    backups_router,
    store_deletion_router,
    clusters_router,
)
# Never under the API request limits: probes, scrapes and signed webhooks (api/ratelimit/policy.py).
_UNLIMITED_ROUTERS = (health_router, metrics_router, git_webhook_router, github_router)


def create_app(settings: Settings, *, lifecycle: Lifecycle | None = None, migrate: bool = True) -> FastAPI:
    conninfo = _conninfo(settings)
    services = _build_services(settings, lifecycle or Lifecycle())
    app = FastAPI(
        title="storefleet",
        version=__version__,
        description="Multi-tenant e-commerce store provisioning through a GitOps fleet repo.",
        lifespan=partial(_lifespan, services=services, conninfo=conninfo, migrate=migrate),
        openapi_url="/api/v1/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
    )
    app.state.services = services
    _install_middleware(app, settings)
    _include_routers(app, settings)
    return app


def _conninfo(settings: Settings) -> str:
    if settings.database_url is None:
        raise ConfigurationError("DATABASE_URL is not set (or run `storefleet up` for an embedded database).")
    settings.check_database_url()
    settings.check_write_mode()
    return settings.database_url.get_secret_value()


def _build_services(settings: Settings, lifecycle: Lifecycle) -> AppServices:
    """Everything known before the lifespan; the lifespan adds the pool, the fleet and the checks."""
    return AppServices(
        settings=settings,
        tokens=Tokens(_jwt_secret(settings), settings.jwt_ttl_seconds),
        passwords=Passwords(settings.password_hash_profile, settings.password_hash_concurrency),
        auth_limits=AuthLimits.from_settings(settings),
        api_limiter=_api_limiter(settings),
        lifecycle=lifecycle,
        # Only the kubeconfig is read here, so a bad one stops start-up with a clear error; nothing
        # connects.
        cluster=_cluster_client(settings) if settings.cluster_configured else None,
        cluster_clients=_cluster_clients(settings) if settings.cluster_configured else None,
        kube_circuit=RemoteCircuit(
            settings.kube_circuit_failures, settings.kube_circuit_reset_s, KUBERNETES, not_a_cluster_failure
        ),
        kube_bulkhead=Bulkhead(KUBERNETES, settings.outbound_concurrency, settings.outbound_queue),
        fleet_bulkhead=Bulkhead("fleet_repo", settings.outbound_concurrency, settings.outbound_queue),
    )


def _api_limiter(settings: Settings) -> ApiLimiter | None:
    limits = limits_from_settings(settings)
    return ApiLimiter(limits) if limits.any_on else None


def _jwt_secret(settings: Settings) -> str:
    settings.check_jwt_secret()
    if settings.jwt_secret is not None:
        return settings.jwt_secret.get_secret_value()
    log.warning("JWT_SECRET is not set: using a random secret; tokens will not survive a restart")
    return secrets.token_urlsafe(48)


def _cluster_client(settings: Settings) -> StoreCluster:
    # Imported here: the kubernetes client is ~14 MB of memory that a platform without a cluster
    # never needs. The declared return type is where mypy checks that the watcher's `Cluster` is
    # what the stores slice asks for.
    from storefleet.reconciler_watch.factory import cluster_from_settings

    return cluster_from_settings(settings)


def _cluster_clients(settings: Settings) -> ClusterClients:
    """The registered clusters' clients, built on first use (see `_cluster_client` for the import)."""
    from storefleet.reconciler_watch.factory import cluster_client

    def circuit() -> RemoteCircuit:
        return RemoteCircuit(
            settings.kube_circuit_failures, settings.kube_circuit_reset_s, KUBERNETES, not_a_cluster_failure
        )

    return ClusterClients(lambda reach: cluster_client(settings, reach), circuit)


def _install_middleware(app: FastAPI, settings: Settings) -> None:
    install_error_handlers(app)
    install_inner_guards(app, settings)  # body limit, timeout: inside, so their errors carry the request id
    if app_services(app).api_limiter is not None:
        app.add_middleware(RateLimitHeadersMiddleware)  # the API limits' headers, errors' included
    app.add_middleware(
        RequestContextMiddleware, trusted_proxies=parse_trusted_proxies(settings.trusted_proxies)
    )
    install_outer_guards(app, settings)  # CORS, security headers: around everything, 500s included
    # Outermost (added last): it counts every answer, the last-resort 500s included.
    app.add_middleware(HttpMetricsMiddleware)


def _include_routers(app: FastAPI, settings: Settings) -> None:
    limited = app_services(app).api_limiter is not None
    for router in _ROUTERS:
        if router in _UNLIMITED_ROUTERS:
            app.include_router(router)
        else:
            _include_limited(app, router, counted=limited)
    install_spa(app, settings.frontend_dist)
    if serves_local_repo(settings):
        push_token = settings.fleet_git_http_push_token
        app.include_router(
            build_git_router(
                local_fleet_repo_path(settings).parent, push_token.get_secret_value() if push_token else None
            )
        )


def _include_limited(app: FastAPI, router: APIRouter, *, counted: bool) -> None:
    """A router under the API request limits; the dependency only when a limit is on (otherwise a
    route that needs no database would still take a connection for nothing)."""
    app.include_router(
        router,
        dependencies=[Depends(enforce_api_limits)] if counted else None,
        responses=dict(RATE_LIMITED_RESPONSES),
    )


@asynccontextmanager
async def _lifespan(
    _app: FastAPI, *, services: AppServices, conninfo: str, migrate: bool
) -> AsyncIterator[None]:
    """Migrate, open the pool and start the fleet runtime before the first request; stop them after
    the last."""
    if migrate:
        await to_thread.run_sync(apply_migrations, conninfo)
    doorbell = OutboxDoorbell()
    pool = await open_pool(services.settings, conninfo, on_return=doorbell.connection_returned)
    doorbell.attach(pool)
    services.pool, services.outbox_doorbell = pool, doorbell
    await _ensure_settings_cluster(pool, services.settings)
    services.health_checks = _health_checks(services, pool)
    fleet = _start_fleet(services, pool, conninfo)
    if services.settings.demo_cluster:  # `up --demo-cluster`: the cluster check says it is simulated
        cluster = services.health_checks.get("cluster", _cluster_not_configured)
        services.health_checks["cluster"] = simulated(cluster)
    # Everything allocated so far lives as long as the process: keep it out of the garbage
    # collector's full passes, which otherwise walk it and show up as latency spikes.
    gc.freeze()
    try:
        yield
    finally:
        await doorbell.aclose()
        if fleet is not None:
            await fleet.stop()
        await pool.close()


async def _ensure_settings_cluster(pool: AsyncConnectionPool[Connection], settings: Settings) -> None:
    """The cluster the settings name has its row before the first request (not lazily on a read:
    every replica checks once, at start, under one lock, and a read never writes)."""
    async with pool.connection() as conn:
        await ensure_settings_cluster(conn, settings)


def _health_checks(services: AppServices, pool: AsyncConnectionPool[Connection]) -> dict[str, HealthCheck]:
    """The checks known before the fleet starts; `_start_fleet` adds its own."""
    settings = services.settings
    checks: dict[str, HealthCheck] = {"database": database_check(pool), "watcher": _cluster_not_configured}
    if settings.cluster_configured:
        checks["watcher"] = watcher_lag_check(pool, settings.provisioning_timeout_s)
    if services.cluster is None:
        checks["cluster"] = _cluster_not_configured
    return checks


def _start_fleet(
    services: AppServices, pool: AsyncConnectionPool[Connection], conninfo: str
) -> FleetRuntime | None:
    settings = services.settings
    services.fleet = services.fleet_reader = None
    if not fleet_configured(settings):
        services.health_checks["fleet"] = _not_configured
        return None
    public_url = settings.public_url or "http://127.0.0.1:8000"
    fleet = FleetRuntime.create(
        fleet_context(settings, public_url),
        pool,
        conninfo,
        writer=settings.run_fleet_writer,
        sync=settings.run_git_sync,
        settings=settings,
    )
    services.fleet, services.fleet_reader = fleet, fleet.reader
    services.health_checks["fleet"] = fleet.health
    if settings.cluster_configured and settings.run_watcher:
        from storefleet.reconciler_watch.factory import (
            build_cluster_watchers,  # the kubernetes client: only now
        )

        fleet.watch_clusters(build_cluster_watchers(settings, pool, conninfo, fleet.reader))
        services.health_checks["cluster"] = fleet.cluster_health
    if settings.run_rollouts:
        controller = RolloutController(
            pool,
            fleet.context.profile,
            default_timeout_s=settings.provisioning_timeout_s,
            tick_s=settings.rollout_tick_s,
        )
        fleet.loops.append(("rollout controller", controller.run))
    if settings.auto_retry_max > 0:
        policy = RetryPolicy(settings.auto_retry_max, settings.auto_retry_base_s, settings.auto_retry_cap_s)
        fleet.loops.append(("auto retry", AutoRetry(pool, policy, settings.auto_retry_tick_s).run))
    if settings.drain_concurrency > 0:
        drain = DrainPolicy(
            settings.drain_concurrency, settings.drain_retry_s, PlacementPolicy(settings.placement_policy)
        )
        drainer = Drainer(pool, services, fleet.context.profile, drain, settings.drain_tick_s)
        fleet.loops.append(("cluster drain", drainer.run))
    fleet.start()
    return fleet


async def _cluster_not_configured() -> CheckResult:
    return CheckResult(
        "not_configured",
        {"message": "cluster: not configured (set KUBECONFIG); stores wait in provisioning"},
    )


async def _not_configured() -> CheckResult:
    return CheckResult(
        "not_configured", {"message": "no fleet repo: set FLEET_REPO_URL or run `storefleet up`"}
    )
