"""pytest fixtures for the test Kubernetes API. Another test folder's conftest.py takes them with
`from tests.kube.fixtures import kube_api  # noqa: F401` (a plain import: works under importlib mode)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from storefleet_demo.kube.cluster import KubeCluster, running_kube_api


@pytest.fixture
def kube_api() -> Iterator[KubeCluster]:
    """A fresh, empty API server for each test (starting one takes milliseconds): no state, no open
    watch and no client thread of one test can reach the next."""
    with running_kube_api() as cluster:
        yield cluster
