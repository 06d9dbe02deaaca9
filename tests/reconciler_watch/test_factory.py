"""Loading the cluster configuration: a kubeconfig that cannot be used stops start-up and says why."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from storefleet.api.app import create_app
from storefleet.api.settings import ConfigurationError, Settings
from storefleet.reconciler_watch.factory import cluster_from_settings

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
