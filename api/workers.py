"""`storefleet writer` and `storefleet watch`: the fleet writer, the cluster watcher and the git-side
sync as processes of their own (no HTTP)."""

from __future__ import annotations

import asyncio
import logging
import signal

from storefleet.api.db.migrate import apply_migrations
from storefleet.api.db.pool import open_pool
from storefleet.api.fleet.context import fleet_configured, fleet_context
from storefleet.api.fleet.runtime import FleetRuntime
from storefleet.api.settings import ConfigurationError, Settings
from storefleet.reconciler_watch.factory import build_watcher

log = logging.getLogger(__name__)


def _prepare(settings: Settings) -> tuple[str, asyncio.Event]:
    if settings.database_url is None:
        raise ConfigurationError("DATABASE_URL is not set.")
    if not fleet_configured(settings):
        raise ConfigurationError("No fleet repo: set FLEET_REPO_URL.")
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    return settings.database_url.get_secret_value(), stop


async def run_watcher(settings: Settings) -> None:
    """The cluster watcher until SIGTERM/SIGINT."""
    conninfo, stop = _prepare(settings)
    if not settings.cluster_configured:
        raise ConfigurationError("No cluster: set KUBECONFIG (or KUBE_IN_CLUSTER=true in a pod).")
    await asyncio.to_thread(apply_migrations, conninfo)
    pool = await open_pool(settings, conninfo)
    context = fleet_context(settings, settings.public_url or "http://127.0.0.1:8000")
    runtime = FleetRuntime.create(context, pool, conninfo, writer=False, sync=settings.run_git_sync)
    runtime.watcher = build_watcher(settings, pool, conninfo, runtime.reader)
    runtime.start()
    log.info("cluster watcher started (%s)", settings.gitops_engine)
    try:
        await stop.wait()
    finally:
        await runtime.stop()
        await pool.close()


async def run_fleet_workers(settings: Settings) -> None:
    """Run until SIGTERM/SIGINT; the current batch finishes before the process exits."""
    conninfo, stop = _prepare(settings)
    # The schema must exist before the first batch, whichever process starts first (idempotent).
    await asyncio.to_thread(apply_migrations, conninfo)
    pool = await open_pool(settings, conninfo)
    context = fleet_context(settings, settings.public_url or "http://127.0.0.1:8000")
    runtime = FleetRuntime.create(context, pool, conninfo, writer=True, sync=settings.run_git_sync)
    runtime.start()
    log.info("fleet writer started for %s (branch %s)", context.remote_url, context.branch)
    try:
        await stop.wait()
    finally:
        await runtime.stop()
        await pool.close()
