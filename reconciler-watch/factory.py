"""Building the cluster watcher from the settings (the one place that loads a kubeconfig)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import yaml as pyyaml
from kubernetes import client, config
from kubernetes.client.exceptions import ApiException
from kubernetes.config.config_exception import ConfigException
from psycopg_pool import AsyncConnectionPool
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from storefleet.api.db.leadership import Leadership
from storefleet.api.domain.cluster_access import ClusterReach
from storefleet.api.domain.stores_repository import SETTINGS_SCOPE
from storefleet.api.fleet.context import settings_profile
from storefleet.api.fleet.reader import FleetReader
from storefleet.api.settings import ConfigurationError, Settings
from storefleet.reconciler_watch.ancestry import Ancestry
from storefleet.reconciler_watch.cluster import Cluster, load_api_client
from storefleet.reconciler_watch.decide import Timeouts
from storefleet.reconciler_watch.fleet_watchers import ClusterWatchers
from storefleet.reconciler_watch.pod_health import CrashLoopRule
from storefleet.reconciler_watch.probe_loop import ProbeConfig, ProbeLoop
from storefleet.reconciler_watch.watcher import ClusterWatcher, WatcherConfig
from storefleet.renderer.manifests import store_url
from storefleet.renderer.spec import StoreSpec

# Fleet revisions whose commits the shared ancestry keeps: clusters that applied different revisions
# are each judged without listing theirs again.
SHARED_REVISIONS = 8


def watcher_config(settings: Settings) -> WatcherConfig:
    return WatcherConfig(
        engine=settings.gitops_engine,
        timeouts=Timeouts(
            provisioning=timedelta(seconds=settings.provisioning_timeout_s),
            deletion=timedelta(seconds=settings.deletion_timeout_s),
            move_stage=timedelta(seconds=settings.move_stage_timeout_s),
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
        simulated=settings.demo_cluster,
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


def _where(access: ClusterReach) -> str:
    if access.access_kind == "kubeconfig_file":
        return f"kubeconfig file {access.kubeconfig_path}"
    if access.access_kind == "kubeconfig_secret":
        where = f"{access.kubeconfig_secret_namespace}/{access.kubeconfig_secret_name}"
        return f"kubeconfig Secret {where} key {access.kubeconfig_secret_key}"
    return access.access_kind


def _reason(exc: Exception) -> str:
    # A YAML error quotes the line it failed on: of a kubeconfig, that may be a token.
    return "not a valid YAML kubeconfig" if isinstance(exc, YAMLError | pyyaml.YAMLError) else str(exc)


def cluster_client(settings: Settings, access: ClusterReach) -> Cluster:
    """The client of a registered cluster, from where its row says the kubeconfig is (never the
    kubeconfig itself); ValueError when it cannot be built."""
    try:
        if access.origin == "settings":
            return cluster_from_settings(settings)
        if access.access_kind == "in_cluster":
            return Cluster(load_api_client(None))
        if access.access_kind == "kubeconfig_file" and access.kubeconfig_path:
            return Cluster(load_api_client(Path(access.kubeconfig_path), access.kubeconfig_context))
        if access.access_kind == "kubeconfig_secret":
            return Cluster(_client_from_secret(settings, access))
    except (
        ConfigurationError,
        ConfigException,
        OSError,
        KeyError,
        TypeError,
        ApiException,
        YAMLError,
        pyyaml.YAMLError,  # the kubernetes client reads a kubeconfig file with PyYAML
    ) as exc:
        raise ValueError(f"{_where(access)}: {_reason(exc)}") from exc
    raise ValueError(f"no way to read cluster {access.name} ({access.access_kind})")


def _client_from_secret(settings: Settings, access: ClusterReach) -> Any:
    """The kubeconfig in a Secret of the cluster the platform itself reads (its settings cluster),
    loaded in memory: it is written nowhere."""
    assert (
        access.kubeconfig_secret_namespace and access.kubeconfig_secret_name and access.kubeconfig_secret_key
    )
    home = cluster_from_settings(settings)
    found = home.read_secret_value(
        access.kubeconfig_secret_namespace, access.kubeconfig_secret_name, access.kubeconfig_secret_key
    )
    if found.value is None:
        where = f"{access.kubeconfig_secret_namespace}/{access.kubeconfig_secret_name}"
        raise KeyError(
            f"Secret {where} {'has no key ' + access.kubeconfig_secret_key if found.exists else 'not found'}"
        )
    document = YAML(typ="safe").load(found.value)
    configuration = client.Configuration()
    loaders: Any = config  # the loaders are untyped
    loaders.load_kube_config_from_dict(
        document, context=access.kubeconfig_context, client_configuration=configuration, persist_config=False
    )
    return client.ApiClient(configuration)


def build_cluster_watcher(
    settings: Settings,
    pool: AsyncConnectionPool[Any],
    conninfo: str,
    reader: FleetReader,
    access: ClusterReach,
    ancestry: Ancestry | None = None,
) -> ClusterWatcher:
    """The watcher of one registered cluster: its applier, its stores only, its own client; the fleet
    repo's `ancestry` shared with the other clusters' watchers."""
    scope = SETTINGS_SCOPE if access.origin == "settings" else access.id
    config = replace(watcher_config(settings), engine=access.applier, scope=scope)
    probe = probe_loop(settings, pool)
    if probe is not None:
        probe = ProbeLoop(pool, replace(probe.config, scope=scope), probe.url_of)
    client = cluster_client(settings, access)
    return ClusterWatcher(pool, conninfo, client, reader, config, probe=probe, ancestry=ancestry)


def build_cluster_watchers(
    settings: Settings, pool: AsyncConnectionPool[Any], conninfo: str, reader: FleetReader
) -> ClusterWatchers:
    """Every registered cluster's watcher, each led by one replica (LEADER_POLL_S, LEADER_CHECK_S),
    all reading one fleet repo's ancestry (one set of commits per revision, whatever the clusters)."""
    ancestry = Ancestry(keep=SHARED_REVISIONS)

    def lead(access: ClusterReach) -> Leadership:
        return Leadership(
            conninfo, "watcher", access.name, poll_s=settings.leader_poll_s, check_s=settings.leader_check_s
        )

    return ClusterWatchers(
        pool,
        lambda access: build_cluster_watcher(settings, pool, conninfo, reader, access, ancestry),
        lead,
        interval_s=settings.watch_clusters_interval_s,
    )
