"""The test Kubernetes API's fixtures, for the tests of this folder."""

from __future__ import annotations

from tests.kube.fixtures import kube_api

__all__ = ["kube_api"]
