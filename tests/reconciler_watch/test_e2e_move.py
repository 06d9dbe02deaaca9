"""A store moved from one cluster to another through the whole loop (docs/clusters.md "Moving a
store"): two test Kubernetes APIs, each with its Flux double syncing its own root of one fleet repo on
a real bare remote, and its Velero double, the two sharing one storage location (Velero's backup sync
brings the source's backup to the target); the API, the fleet writer, the git-side sync and one
watcher per cluster in-process; real PostgreSQL. The store ends ready on the target with one create
commit there and one delete commit of its source directory; a failed restore on the target leaves it
ready on its source, the target's directory removed."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient

from storefleet.api.core.services import app_services
from storefleet.api.settings import Settings
from storefleet.reconciler_watch.factory import build_cluster_watchers
from storefleet_demo.kube.cluster import KubeCluster, running_kube_api
from storefleet_demo.kube.flux_double import HR_API, FluxDouble
from tests.kube.velero_double import StorageLocation, VeleroDouble, install_crds
from tests.reconciler_watch.support import (
    create,
    events,
    finish_setup,
    git,
    push_human_revert,
    transitions,
    wait_for,
    wait_status,
)

TARGET = "beta"
TARGET_ROOT = f"clusters/{TARGET}/tenants"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "backups_enabled": True,
            "watch_clusters_interval_s": 0.3,
            "leader_poll_s": 0.3,
            "leader_check_s": 0.3,
            "move_stage_timeout_s": 60.0,
            "drain_tick_s": 0.3,
        }
    )


@pytest.fixture
def beta_api() -> Iterator[KubeCluster]:
    with running_kube_api() as cluster:
        yield cluster


@contextmanager
def every_cluster_watched(client: TestClient, settings: Settings) -> Iterator[None]:
    """One watcher per registered cluster, as a process with RUN_WATCHER runs them."""
    services = app_services(client.app)
    assert settings.database_url is not None and services.fleet_reader is not None
    conninfo = settings.database_url.get_secret_value()
    watchers = build_cluster_watchers(settings, services.pool, conninfo, services.fleet_reader)
    stop = client.portal.call(asyncio.Event)
    done = client.portal.start_task_soon(watchers.run, stop)
    try:
        yield
    finally:
        client.portal.call(stop.set)
        done.result(timeout=15)


class Fleet:
    """The two clusters: their appliers and Veleros."""

    def __init__(self, remote: Path, home: KubeCluster, beta: KubeCluster) -> None:
        self.remote = remote
        self.home, self.beta = FluxDouble(home, remote), FluxDouble(beta, remote, root=TARGET_ROOT)
        location = StorageLocation()  # one BackupStorageLocation both clusters' Veleros use
        self.home_velero = VeleroDouble(home, location=location)
        self.beta_velero = VeleroDouble(beta, location=location)
        install_crds(home, self.home.kube)
        install_crds(beta, self.beta.kube)

    @contextmanager
    def running(self, client: TestClient, settings: Settings, beta_applies: bool = True) -> Iterator[None]:
        """A watcher per registered cluster, and each cluster's Flux applying its root (B's only
        when `beta_applies`)."""
        with ExitStack() as running:
            running.enter_context(every_cluster_watched(client, settings))
            running.enter_context(self.home.run_in_background())
            if beta_applies:
                running.enter_context(self.beta.run_in_background())
            yield

    def velero_pass(self, restore_on_target: bool = True) -> None:
        self.home_velero.reconcile()
        self.beta_velero.sync_backups()
        if restore_on_target:
            self.beta_velero.reconcile()


def _register_beta(client: TestClient, admin: Any, beta: KubeCluster, tmp_path: Path) -> None:
    config = beta.write_kubeconfig(tmp_path / "beta.kubeconfig")
    body = {"name": TARGET, "applier": "flux", "access": {"kind": "kubeconfig_file", "path": str(config)}}
    answer = client.post("/api/v1/clusters", json=body, headers=admin.headers)
    assert answer.status_code == 201, answer.text


def _ready_store(client: TestClient, tenant: Any, fleet: Fleet) -> str:
    home = str(app_services(client.app).settings.cluster_name)  # the settings cluster, home: tenants/
    sid = str(create(client, tenant, "moving-shop", cluster=home)["id"])
    finish_setup(fleet.home, sid)
    wait_status(client, tenant, sid, "ready", timeout_s=30)
    return sid


def _commits(remote: Path, store_id: str) -> list[tuple[str, str]]:
    """(Action trailer, root of the changed store directory) of every commit to the store's
    directories, oldest first."""
    found = []
    for sha in git("log", "--reverse", "--format=%H", "main", cwd=remote).split():
        paths = git("show", "--name-only", "--format=", sha, cwd=remote).split()
        roots = sorted({p.split(f"/{store_id}/")[0] for p in paths if f"/{store_id}/" in p})
        if roots:
            action = git("log", "-1", "--format=%(trailers:key=Action,valueonly)", sha, cwd=remote)
            found.append((action, ",".join(roots)))
    return found


def _move(client: TestClient, admin: Any, sid: str) -> dict[str, Any]:
    answer = client.post(f"/api/v1/stores/{sid}/move", json={"cluster": TARGET}, headers=admin.headers)
    assert answer.status_code == 202, answer.text
    return dict(answer.json())


def _move_ends(
    client: TestClient, fleet: Fleet, tenant: Any, sid: str, stage: str, restore_on_target: bool = True
) -> dict[str, Any]:
    def ended() -> dict[str, Any] | None:
        fleet.velero_pass(restore_on_target)
        move = client.get(f"/api/v1/stores/{sid}/move", headers=tenant.headers).json()
        return move if move["stage"] in ("done", "failed") else None

    move = wait_for(ended, timeout_s=60, what="the move's end")
    assert move["stage"] == stage, move
    return move


def test_a_store_moved_from_a_to_b_ends_ready_on_b_with_one_create_and_one_delete_commit(
    client: TestClient, settings: Settings, admin: Any, tenant: Any, kube_api: KubeCluster,
    beta_api: KubeCluster, fleet_remote: Path, tmp_path: Path,
) -> None:  # fmt: skip
    fleet = Fleet(fleet_remote, kube_api, beta_api)
    _register_beta(client, admin, beta_api, tmp_path)
    with fleet.running(client, settings):
        sid = _ready_store(client, tenant, fleet)
        before, lived = _commits(fleet_remote, sid), transitions(client, tenant, sid)
        _move(client, admin, sid)
        _move_ends(client, fleet, tenant, sid, "done")
        store = wait_for(
            lambda: (
                (s := client.get(f"/api/v1/stores/{sid}", headers=tenant.headers).json())["cluster"]["name"]
                == TARGET
                and s
            ),
            what="the store on beta",
        )
        wait_for(lambda: fleet.home.kube.get(HR_API, "HelmRelease", sid, sid) is None, what="source pruned")
    assert store["status"] == "ready"
    assert fleet.beta.kube.get(HR_API, "HelmRelease", sid, sid) is not None
    moved = _commits(fleet_remote, sid)[len(before) :]
    creates = [root for action, root in moved if action == "create"]
    deletes = [root for action, root in moved if action == "delete"]
    assert creates == [f"{TARGET_ROOT}/{tenant.id}"] and deletes == [f"tenants/{tenant.id}"], moved
    stages = [
        e["detail"]["stage"] for e in events(client, tenant, sid) if e["event"] == "store.move_advanced"
    ]
    assert stages == ["restoring", "starting", "done"]
    assert any(e["event"] == "store.move_requested" for e in events(client, tenant, sid))
    assert transitions(client, tenant, sid) == lived  # it stayed ready all along: no status changed


def test_a_failed_restore_on_b_leaves_the_store_ready_on_a(
    client: TestClient, settings: Settings, admin: Any, tenant: Any, kube_api: KubeCluster,
    beta_api: KubeCluster, fleet_remote: Path, tmp_path: Path,
) -> None:  # fmt: skip
    fleet = Fleet(fleet_remote, kube_api, beta_api)
    fleet.beta_velero.fail_restores("", reason="volume restore failed")
    _register_beta(client, admin, beta_api, tmp_path)
    with fleet.running(client, settings):
        sid = _ready_store(client, tenant, fleet)
        before = _commits(fleet_remote, sid)
        _move(client, admin, sid)
        move = _move_ends(client, fleet, tenant, sid, "failed")
        wait_for(lambda: fleet.beta_velero.restores() == [], what="the target's Restore pruned")
    assert "volume restore failed" in move["reason"]
    store = client.get(f"/api/v1/stores/{sid}", headers=tenant.headers).json()
    assert store["status"] == "ready" and store["cluster"]["name"] != TARGET
    assert fleet.home.kube.get(HR_API, "HelmRelease", sid, sid) is not None
    moved = _commits(fleet_remote, sid)[len(before) :]
    assert moved == [("create", f"{TARGET_ROOT}/{tenant.id}"), ("delete", f"{TARGET_ROOT}/{tenant.id}")]
    failed = [e for e in events(client, tenant, sid) if e["event"] == "store.move_failed"]
    assert len(failed) == 1 and "volume restore failed" in failed[0]["detail"]["reason"]


def test_a_person_s_git_revert_of_the_create_commit_ends_the_move_and_its_copy_is_no_drift(
    client: TestClient, settings: Settings, admin: Any, tenant: Any, kube_api: KubeCluster,
    beta_api: KubeCluster, fleet_remote: Path, tmp_path: Path,
) -> None:  # fmt: skip
    fleet = Fleet(fleet_remote, kube_api, beta_api)
    _register_beta(client, admin, beta_api, tmp_path)
    with fleet.running(client, settings):
        sid = _ready_store(client, tenant, fleet)
        _move(client, admin, sid)
        fleet.home_velero.reconcile()
        fleet.beta_velero.sync_backups()  # the target restores nothing: the move waits at `restoring`

        def created() -> str | None:
            sha = git(
                "log", "-1", "--format=%H", "main", "--", f"{TARGET_ROOT}/{tenant.id}/{sid}", cwd=fleet_remote
            )
            return sha or None

        create_sha = wait_for(created, what="the move's create commit")
        # while it moves, git declares the store on both clusters: its copy on B is no drift
        labelled = f"storefleet.io/store={sid}"
        wait_for(
            lambda: fleet.beta.kube.list_objects("v1", "Namespace", None, labels=labelled),
            what="the store's namespace on B, where it waits for its restore",
        )
        drift = client.get("/api/v1/drift", headers=admin.headers).json()
        assert drift["unread"] == [] and [i for i in drift["items"] if i["store_id"] == sid] == []
        push_human_revert(fleet_remote, create_sha, tmp_path)
        move = _move_ends(client, fleet, tenant, sid, "failed", restore_on_target=False)
    assert "removed in git by Pat Engineer" in move["reason"]
    store = client.get(f"/api/v1/stores/{sid}", headers=tenant.headers).json()
    assert store["status"] == "ready" and store["cluster"]["name"] != TARGET
    assert _commits(fleet_remote, sid)[-2:] == [
        ("create", f"{TARGET_ROOT}/{tenant.id}"),
        ("", f"{TARGET_ROOT}/{tenant.id}"),  # the person's revert; the platform committed nothing more
    ]


def test_deleting_the_store_during_its_move_ends_the_move_without_a_commit_on_b(
    client: TestClient, settings: Settings, admin: Any, tenant: Any, kube_api: KubeCluster,
    beta_api: KubeCluster, fleet_remote: Path, tmp_path: Path,
) -> None:  # fmt: skip
    fleet = Fleet(fleet_remote, kube_api, beta_api)
    _register_beta(client, admin, beta_api, tmp_path)
    with fleet.running(client, settings, beta_applies=False):
        sid = _ready_store(client, tenant, fleet)
        _move(client, admin, sid)  # its backup is never taken: the move waits at `backing_up`
        assert client.delete(f"/api/v1/stores/{sid}", headers=tenant.headers).status_code == 202

        def ended() -> dict[str, Any] | None:
            move = client.get(f"/api/v1/stores/{sid}/move", headers=tenant.headers).json()
            return move if move["stage"] == "failed" else None

        move = wait_for(ended, what="the move's end")
    assert "move abandoned" in move["reason"]
    assert all(root == f"tenants/{tenant.id}" for _, root in _commits(fleet_remote, sid))


def test_a_draining_cluster_has_its_ready_stores_moved_off_by_the_platform(
    client: TestClient, settings: Settings, admin: Any, tenant: Any, kube_api: KubeCluster,
    beta_api: KubeCluster, fleet_remote: Path, tmp_path: Path,
) -> None:  # fmt: skip
    fleet = Fleet(fleet_remote, kube_api, beta_api)
    with fleet.running(client, settings):
        sid = _ready_store(client, tenant, fleet)
        home = str(settings.cluster_name)
        drained = client.patch(f"/api/v1/clusters/{home}", json={"state": "draining"}, headers=admin.headers)
        assert drained.status_code == 200, drained.text

        def refused() -> list[dict[str, Any]]:
            return [e for e in events(client, admin, sid) if e["event"] == "store.move_refused"]

        # nowhere to go yet: refused once, audited, and not tried again at every tick
        (refusal,) = wait_for(refused, what="the drain's refusal")
        assert refusal["actor"] == "system:drain" and refusal["detail"]["to"] is None, refusal
        _register_beta(client, admin, beta_api, tmp_path)
        client.portal.call(asyncio.sleep, 1.0)
        assert len(refused()) == 1
        # once its refusal is older than DRAIN_RETRY_S, the store moves to the active cluster
        _age_refusals(settings, sid)
        wait_for(lambda: client.get(f"/api/v1/stores/{sid}/move", headers=tenant.headers).json(),
                 what="the drain's move")  # fmt: skip
        _move_ends(client, fleet, tenant, sid, "done")
        store = client.get(f"/api/v1/stores/{sid}", headers=tenant.headers).json()
    assert store["cluster"]["name"] == TARGET and store["status"] == "ready"
    (requested,) = [e for e in events(client, admin, sid) if e["event"] == "store.move_requested"]
    assert requested["actor"] == "system:drain" and requested["detail"]["to"] == TARGET


def _age_refusals(settings: Settings, store_id: str) -> None:
    assert settings.database_url is not None
    with psycopg.connect(settings.database_url.get_secret_value(), autocommit=True) as conn:
        conn.execute(
            "UPDATE audit_events SET created_at = created_at - interval '1 day'"
            " WHERE store_id = %s AND event = 'store.move_refused'",
            (store_id,),
        )
