"""One key of a store's credentials Secret at a time, against the test Kubernetes API: key names read
without values, a password staged once, promoted in one write that a concurrent change refuses, and
dropped; what a rotation needs when it is taken up again."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from kubernetes.client.exceptions import ApiException

from storefleet.reconciler_watch.cluster import Cluster
from storefleet_demo.kube.cluster import KubeCluster
from tests.api.stores.cluster import kube_objects as k

NS, NAME = "st-secretkeys", "st-secretkeys-credentials"


@pytest.fixture
def cluster(kube_api: KubeCluster) -> Cluster:
    k.put(kube_api, k.namespace(NS), k.secret(NS, NAME, {"admin": "old-password", "db": "database"}))
    return Cluster(kube_api.api_client())


def data(kube_api: KubeCluster) -> dict[str, str]:
    (secret,) = kube_api.objects("v1", "Secret", NS)
    return {key: base64.b64decode(value).decode() for key, value in secret["data"].items()}


def test_key_names_only(cluster: Cluster) -> None:
    assert cluster.secret_keys(NS, NAME) == {"admin", "db"}
    assert cluster.secret_keys(NS, "st-missing-credentials") is None


def test_a_password_is_staged_once_then_promoted_once(cluster: Cluster, kube_api: KubeCluster) -> None:
    made: list[str] = []

    def make() -> str:
        made.append("new-password")
        return made[-1]

    assert cluster.stage_secret_value(NS, NAME, "admin-next", make) is True
    assert cluster.stage_secret_value(NS, NAME, "admin-next", make) is False  # kept, nothing made
    assert made == ["new-password"] and data(kube_api)["admin-next"] == "new-password"
    assert cluster.promote_secret_value(NS, NAME, "admin-next", "admin") is True
    assert data(kube_api) == {"admin": "new-password", "db": "database"}
    assert cluster.promote_secret_value(NS, NAME, "admin-next", "admin") is False  # done already
    cluster.drop_secret_value(NS, NAME, "admin-next")  # nothing to drop: no error
    cluster.drop_secret_value(NS, "st-missing-credentials", "admin-next")
    with pytest.raises(ApiException) as missing:
        cluster.promote_secret_value(NS, "st-missing-credentials", "admin-next", "admin")
    assert missing.value.status == 404


def test_a_write_over_a_changed_secret_is_refused(
    cluster: Cluster, kube_api: KubeCluster, monkeypatch: pytest.MonkeyPatch
) -> None:
    cluster.stage_secret_value(NS, NAME, "admin-next", lambda: "new-password")
    stale: dict[str, Any] | None = cluster._read_raw_secret(NS, NAME)
    cluster.drop_secret_value(NS, NAME, "db")  # someone else's write in between
    monkeypatch.setattr(cluster, "_read_raw_secret", lambda namespace, name: stale)
    with pytest.raises(ApiException) as conflict:
        cluster.promote_secret_value(NS, NAME, "admin-next", "admin")
    assert conflict.value.status == 409
    assert data(kube_api) == {"admin": "old-password", "admin-next": "new-password"}  # nothing moved
