"""The optional HTTP probe through the whole loop (the applier doubles, the real watcher with its
probe, a real web server on loopback playing the ingress): a ready store whose page fails
`STORE_PROBE_FAILURES` times in a row goes `degraded` with the probe's reason, and `ready` again at
its first good answer, with no commit either way. Off by default."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from storefleet_demo.kube.applier import Applier
from tests.reconciler_watch.conftest import WatcherRunner
from tests.reconciler_watch.probe_server import probe_server
from tests.reconciler_watch.support import create, finish_setup, git, transitions, wait_for, wait_status


def commits(remote: Path) -> int:
    return int(git("rev-list", "--count", "main", cwd=remote))


@pytest.mark.parametrize("engine", ["flux", "argocd"], indirect=True)
def test_a_store_whose_page_fails_goes_degraded_and_back_without_a_commit(
    client: TestClient, tenant: Any, applier: Applier, watchers: WatcherRunner, fleet_remote: Path
) -> None:
    with probe_server() as server:
        watcher = watchers.start(
            store_probe_interval_s=0.2,
            store_probe_failures=2,
            store_probe_timeout_s=2,
            store_probe_path="/shop/",
            store_probe_address=f"127.0.0.1:{server.port}",
        )
        assert watcher.probe is not None
        with applier.run_in_background():
            sid = create(client, tenant, "probed-shop")["id"]
            finish_setup(applier, sid)
            ready = wait_status(client, tenant, sid, "ready")
        host = urlsplit(ready["store_url"]).hostname
        assert host is not None
        wait_for(lambda: host in server.hosts, what="the store's page probed")
        assert set(server.paths) == {"/shop/"}
        before = commits(fleet_remote)

        server.statuses[host] = 503
        degraded = wait_status(client, tenant, sid, "degraded")
        assert degraded["status_message"].startswith(f"HTTP probe of {ready['store_url'].rstrip('/')}/shop/")
        assert "failed 2 times in a row: HTTP 503" in degraded["error"]

        server.statuses[host] = 200
        wait_status(client, tenant, sid, "ready")
    assert transitions(client, tenant, sid)[-3:] == ["ready", "degraded", "ready"]
    assert commits(fleet_remote) == before


def test_without_an_interval_nothing_is_probed(watchers: WatcherRunner) -> None:
    assert watchers.start().probe is None
