"""Two platform processes and two clusters (two test Kubernetes APIs, each with its own Flux double
syncing its own root of one fleet repo), on one database: each cluster is watched by exactly one
process; `kill -9` of the process leading a cluster hands that cluster to the other within the
leadership's bound; stores placed on either cluster get ready there, and no store's transition is
applied twice."""

from __future__ import annotations

import asyncio
import signal
import time
from collections import Counter
from pathlib import Path
from typing import Any

import psycopg
import pytest

from storefleet.api.db.embedded import EmbeddedPostgres
from storefleet.api.db.leadership import current_leader
from storefleet_demo.kube.cluster import KubeCluster, running_kube_api
from storefleet_demo.kube.flux_double import HR_API, FluxDouble
from tests.api.test_cli import Platform
from tests.reconciler_watch.rollout_support import cluster_running
from tests.reconciler_watch.support import wait_for
from tests.reconciler_watch.test_e2e_usage import POD_METRICS, pod_metrics
from tests.reliability.shared_platforms import bare_fleet_remote, stop_all, two_platforms

pytestmark = pytest.mark.slow
ACCOUNT = {"email": "ops@example.com", "username": "ops", "password": "password1"}
FAST = {"RUN_WATCHER": "true", "WATCH_TICK_S": "0.2", "LEADER_POLL_S": "0.3", "LEADER_CHECK_S": "0.3",
        "WATCH_CLUSTERS_INTERVAL_S": "0.5", "CLUSTER_NAME": "test"}  # fmt: skip


def leaders(conninfo: str) -> dict[str, str | None]:
    """Cluster name -> the `<host>/<pid>` leading its watcher now."""

    async def read() -> dict[str, str | None]:
        async with await psycopg.AsyncConnection.connect(
            conninfo, autocommit=True, row_factory=psycopg.rows.dict_row
        ) as conn:
            found = {name: await current_leader(conn, "watcher", name) for name in ("test", "fra-1")}
        return {name: leader.holder.rsplit(" ", 1)[-1] if leader else None for name, leader in found.items()}

    return asyncio.run(read())


def ready_transitions(conninfo: str, store_id: str) -> int:
    with psycopg.connect(conninfo, autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*) FROM audit_events WHERE store_id = %s AND event = 'store.transition'"
            " AND after->>'status' = 'ready'",
            (store_id,),
        ).fetchone()
    return int(row[0]) if row else 0


def test_two_processes_watch_two_clusters_and_hand_one_over_on_kill_9(tmp_path: Path) -> None:
    database = EmbeddedPostgres(tmp_path / "pg", durable=False)
    conninfo = database.start()
    remote = bare_fleet_remote(tmp_path / "fleet.git")
    with running_kube_api() as home, running_kube_api() as fra:
        platforms = _platforms(tmp_path, conninfo, remote, home)
        try:
            _run(tmp_path, conninfo, remote, platforms, home, fra)
        finally:
            stop_all([p for p in platforms if p.proc and p.proc.poll() is None])
            database.stop()


def _platforms(tmp_path: Path, conninfo: str, remote: Path, home: KubeCluster) -> list[Platform]:
    platforms = two_platforms(tmp_path, conninfo, remote)
    for platform in platforms:
        platform.env.update(FAST, KUBECONFIG=str(home.write_kubeconfig(tmp_path / "home.kubeconfig")))
    return platforms


def _run(
    tmp_path: Path,
    conninfo: str,
    remote: Path,
    platforms: list[Platform],
    home: KubeCluster,
    fra: KubeCluster,
) -> None:
    for platform in platforms:
        platform.start()
    first = platforms[0]
    admin = {
        "Authorization": f"Bearer {first.api('POST', '/api/v1/auth/register', json=ACCOUNT).json()['token']}"
    }
    fra_config = fra.write_kubeconfig(tmp_path / "fra.kubeconfig")
    body = {
        "name": "fra-1",
        "applier": "flux",
        "access": {"kind": "kubeconfig_file", "path": str(fra_config)},
    }
    assert first.api("POST", "/api/v1/clusters", json=body, headers=admin).status_code == 201
    pids = {str(p.proc.pid) for p in platforms if p.proc}
    led = wait_for(lambda: (found := leaders(conninfo)) and all(found.values()) and found, timeout_s=30,
                   what="both clusters led")  # fmt: skip
    assert {holder.rsplit("/", 1)[-1] for holder in led.values() if holder} <= pids  # one process each

    _access_observed(first, admin)

    appliers = [FluxDouble(home, remote), FluxDouble(fra, remote, root="clusters/fra-1/tenants")]
    with cluster_running(appliers[0]), cluster_running(appliers[1]):
        placed = {name: _create(first, admin, f"shop-{name}", name) for name in ("test", "fra-1")}
        for store_id in placed.values():
            _wait_ready(first, admin, store_id)
        # the API reads a store's credentials from the cluster it runs on
        far = placed["fra-1"]
        answer = first.api("GET", f"/api/v1/stores/{far}/credentials", headers=admin)
        assert answer.status_code == 200 and answer.json()["password"], answer.text
        assert appliers[1].kube.get("v1", "Secret", far, f"{far}-credentials") is not None
        assert appliers[0].kube.get("v1", "Secret", far, f"{far}-credentials") is None
        _drift_on_each_cluster(first, admin, appliers[1].kube, placed)
        _live_usage_from_its_cluster(first, admin, appliers[1], far)
        # kill -9 the process leading fra-1: the other takes it over and keeps its stores converging
        victim = next(p for p in platforms if p.proc and led["fra-1"].endswith(f"/{p.proc.pid}"))
        survivor = next(p for p in platforms if p is not victim)
        victim.signal(signal.SIGKILL)
        started = time.monotonic()
        assert survivor.proc is not None
        wait_for(lambda: (leaders(conninfo)["fra-1"] or "").endswith(f"/{survivor.proc.pid}"), timeout_s=15,
                 what="fra-1 taken over")  # fmt: skip
        assert time.monotonic() - started < 10  # LEADER_POLL_S plus the killed session's end
        later = _create(survivor, admin, "shop-after", "fra-1")
        _wait_ready(survivor, admin, later)
    # each cluster runs only its own stores
    assert appliers[0].kube.get(HR_API, "HelmRelease", placed["fra-1"], placed["fra-1"]) is None
    assert appliers[1].kube.get(HR_API, "HelmRelease", placed["test"], placed["test"]) is None
    assert appliers[1].kube.get(HR_API, "HelmRelease", later, later) is not None
    counts = Counter({sid: ready_transitions(conninfo, sid) for sid in [*placed.values(), later]})
    assert set(counts.values()) == {1}, counts  # each store became ready once: no transition twice


