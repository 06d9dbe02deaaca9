"""Loading the cluster configuration: a kubeconfig that cannot be used stops start-up and says why;
the watcher's settings reach its configuration."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any, cast

import pytest
from pydantic import ValidationError

from storefleet.api.app import create_app
from storefleet.api.domain.cluster_access import ClusterReach
from storefleet.api.settings import ConfigurationError, Settings
from storefleet.reconciler_watch.factory import (
    build_cluster_watchers,
    cluster_client,
    cluster_from_settings,
    watcher_config,
)
from storefleet.reconciler_watch.pod_health import CrashLoopRule

NO_CURRENT_CONTEXT = """apiVersion: v1
kind: Config
clusters: [{name: kind, cluster: {server: "https://127.0.0.1:6443"}}]
contexts: [{name: kind-a, context: {cluster: kind, user: u}}]
users: [{name: u, user: {token: t}}]
"""


@pytest.mark.parametrize(
    ("content", "context", "expected"),
    [
        (None, None, "No configuration found"),
        ("- not: a kubeconfig\n", None, "cannot use the cluster configuration"),
        (NO_CURRENT_CONTEXT, None, "KUBE_CONTEXT"),
        (NO_CURRENT_CONTEXT, "kind-b", "KUBE_CONTEXT"),
    ],
)
def test_an_unusable_kubeconfig_is_a_configuration_error(
    settings: Settings, tmp_path: Path, content: str | None, context: str | None, expected: str
) -> None:
    path = tmp_path / "other-kubeconfig"
    if content is not None:
        path.write_text(content)
    broken = settings.model_copy(update={"kubeconfig": path, "kube_context": context})
    with pytest.raises(ConfigurationError, match=expected) as raised:
        cluster_from_settings(broken)
    assert str(path) in str(raised.value)
    with pytest.raises(ConfigurationError):
        create_app(broken, migrate=False)


def test_a_named_context_is_used(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "other-kubeconfig"
    path.write_text(NO_CURRENT_CONTEXT)
    cluster: Any = cluster_from_settings(
        settings.model_copy(update={"kubeconfig": path, "kube_context": "kind-a"})
    )
    assert cluster.api_client.configuration.host == "https://127.0.0.1:6443"


def _registered(path: Path) -> ClusterReach:
    return ClusterReach(
        id="cl-0000000001", name="fra-1", applier="flux", origin="api", access_kind="kubeconfig_file",
        kubeconfig_secret_namespace=None, kubeconfig_secret_name=None, kubeconfig_secret_key=None,
        kubeconfig_path=str(path), kubeconfig_context=None, version=1,
    )  # fmt: skip


def test_a_registered_cluster_s_unusable_kubeconfig_says_where_and_never_quotes_it(
    settings: Settings, tmp_path: Path
) -> None:
    missing = tmp_path / "missing.yaml"
    with pytest.raises(ValueError, match=f"kubeconfig file {missing}: "):
        cluster_client(settings, _registered(missing))
    garbled = tmp_path / "garbled.yaml"
    garbled.write_text("users: [{name: u, user: {token: s3cr3t-t0ken}}\n  broken: [\n")
    with pytest.raises(ValueError) as raised:
        cluster_client(settings, _registered(garbled))
    assert "not a valid YAML kubeconfig" in str(raised.value) and "s3cr3t" not in str(raised.value)


def test_the_crash_loop_settings_reach_the_watcher(settings: Settings) -> None:
    default = watcher_config(settings).crash_loop
    assert (default.restarts, default.window) == (5, timedelta(seconds=600))
    tuned = settings.model_copy(update={"degraded_restarts": 3, "degraded_window_s": 90.0})
    assert watcher_config(tuned).crash_loop == CrashLoopRule(restarts=3, window=timedelta(seconds=90))
    assert not watcher_config(settings.model_copy(update={"degraded_restarts": 0})).crash_loop.enabled


def test_the_crash_loop_settings_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEGRADED_RESTARTS", "0")
    monkeypatch.setenv("DEGRADED_WINDOW_S", "120")
    read = Settings()
    assert (read.degraded_restarts, read.degraded_window_s) == (0, 120.0)
    monkeypatch.setenv("DEGRADED_RESTARTS", "-1")
    with pytest.raises(ValidationError, match="DEGRADED_RESTARTS"):
        Settings()


def test_the_demo_cluster_setting_labels_the_watchers_messages(settings: Settings) -> None:
    assert not watcher_config(settings).simulated
    assert watcher_config(settings.model_copy(update={"demo_cluster": True})).simulated


def test_the_registered_clusters_watchers_share_one_ancestry(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "kubeconfig"
    path.write_text(NO_CURRENT_CONTEXT.replace("contexts:", "current-context: kind-a\ncontexts:"))
    watchers = build_cluster_watchers(settings, cast(Any, None), "", cast(Any, None))
    first = watchers._build(_registered(path))
    second = watchers._build(replace(_registered(path), id="cl-0000000002", name="fra-2"))
    assert first._ancestry is second._ancestry
