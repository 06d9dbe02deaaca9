"""The application factory. Nothing here connects at import time: clients open in the lifespan."""

from __future__ import annotations

import gc
import logging
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from anyio import to_thread
from fastapi import FastAPI

from storefleet import __version__
from storefleet.api.audit.endpoints import router as audit_router
from storefleet.api.auth.credentials import Passwords, Tokens
from storefleet.api.auth.endpoints import router as auth_router
from storefleet.api.auth.endpoints import users_router
from storefleet.api.core.bulkhead import Bulkhead
from storefleet.api.core.circuit import KUBERNETES, RemoteCircuit
from storefleet.api.core.client_ip import parse_trusted_proxies
from storefleet.api.core.errors import install_error_handlers
from storefleet.api.core.http_guards import install_inner_guards, install_outer_guards
from storefleet.api.core.http_metrics import HttpMetricsMiddleware
from storefleet.api.core.middleware import RequestContextMiddleware
from storefleet.api.core.spa import install_spa
from storefleet.api.db.migrate import apply_migrations
from storefleet.api.db.pool import open_pool
from storefleet.api.fleet.context import (
    fleet_configured,
    fleet_context,
    local_fleet_repo_path,
    serves_local_repo,
)
from storefleet.api.fleet.endpoints import router as fleet_router
from storefleet.api.fleet.git_http import build_router as build_git_router
from storefleet.api.fleet.runtime import FleetRuntime
from storefleet.api.health.checks import CheckResult, database_check, watcher_lag_check
from storefleet.api.health.endpoints import router as health_router
from storefleet.api.metrics.endpoints import router as metrics_router
from storefleet.api.outbox.doorbell import OutboxDoorbell
from storefleet.api.pulls.endpoints import router as github_router
from storefleet.api.settings import ConfigurationError, Settings
from storefleet.api.stores.cluster_service import not_a_cluster_failure
from storefleet.api.stores.endpoints import router as stores_router

if TYPE_CHECKING:
    from storefleet.reconciler_watch.cluster import Cluster

log = logging.getLogger(__name__)


@dataclass
class Lifecycle:
    """Shared with the server runner: set when a shutdown signal arrives, so readiness turns 503
    while in-flight requests drain."""

    shutting_down: bool = False


def _jwt_secret(settings: Settings) -> str:
    settings.check_jwt_secret()
    if settings.jwt_secret is not None:
        return settings.jwt_secret.get_secret_value()
    log.warning("JWT_SECRET is not set: using a random secret; tokens will not survive a restart")
    return secrets.token_urlsafe(48)


def create_app(settings: Settings, *, lifecycle: Lifecycle | None = None, migrate: bool = True) -> FastAPI:
    if settings.database_url is None:
        raise ConfigurationError("DATABASE_URL is not set (or run `storefleet up` for an embedded database).")
    settings.check_database_url()
    settings.check_write_mode()
    conninfo = settings.database_url.get_secret_value()
    tokens = Tokens(_jwt_secret(settings), settings.jwt_ttl_seconds)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if migrate:
            await to_thread.run_sync(apply_migrations, conninfo)
        doorbell = OutboxDoorbell()
        pool = await open_pool(settings, conninfo, on_return=doorbell.connection_returned)
        doorbell.attach(pool)
        app.state.pool, app.state.outbox_doorbell = pool, doorbell
        app.state.health_checks = {"database": database_check(pool), "watcher": _cluster_not_configured}
        if settings.cluster_configured:
            app.state.health_checks["watcher"] = watcher_lag_check(pool, settings.provisioning_timeout_s)
        _cluster_health(app)
        fleet = _start_fleet(app, settings, pool, conninfo)
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

    app = FastAPI(
        title="storefleet",
        version=__version__,
        description="Multi-tenant e-commerce store provisioning through a GitOps fleet repo.",
        lifespan=lifespan,
        openapi_url="/api/v1/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
    )
    app.state.settings = settings
    # The cluster the API reads for credentials and resources (the watcher may run elsewhere). Only
    # the kubeconfig is read here, so a bad one stops start-up with a clear error; nothing connects.
    app.state.cluster = _cluster_client(settings) if settings.cluster_configured else None
    app.state.kube_circuit = RemoteCircuit(
        settings.kube_circuit_failures, settings.kube_circuit_reset_s, KUBERNETES, not_a_cluster_failure
    )
    app.state.kube_bulkhead = Bulkhead(KUBERNETES, settings.outbound_concurrency, settings.outbound_queue)
    app.state.fleet_bulkhead = Bulkhead("fleet_repo", settings.outbound_concurrency, settings.outbound_queue)
    app.state.tokens = tokens
    app.state.passwords = Passwords(settings.password_hash_profile, settings.password_hash_concurrency)
    app.state.lifecycle = lifecycle or Lifecycle()
    app.state.health_checks = {}  # filled in the lifespan: name -> HealthCheck
    install_error_handlers(app)
    install_inner_guards(app, settings)  # body limit, timeout: inside, so their errors carry the request id
    app.add_middleware(
        RequestContextMiddleware, trusted_proxies=parse_trusted_proxies(settings.trusted_proxies)
    )
    install_outer_guards(app, settings)  # CORS, security headers: around everything, 500s included
    # Outermost (added last): it counts every answer, the last-resort 500s included.
    app.add_middleware(HttpMetricsMiddleware)
    for router in (
        health_router,
        auth_router,
        users_router,
        stores_router,
        audit_router,
        metrics_router,
        fleet_router,
        github_router,
    ):
        app.include_router(router)
    install_spa(app, settings.frontend_dist)
    if serves_local_repo(settings):
        push_token = settings.fleet_git_http_push_token
        app.include_router(
            build_git_router(
                local_fleet_repo_path(settings).parent, push_token.get_secret_value() if push_token else None
            )
        )
    return app


def _start_fleet(app: FastAPI, settings: Settings, pool: Any, conninfo: str) -> FleetRuntime | None:
    app.state.fleet = app.state.fleet_reader = None
    if not fleet_configured(settings):
        app.state.health_checks["fleet"] = _not_configured
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
    app.state.fleet, app.state.fleet_reader = fleet, fleet.reader
    app.state.health_checks["fleet"] = fleet.health
    if settings.cluster_configured and settings.run_watcher:
        from storefleet.reconciler_watch.factory import build_watcher  # the kubernetes client: only now

        fleet.watcher = build_watcher(settings, pool, conninfo, fleet.reader)
        app.state.health_checks["cluster"] = fleet.cluster_health
    fleet.start()
    return fleet


def _cluster_client(settings: Settings) -> Cluster:
    # Imported here: the kubernetes client is ~14 MB of memory that a platform without a cluster
    # never needs.
    from storefleet.reconciler_watch.factory import cluster_from_settings

    return cluster_from_settings(settings)


def _cluster_health(app: FastAPI) -> None:
    if app.state.cluster is None:
        app.state.health_checks["cluster"] = _cluster_not_configured


async def _cluster_not_configured() -> CheckResult:
    return CheckResult(
        "not_configured",
        {"message": "cluster: not configured (set KUBECONFIG); stores wait in provisioning"},
    )


async def _not_configured() -> CheckResult:
    return CheckResult(
        "not_configured", {"message": "no fleet repo: set FLEET_REPO_URL or run `storefleet up`"}
    )
