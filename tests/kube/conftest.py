"""Fixtures for this folder: the test Kubernetes API (tests/kube/fixtures.py), a fleet repo and the
applier doubles on it."""

from __future__ import annotations

from pathlib import Path

import pytest

from storefleet_demo.kube.cluster import KubeCluster
from storefleet_demo.kube.flux_double import FluxDouble
from tests.kube.argo_double import ArgoDouble
from tests.kube.fixtures import kube_api
from tests.kube.gitfleet import GitFleet

__all__ = ["argo", "fleet", "flux", "kube_api"]


@pytest.fixture
def fleet(tmp_path: Path) -> GitFleet:
    return GitFleet(tmp_path / "fleet")


@pytest.fixture
def flux(kube_api: KubeCluster, fleet: GitFleet) -> FluxDouble:
    return FluxDouble(kube_api, fleet.bare)


@pytest.fixture
def argo(kube_api: KubeCluster, fleet: GitFleet) -> ArgoDouble:
    return ArgoDouble(kube_api, fleet.bare)
