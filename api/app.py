"""The application factory. Nothing here connects at import time: clients open in the lifespan."""

from __future__ import annotations

import logging
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from anyio import to_thread
from fastapi import FastAPI

from storefleet import __version__
from storefleet.api.audit.endpoints import router as audit_router
from storefleet.api.auth.credentials import Passwords, Tokens
from storefleet.api.auth.endpoints import router as auth_router
from storefleet.api.auth.endpoints import users_router
from storefleet.api.core.errors import install_error_handlers
from storefleet.api.core.middleware import RequestContextMiddleware
from storefleet.api.db.migrate import apply_migrations
from storefleet.api.db.pool import open_pool
from storefleet.api.health.checks import database_check
from storefleet.api.health.endpoints import router as health_router
from storefleet.api.metrics.endpoints import router as metrics_router
from storefleet.api.settings import ConfigurationError, Settings
from storefleet.api.stores.endpoints import router as stores_router

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
    conninfo = settings.database_url.get_secret_value()
    tokens = Tokens(_jwt_secret(settings), settings.jwt_ttl_seconds)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if migrate:
            await to_thread.run_sync(apply_migrations, conninfo)
        pool = await open_pool(settings, conninfo)
        app.state.pool = pool
        app.state.health_checks = {"database": database_check(pool)}
        try:
            yield
        finally:
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
    app.state.tokens = tokens
    app.state.passwords = Passwords(settings.password_hash_profile)
    app.state.lifecycle = lifecycle or Lifecycle()
    app.state.health_checks = {}  # filled in the lifespan: name -> HealthCheck
    install_error_handlers(app)
    app.add_middleware(RequestContextMiddleware)
    for router in (health_router, auth_router, users_router, stores_router, audit_router, metrics_router):
        app.include_router(router)
    return app
