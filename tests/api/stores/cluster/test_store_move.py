"""POST /api/v1/stores/{id}/move {cluster}: the request takes a fresh backup of the store in its
cluster (the test Kubernetes API, Velero's API served by its double) and records the move at stage
`backing_up`, audited, committing nothing; and every refusal, each a 4xx with a code, audited as
`store.move_refused`, with nothing written."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from storefleet.api.settings import Settings
from storefleet.renderer.backup_policy import schedule_name
from storefleet_demo.kube.cluster import KubeCluster
from tests.api.stores.cluster.test_backups import _app, _code
from tests.kube.velero_double import VeleroDouble

CLUSTERS = "/api/v1/clusters"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"backups_enabled": True})


@pytest.fixture
def velero_double(kube_api: KubeCluster) -> VeleroDouble:
    return VeleroDouble(kube_api)


@pytest.fixture
def ready(new_store: Any, set_status: Callable[[str, str], None], tenant: Any) -> Callable[..., str]:
    def _make(name: str = "acme-shop", status: str = "ready") -> str:
        sid = str(new_store(tenant, name)["id"])
        set_status(sid, status)
        return sid

    return _make


def _register(client: TestClient, admin: Any, name: str = "beta", **fields: Any) -> None:
    body = {"name": name, "applier": "flux", "access": {"kind": "in_cluster"}, **fields}
    answer = client.post(CLUSTERS, json=body, headers=admin.headers)
    assert answer.status_code == 201, answer.text


def _move(client: TestClient, account: Any, sid: str, cluster: str = "beta") -> Any:
    return client.post(f"/api/v1/stores/{sid}/move", json={"cluster": cluster}, headers=account.headers)


def _written(db: Any, sid: str) -> tuple[int, int, list[str]]:
    moves = db.execute("SELECT count(*) AS n FROM store_moves WHERE store_id = %s", (sid,)).fetchone()["n"]
    outbox = db.execute("SELECT count(*) AS n FROM outbox WHERE store_id = %s", (sid,)).fetchone()["n"]
    refused = db.execute(
        "SELECT detail->>'code' AS code FROM audit_events"
        " WHERE store_id = %s AND event = 'store.move_refused' ORDER BY id",
        (sid,),
    ).fetchall()
    return moves, outbox, [row["code"] for row in refused]


def test_a_move_takes_a_backup_on_the_source_and_waits_for_it_committing_nothing(
    client: TestClient, db: Any, admin: Any, tenant: Any, ready: Any, velero_double: VeleroDouble
) -> None:
    sid = ready()
    _register(client, admin)
    answer = _move(client, admin, sid)
    assert answer.status_code == 202, answer.text
    move = answer.json()
    assert (move["stage"], move["target_cluster"], move["store_id"]) == ("backing_up", "beta", sid)
    assert move["backup"].startswith(f"storefleet-{sid}-")
    backups = velero_double.backups()
    assert [b["metadata"]["name"] for b in backups] == [move["backup"]]
    assert backups[0]["metadata"]["labels"]["velero.io/schedule-name"] == schedule_name(sid)
    assert _written(db, sid) == (1, 1, [])  # the store's own create only: the move committed nothing
    audit = db.execute(
        "SELECT detail FROM audit_events WHERE store_id = %s AND event = 'store.move_requested'", (sid,)
    ).fetchone()
    assert audit["detail"]["to"] == "beta" and audit["detail"]["backup"] == move["backup"]
    seen = client.get(f"/api/v1/stores/{sid}/move", headers=tenant.headers)
    assert seen.status_code == 200 and seen.json()["stage"] == "backing_up"
    again = _move(client, admin, sid)
    assert (again.status_code, _code(again)) == (409, "MOVE_IN_PROGRESS")


def test_only_admins_move_stores(client: TestClient, db: Any, admin: Any, tenant: Any, ready: Any) -> None:
    sid = ready()
    _register(client, admin)
    answer = _move(client, tenant, sid)
    assert answer.status_code == 403
    assert _written(db, sid)[:2] == (0, 1)


def test_a_store_never_moved_has_no_move(client: TestClient, tenant: Any, ready: Any) -> None:
    answer = client.get(f"/api/v1/stores/{ready()}/move", headers=tenant.headers)
    assert (answer.status_code, answer.json()) == (200, None)  # a read states the fact


@pytest.mark.parametrize(
    ("target", "fields", "status", "code"),
    [
        ("nowhere", None, 422, "UNKNOWN_CLUSTER"),
        ("beta", {"state": "cordoned"}, 409, "CLUSTER_NOT_ACTIVE"),
        ("beta", {"state": "draining"}, 409, "CLUSTER_NOT_ACTIVE"),
        ("beta", {"capacity": {"max_cpu_cores": 0.01}}, 429, "CLUSTER_CAPACITY"),
    ],
)
def test_a_target_that_cannot_take_the_store_is_refused(
    client: TestClient, db: Any, admin: Any, ready: Any, target: str, fields: Any, status: int, code: str
) -> None:
    sid = ready()
    _register(client, admin, **(fields or {}))
    answer = _move(client, admin, sid, target)
    assert (answer.status_code, _code(answer)) == (status, code)
    assert _written(db, sid) == (0, 1, [code])


def test_the_store_s_own_cluster_is_refused(client: TestClient, db: Any, admin: Any, ready: Any) -> None:
    sid = ready()
    (home,) = client.get(CLUSTERS, headers=admin.headers).json()["items"]
    answer = _move(client, admin, sid, home["name"])
    assert (answer.status_code, _code(answer)) == (409, "MOVE_SAME_CLUSTER")
    assert _written(db, sid) == (0, 1, ["MOVE_SAME_CLUSTER"])


@pytest.mark.parametrize("status", ["updating", "failed", "restoring", "degraded"])
def test_a_store_that_is_not_ready_is_refused_naming_its_status(
    client: TestClient, db: Any, admin: Any, ready: Any, status: str
) -> None:
    sid = ready(status=status)
    _register(client, admin)
    answer = _move(client, admin, sid)
    assert (answer.status_code, _code(answer)) == (409, "STORE_NOT_READY")
    assert status in answer.json()["error"]["message"]
    assert _written(db, sid) == (0, 1, ["STORE_NOT_READY"])


def test_without_backups_the_move_is_refused_saying_what_to_configure(
    settings: Settings, db: Any, admin: Any, tenant: Any
) -> None:
    with _app(settings, backups_enabled=False) as client:
        sid = client.post(
            "/api/v1/stores", json={"name": "acme-shop", "engine": "woocommerce"}, headers=tenant.headers
        ).json()["id"]
        db.execute("UPDATE stores SET status = 'ready' WHERE id = %s", (sid,))
        _register(client, admin)
        answer = _move(client, admin, sid)
    assert (answer.status_code, _code(answer)) == (409, "MOVE_NEEDS_BACKUP")
    assert "BACKUPS_ENABLED=true" in answer.json()["error"]["message"]
    assert "BackupStorageLocation" in answer.json()["error"]["message"]
    assert _written(db, sid) == (0, 1, ["MOVE_NEEDS_BACKUP"])


def test_a_target_the_platform_cannot_reach_is_refused(
    client: TestClient, db: Any, admin: Any, ready: Any
) -> None:
    sid = ready()
    _register(client, admin)
    db.execute("UPDATE clusters SET access_kind = 'none' WHERE name = 'beta'")
    answer = _move(client, admin, sid)
    assert (answer.status_code, _code(answer)) == (409, "MOVE_NEEDS_BACKUP")
    assert _written(db, sid) == (0, 1, ["MOVE_NEEDS_BACKUP"])


def test_a_store_a_rollout_still_has_to_change_is_refused(
    client: TestClient, db: Any, admin: Any, ready: Any, velero_double: VeleroDouble
) -> None:
    sid = ready()
    _register(client, admin)
    db.execute(
        "INSERT INTO rollouts (id, state, kind, target, chart_version, selector, steps, gate, created_by)"
        " VALUES ('ro-test', 'paused', 'chart_version', '\"0.4.0\"', '0.4.0', '{}', '[]', '{}', 'root')"
    )
    db.execute("INSERT INTO rollout_stores (rollout_id, store_id, wave) VALUES ('ro-test', %s, 2)", (sid,))
    answer = _move(client, admin, sid)
    assert (answer.status_code, _code(answer)) == (409, "STORE_IN_ROLLOUT")
    assert "ro-test" in answer.json()["error"]["message"]
    assert _written(db, sid) == (0, 1, ["STORE_IN_ROLLOUT"])
    db.execute("UPDATE rollout_stores SET state = 'committed' WHERE store_id = %s", (sid,))
    later = _move(client, admin, sid)
    assert later.status_code == 202, later.text  # its wave is behind it


def test_a_source_without_velero_is_refused_saying_what_to_install(
    client: TestClient, db: Any, admin: Any, ready: Any
) -> None:
    sid = ready()
    _register(client, admin)
    answer = _move(client, admin, sid)
    assert (answer.status_code, _code(answer)) == (409, "MOVE_NEEDS_BACKUP")
    assert "serves no Velero API" in answer.json()["error"]["message"]
    assert _written(db, sid) == (0, 1, ["MOVE_NEEDS_BACKUP"])