def _access_observed(platform: Platform, headers: dict[str, str]) -> None:
    """Each cluster's leader records when it reached the cluster; a cluster no client can be built for
    shows why, and is never marked reached."""
    lost = {
        "name": "lost-1",
        "applier": "flux",
        "access": {"kind": "kubeconfig_file", "path": "/nowhere/lost.yaml"},
    }
    assert platform.api("POST", "/api/v1/clusters", json=lost, headers=headers).status_code == 201

    def observed() -> dict[str, Any] | None:
        items = platform.api("GET", "/api/v1/clusters", headers=headers).json()["items"]
        found = {c["name"]: c for c in items}
        done = all(found[n]["access_checked"] for n in ("test", "fra-1")) and found["lost-1"]["access_error"]
        return found if done else None

    found = wait_for(observed, timeout_s=30, what="the clusters' access observed")
    assert (
        found["lost-1"]["access_checked"] is None and "/nowhere/lost.yaml" in found["lost-1"]["access_error"]
    )
    assert found["test"]["access_error"] is None and found["fra-1"]["access_error"] is None
    assert platform.api("DELETE", "/api/v1/clusters/lost-1", headers=headers).status_code == 204


def _drift_on_each_cluster(
    platform: Platform, headers: dict[str, str], fra: Any, placed: dict[str, str]
) -> None:
    """The drift report reads both clusters, each against the stores git places on it: a namespace
    of the home cluster's store made by hand on fra-1 is an orphan there, and nothing is missing."""
    clean = platform.api("GET", "/api/v1/drift", headers=headers)
    assert clean.status_code == 200 and clean.json()["items"] == [] and clean.json()["unread"] == [], (
        clean.text
    )
    home_store = placed["test"]
    stray = {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {"name": home_store, "labels": {"storefleet.io/store": home_store}},
    }
    fra.create(stray)
    report = platform.api("GET", "/api/v1/drift", headers=headers).json()
    assert [(i["kind"], i["store_id"], i["cluster"]) for i in report["items"]] == [
        ("orphan", home_store, "fra-1")
    ]
    assert "git runs its store on cluster test" in report["items"][0]["detail"]
    fra.delete(stray)


def _live_usage_from_its_cluster(
    platform: Platform, headers: dict[str, str], fra: FluxDouble, store_id: str
) -> None:
    """A store's live usage comes from the metrics API of the cluster it runs on."""
    fra.cluster.call(lambda store: store.registry.add(POD_METRICS))
    fra.kube.registry.add(POD_METRICS)
    fra.kube.create(pod_metrics(store_id, "web-0", wordpress={"cpu": "250m", "memory": "512Mi"}))
    live = platform.api("GET", f"/api/v1/stores/{store_id}/usage", headers=headers).json()["live"]
    assert live == {"cpu_cores": 0.25, "memory_gib": 0.5, "pods": 1}


def _create(platform: Platform, headers: dict[str, str], name: str, cluster: str) -> str:
    body: dict[str, Any] = {"name": name, "engine": "woocommerce", "cluster": cluster}
    answer = platform.api("POST", "/api/v1/stores", json=body, headers=headers)
    assert answer.status_code == 202, answer.text
    assert answer.json()["cluster"]["name"] == cluster
    return str(answer.json()["id"])


def _wait_ready(platform: Platform, headers: dict[str, str], store_id: str) -> None:
    def ready() -> bool:
        return platform.api("GET", f"/api/v1/stores/{store_id}", headers=headers).json()["status"] == "ready"

    wait_for(ready, timeout_s=60, what=f"store {store_id} ready")
