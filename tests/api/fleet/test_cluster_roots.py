"""Stores of a cluster other than the home one live under that cluster's root in the fleet repo:
the writer commits them there, deletes them there, and the git-side sync reads people's changes
there — including a store a person moves from one root to another."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.api.fleet.conftest import git


def _files(remote: Any, prefix: str) -> list[str]:
    listed = git("ls-tree", "-r", "--name-only", "main", "--", prefix, cwd=remote)
    return sorted(line for line in listed.splitlines() if line)


def _cluster(client: TestClient, admin: Any, name: str) -> None:
    body = {"name": name, "applier": "flux", "access": {"kind": "in_cluster"}}
    assert client.post("/api/v1/clusters", json=body, headers=admin.headers).status_code == 201


def test_a_store_of_another_cluster_is_committed_and_removed_under_its_root(
    client: TestClient, admin: Any, tenant: Any, drain: Any, fleet_remote: Any, set_status: Any
) -> None:
    _cluster(client, admin, "fra-1")
    body = {"name": "far-shop", "engine": "medusa", "cluster": "fra-1"}
    store = client.post("/api/v1/stores", json=body, headers=tenant.headers).json()
    drain()
    root = f"clusters/fra-1/tenants/{tenant.id}/{store['id']}"
    assert f"{root}/store.yaml" in _files(fleet_remote, root)
    assert _files(fleet_remote, f"tenants/{tenant.id}") == []
    assert "cluster: fra-1" in git("show", f"main:{root}/store.yaml", cwd=fleet_remote)
    set_status(store["id"], "ready")
    assert client.delete(f"/api/v1/stores/{store['id']}", headers=tenant.headers).status_code == 202
    drain()
    assert _files(fleet_remote, root) == []


def test_a_person_moving_a_store_between_roots_moves_it_without_deleting_it(
    client: TestClient, admin: Any, tenant: Any, drain: Any, sync: Any, human: Any, set_status: Any, db: Any
) -> None:
    store = client.post(
        "/api/v1/stores", json={"name": "moving-shop", "engine": "medusa"}, headers=tenant.headers
    )
    sid = store.json()["id"]
    _cluster(client, admin, "fra-1")  # after: the store is on the home cluster
    drain()
    sync()  # baseline
    set_status(sid, "ready")
    human.pull()
    source, target = f"tenants/{tenant.id}/{sid}", f"clusters/fra-1/tenants/{tenant.id}/{sid}"
    (human.path / "clusters/fra-1/tenants" / tenant.id).mkdir(parents=True)
    human.git("mv", source, target)
    spec = (human.path / target / "store.yaml").read_text()
    (human.path / target / "store.yaml").write_text(spec + "cluster: fra-1\n")
    human.git("commit", "-qam", "move moving-shop to fra-1")
    human.git("push", "-q", "origin", "HEAD:main")
    report = sync()
    assert report.actions == [
        f"updated {sid}",
        f"nothing to delete: {sid} is under clusters/fra-1/tenants",
    ], report
    moved = client.get(f"/api/v1/stores/{sid}", headers=tenant.headers).json()
    assert (moved["status"], moved["cluster"]["name"]) == ("updating", "fra-1")
    row = db.execute(
        "SELECT c.name FROM stores s JOIN clusters c ON c.id = s.cluster_id WHERE s.id = %s", (sid,)
    )
    assert row.fetchone()["name"] == "fra-1"


def test_a_store_yaml_under_the_wrong_root_is_reported_not_applied(
    client: TestClient, tenant: Any, drain: Any, sync: Any, human: Any, db: Any
) -> None:
    store = client.post(
        "/api/v1/stores", json={"name": "lost-shop", "engine": "medusa"}, headers=tenant.headers
    )
    sid = store.json()["id"]
    drain()
    sync()
    human.pull()
    yaml_path = human.path / f"tenants/{tenant.id}/{sid}/store.yaml"
    yaml_path.write_text(yaml_path.read_text() + "cluster: par-1\n")
    human.git("commit", "-qam", "name a cluster without moving the directory")
    human.git("push", "-q", "origin", "HEAD:main")
    report = sync()
    assert report.actions == [f"ignored {sid}: store.yaml names cluster par-1 but lies under tenants"]
    event = db.execute("SELECT detail FROM audit_events WHERE event = 'fleet.invalid_store_dir'").fetchone()
    assert "par-1" in event["detail"]["problem"]
