"""The git-side sync and a store's move to another cluster (docs/clusters.md "Moving a store"): a
person's change to the move's copy under the target's root is left to the move, not taken as the
store's spec; a person's removal of it ends the move, and nothing more is committed."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from psycopg.types.json import Jsonb

from storefleet.renderer.spec import StoreSpec
from tests.api.fleet.test_cluster_roots import _cluster


def _move_in_flight(db: Any, sid: str, target_root: str) -> None:
    """A move of the store whose create commit is done (as the target's watcher left it)."""
    row = db.execute("SELECT spec, spec_hash FROM stores WHERE id = %s", (sid,)).fetchone()
    target = StoreSpec.model_validate({**row["spec"], "cluster": target_root}).to_document()
    db.execute(
        "INSERT INTO store_moves (store_id, target_cluster_id, target_cluster, stage, backup, restore,"
        " source_spec_hash, target_spec, target_created, requested_by)"
        " SELECT %s, id, name, 'restoring', 'storefleet-b1', 'r1', %s, %s, true, 'u-admin'"
        " FROM clusters WHERE name = %s",
        (sid, row["spec_hash"], Jsonb(target), target_root),
    )


def test_a_person_s_edit_of_a_move_s_copy_is_left_to_the_move_and_its_removal_ends_it(
    client: TestClient, admin: Any, tenant: Any, drain: Any, sync: Any, human: Any, set_status: Any, db: Any
) -> None:
    sid = client.post(
        "/api/v1/stores", json={"name": "moving-shop", "engine": "medusa"}, headers=tenant.headers
    )
    sid = sid.json()["id"]
    _cluster(client, admin, "fra-1")
    drain()
    sync()  # baseline
    set_status(sid, "ready")
    _move_in_flight(db, sid, "fra-1")
    human.pull()
    source, target = f"tenants/{tenant.id}/{sid}", f"clusters/fra-1/tenants/{tenant.id}/{sid}"
    (human.path / target).mkdir(parents=True)
    spec = (human.path / source / "store.yaml").read_text()
    (human.path / target / "store.yaml").write_text(spec + "cluster: fra-1\n")
    human.git("add", "-A")
    human.git("commit", "-qm", "a copy of moving-shop on fra-1")
    human.git("push", "-q", "origin", "HEAD:main")
    assert sync().actions == [f"ignored {sid}: its directory on fra-1 belongs to a move in flight"]
    store = client.get(f"/api/v1/stores/{sid}", headers=tenant.headers).json()
    assert store["status"] == "ready" and store["cluster"]["name"] != "fra-1"

    human.git("rm", "-rq", target)
    human.git("commit", "-qm", "no move after all")
    human.git("push", "-q", "origin", "HEAD:main")
    (action,) = sync().actions
    assert action.startswith(
        f"move of {sid} to fra-1 ended: the store's directory on fra-1 was removed in git"
    )
    move = client.get(f"/api/v1/stores/{sid}/move", headers=tenant.headers).json()
    assert move["stage"] == "failed" and "removed in git" in move["reason"]
    outbox = db.execute(
        "SELECT count(*) AS n FROM outbox WHERE store_id = %s AND processed_at IS NULL", (sid,)
    )
    assert outbox.fetchone()["n"] == 0  # nothing more to commit: the person removed it already
    assert client.get(f"/api/v1/stores/{sid}", headers=tenant.headers).json()["status"] == "ready"
