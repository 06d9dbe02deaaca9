"""The test Kubernetes API and a fleet repo, for the simulated cluster's tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.kube.fixtures import kube_api
from tests.kube.gitfleet import GitFleet

__all__ = ["fleet", "kube_api"]


@pytest.fixture
def fleet(tmp_path: Path) -> GitFleet:
    return GitFleet(tmp_path / "fleet")
