"""A store the cluster failed is retried by the platform, with no person involved: through the whole
loop (API, writer, the Flux and Argo CD doubles, watcher), it fails, waits out the backoff, is tried
again and ends ready; the store's trail shows the automatic attempt."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from storefleet.api.settings import Settings
from storefleet.reconciler_watch.watcher import ClusterWatcher
from storefleet_demo.kube.applier import Applier
from tests.reconciler_watch.support import create, events, finish_setup, transitions, wait_status


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={"auto_retry_max": 2, "auto_retry_base_s": 0.5, "auto_retry_tick_s": 0.2}
    )


@pytest.mark.parametrize("engine", ["flux", "argocd"], indirect=True)
def test_a_failed_install_is_retried_by_the_platform_and_ends_ready(
    client: TestClient, tenant: Any, applier: Applier, watcher: ClusterWatcher
) -> None:
    sid = create(client, tenant, "flaky-shop")["id"]
    applier.fail(sid, times=None, message="image pull back-off")
    with applier.run_in_background():
        wait_status(client, tenant, sid, "failed")
        applier.clear_failures(sid)  # the registry is back: a second try succeeds
        finish_setup(applier, sid)
        wait_status(client, tenant, sid, "ready")
    moves = transitions(client, tenant, sid)
    assert moves[:3] == ["requested", "provisioning", "failed"] and moves[-1] == "ready"
    retried = [e for e in events(client, tenant, sid) if e.get("actor") == "system:auto-retry"]
    assert retried and retried[0]["after"]["status"] == "requested"
    assert "automatic retry 1 of 2" in retried[0]["after"]["message"]
