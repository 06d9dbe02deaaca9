"""Building the cluster watcher from the settings (the one place that loads a kubeconfig)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from kubernetes.config.config_exception import ConfigException
from psycopg_pool import AsyncConnectionPool

from storefleet.api.fleet.context import settings_profile
from storefleet.api.fleet.reader import FleetReader
from storefleet.api.settings import ConfigurationError, Settings
from storefleet.reconciler_watch.cluster import Cluster, load_api_client
from storefleet.reconciler_watch.decide import Timeouts
from storefleet.reconciler_watch.pod_health import CrashLoopRule
from storefleet.reconciler_watch.probe_loop import ProbeConfig, ProbeLoop
from storefleet.reconciler_watch.watcher import ClusterWatcher, WatcherConfig
from storefleet.renderer.manifests import store_url
from storefleet.renderer.spec import StoreSpec


def watcher_config(settings: Settings) -> WatcherConfig:
    return WatcherConfig(
        engine=settings.gitops_engine,
        timeouts=Timeouts(
            provisioning=timedelta(seconds=settings.provisioning_timeout_s),
            deletion=timedelta(seconds=settings.deletion_timeout_s),
        ),
        flux_namespace=settings.flux_namespace,
        flux_kustomization=settings.flux_kustomization,
        argocd_namespace=settings.argocd_namespace,
        tick_s=settings.watch_tick_s,
        resync_interval_s=settings.watch_resync_interval_s,
        velero_namespace=settings.velero_namespace if settings.backups_enabled else None,
        crash_loop=CrashLoopRule(
            restarts=settings.degraded_restarts, window=timedelta(seconds=settings.degraded_window_s)
        ),
    )


def probe_loop(settings: Settings, pool: AsyncConnectionPool[Any]) -> ProbeLoop | None:
    """The HTTP probe of running stores, when STORE_PROBE_INTERVAL_S is set: each store's URL as the
    API shows it (the same render profile), its path STORE_PROBE_PATH."""
    if settings.store_probe_interval_s <= 0:
        return None
    profile = settings_profile(settings)
    config = ProbeConfig(
        interval_s=settings.store_probe_interval_s,
        failures=settings.store_probe_failures,
        path=settings.store_probe_path,
        timeout_s=settings.store_probe_timeout_s,
        address=settings.store_probe_address,
        verify_tls=settings.store_probe_verify_tls,
    )
    return ProbeLoop(pool, config, lambda spec: store_url(StoreSpec.model_validate(spec), profile))


def cluster_from_settings(settings: Settings) -> Cluster:
    """The cluster client; a kubeconfig that cannot be used is a start-up error that says why."""
    kubeconfig = settings.kubeconfig if not settings.kube_in_cluster else None
    source = "the in-cluster service account" if kubeconfig is None else f"KUBECONFIG={kubeconfig}"
    try:
        return Cluster(load_api_client(kubeconfig, settings.kube_context))
    except (ConfigException, OSError, ValueError, KeyError, TypeError) as exc:
        hint = " (set KUBE_CONTEXT to one of its contexts)" if "context" in str(exc).lower() else ""
        raise ConfigurationError(f"cannot use the cluster configuration from {source}: {exc}{hint}") from exc


def build_watcher(
    settings: Settings, pool: AsyncConnectionPool[Any], conninfo: str, reader: FleetReader
) -> ClusterWatcher:
    cluster = cluster_from_settings(settings)
    return ClusterWatcher(
        pool, conninfo, cluster, reader, watcher_config(settings), probe=probe_loop(settings, pool)
    )
