"""The fleet repo `storefleet up` seeds on first use follows the settings that name what the applier
runs in the cluster (the Argo CD namespace), as `storefleet fleet init` does with its options."""

from __future__ import annotations

import subprocess

from storefleet.api.cli import _ensure_local_fleet
from storefleet.api.fleet.context import local_fleet_repo_path
from storefleet.api.settings import Settings


def _show(repo: str, path: str) -> str:
    return subprocess.run(
        ["git", "--git-dir", repo, "show", f"main:{path}"], check=True, capture_output=True, text=True
    ).stdout


def test_the_seeded_argocd_fleet_uses_the_configured_namespace(settings: Settings) -> None:
    settings = settings.model_copy(
        update={"gitops_engine": "argocd", "argocd_namespace": "gitops", "cluster_name": "edge"}
    )
    _ensure_local_fleet(settings)
    repo = str(local_fleet_repo_path(settings))
    root = _show(repo, "clusters/edge/tenants.yaml")
    assert "namespace: gitops" in root and "namespace: argocd" not in root
