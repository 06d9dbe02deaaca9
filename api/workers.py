"""`storefleet writer` and `storefleet watch`: the fleet writer, the cluster watcher and the git-side
sync as processes of their own (no HTTP)."""

from __future__ import annotations

import asyncio
import logging
import signal

from storefleet.api.clusters.service import ensure_settings_cluster
from storefleet.api.db.migrate import apply_migrations
from storefleet.api.db.pool import open_pool
from storefleet.api.fleet.context import fleet_configured, fleet_context
from storefleet.api.fleet.runtime import FleetRuntime
from storefleet.api.settings import ConfigurationError, Settings
from storefleet.reconciler_watch.factory import build_cluster_watchers

log = logging.getLogger(__name__)


async def run_watcher(settings: Settings) -> None:
    """The cluster watcher until SIGTERM/SIGINT."""
    if not settings.cluster_configured:
        raise ConfigurationError("No cluster: set KUBECONFIG (or KUBE_IN_CLUSTER=true in a pod).")
    await _run(settings, writer=False, watcher=True)


async def run_fleet_workers(settings: Settings) -> None:
    """The fleet writer until SIGTERM/SIGINT; the current batch finishes before the process exits."""
    await _run(settings, writer=True, watcher=False)


async def _run(settings: Settings, *, writer: bool, watcher: bool) -> None:
    if settings.database_url is None:
        raise ConfigurationError("DATABASE_URL is not set.")
    if not fleet_configured(settings):
        raise ConfigurationError("No fleet repo: set FLEET_REPO_URL.")
    conninfo = settings.database_url.get_secret_value()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    # The schema must exist before the first batch, whichever process starts first (idempotent).
    await asyncio.to_thread(apply_migrations, conninfo)
    pool = await open_pool(settings, conninfo)
    context = fleet_context(settings, settings.public_url or "http://127.0.0.1:8000")
    runtime = FleetRuntime.create(
        context, pool, conninfo, writer=writer, sync=settings.run_git_sync, settings=settings
    )
    if watcher:
        async with pool.connection() as conn:  # the settings cluster's row, as the API makes it at start-up
            await ensure_settings_cluster(conn, settings)
        runtime.watch_clusters(build_cluster_watchers(settings, pool, conninfo, runtime.reader))
    runtime.start()
    log.info(
        "%s started for %s (branch %s)",
        "watcher" if watcher else "fleet writer",
        context.remote_url,
        context.branch,
    )
    try:
        await stop.wait()
    finally:
        await runtime.stop()
        await pool.close()
