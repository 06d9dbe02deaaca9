"""Each store change becomes exactly one commit, with trailers, touching only its directory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from storefleet.renderer.validate import validate_tree


def _trailers(clone: Any, rev: str = "HEAD") -> dict[str, str]:
    out = clone.git("log", "-1", "--format=%(trailers:only,unfold)", rev)
    return dict(line.split(": ", 1) for line in out.strip().splitlines())


def _changed(clone: Any, rev: str = "HEAD") -> list[str]:
    return clone.git("diff-tree", "--no-commit-id", "--name-only", "-r", rev).split()


def _count(clone: Any) -> int:
    return int(clone.git("rev-list", "--count", "HEAD").strip())


def test_create_commits_once_and_moves_to_provisioning(
    client: TestClient, tenant: Any, new_store: Any, drain: Any, human: Any, db: Any, crd_dir: Path
) -> None:
    before = _count(human)
    store = new_store(tenant, "acme-shop", theme="astra")
    assert drain() == 1
    human.pull()
    assert _count(human) == before + 1
    directory = f"tenants/{tenant.id}/{store['id']}"
    assert {Path(p).parent.as_posix() for p in _changed(human)} == {directory}
    trailers = _trailers(human)
    assert trailers["Store-Id"] == store["id"] and trailers["Tenant"] == tenant.id
    assert trailers["Action"] == "create" and trailers["Spec-Hash"] == store["spec_hash"]
    assert trailers["Request-Id"] and trailers["Change-Id"] and trailers["Requested-By"].startswith("alice")
    summary = human.git("log", "-1", "--format=%s")
    assert summary.strip() == f"store: create acme-shop (woocommerce) for tenant {tenant.id}"
    assert validate_tree(human.path, crd_dir) == []
    got = client.get(f"/api/v1/stores/{store['id']}", headers=tenant.headers).json()
    assert got["status"] == "provisioning" and got["last_commit_sha"] == human.head()
    assert "waiting for the cluster" in got["status_message"]
    outbox = db.execute("SELECT processed_at, commit_sha FROM outbox").fetchall()
    assert [r["commit_sha"] for r in outbox] == [human.head()]
    assert drain() == 0  # nothing left, nothing committed again


def test_update_delete_and_identical_retry(
    client: TestClient, tenant: Any, new_store: Any, drain: Any, human: Any, set_status: Any
) -> None:
    store = new_store(tenant, "acme-shop")
    drain()
    set_status(store["id"], "ready")
    response = client.patch(f"/api/v1/stores/{store['id']}", json={"plan": "large"}, headers=tenant.headers)
    assert response.status_code == 202 and response.json()["status"] == "updating"
    assert response.json()["plan"] == "large"
    drain()
    human.pull()
    assert _trailers(human)["Action"] == "update"
    assert human.git("log", "-1", "--format=%s").strip() == "store: update acme-shop (plan small -> large)"
    assert b"plan: large" in (human.path / f"tenants/{tenant.id}/{store['id']}/store.yaml").read_bytes()
    # a retry that renders the same bytes makes no commit
    set_status(store["id"], "failed")
    commits = _count(human)
    assert client.post(f"/api/v1/stores/{store['id']}/retry", headers=tenant.headers).status_code == 202
    drain()
    human.pull()
    assert _count(human) == commits
    assert (
        client.get(f"/api/v1/stores/{store['id']}", headers=tenant.headers).json()["status"] == "provisioning"
    )
    assert client.delete(f"/api/v1/stores/{store['id']}", headers=tenant.headers).status_code == 202
    drain()
    human.pull()
    assert _trailers(human)["Action"] == "delete"
    assert not (human.path / f"tenants/{tenant.id}/{store['id']}").exists()
    assert client.get(f"/api/v1/stores/{store['id']}", headers=tenant.headers).json()["status"] == "deleting"


def test_patch_rules(
    client: TestClient, tenant: Any, new_store: Any, drain: Any, set_status: Any, db: Any
) -> None:
    woo = new_store(tenant, "woo-shop")
    medusa = new_store(tenant, "medusa-shop", engine="medusa")
    drain()
    # a change while the store converges is taken at once: one more commit, still provisioning
    converging = client.patch(f"/api/v1/stores/{woo['id']}", json={"plan": "medium"}, headers=tenant.headers)
    assert converging.status_code == 202 and converging.json()["status"] == "provisioning"
    assert converging.json()["plan"] == "medium"
    drain()
    set_status(woo["id"], "ready")
    set_status(medusa["id"], "ready")
    same = client.patch(f"/api/v1/stores/{woo['id']}", json={"plan": "medium"}, headers=tenant.headers)
    assert same.status_code == 200 and same.json()["status"] == "ready"
    theme = client.patch(f"/api/v1/stores/{medusa['id']}", json={"theme": "astra"}, headers=tenant.headers)
    assert theme.status_code == 422 and theme.json()["error"]["details"][0]["field"] == "theme"
    for body in ({"plan": "huge"}, {"engine": "medusa"}, {"name": "other"}):
        assert (
            client.patch(f"/api/v1/stores/{woo['id']}", json=body, headers=tenant.headers).status_code == 422
        )
    pending = db.execute("SELECT count(*) AS n FROM outbox WHERE processed_at IS NULL").fetchone()["n"]
    assert pending == 0


def test_deleting_a_store_that_never_reached_git_completes_at_once(
    client: TestClient, tenant: Any, new_store: Any, drain: Any, db: Any, human: Any
) -> None:
    store = new_store(tenant, "acme-shop")
    db.execute("UPDATE outbox SET processed_at = now()")  # as if the create had been dropped
    client.delete(f"/api/v1/stores/{store['id']}", headers=tenant.headers)
    commits = _count(human)
    drain()
    human.pull()
    assert _count(human) == commits
    assert client.get(f"/api/v1/stores/{store['id']}", headers=tenant.headers).json()["status"] == "deleted"


def test_many_changes_are_one_commit_each_and_one_push(
    client: TestClient, tenant: Any, other_tenant: Any, new_store: Any, drain: Any, human: Any, db: Any
) -> None:
    before = _count(human)
    for i in range(30):
        new_store(tenant if i % 2 else other_tenant, f"shop-{i}")
    assert drain() == 30
    human.pull()
    assert _count(human) == before + 30
    ids = human.git("log", f"-{30}", "--format=%(trailers:key=Change-Id,valueonly)").split()
    assert sorted(map(int, ids)) == [r["id"] for r in db.execute("SELECT id FROM outbox ORDER BY id")]


def test_fleet_metrics_and_status(
    client: TestClient, admin: Any, tenant: Any, new_store: Any, drain: Any, human: Any
) -> None:
    new_store(tenant, "acme-shop")
    status = client.get("/api/v1/fleet", headers=admin.headers).json()
    assert status["outbox_depth"] == 1 and status["outbox_oldest_age_seconds"] >= 0
    drain()
    human.pull()
    status = client.get("/api/v1/fleet", headers=admin.headers).json()
    assert status["outbox_depth"] == 0 and status["last_pushed_sha"] == human.head()
    assert client.get("/api/v1/fleet", headers=tenant.headers).status_code == 403
    body = client.get("/api/v1/metrics", headers=admin.headers).text
    for name in (
        'fleet_commits_total{action="create"}',
        "fleet_push_seconds_bucket",
        "outbox_depth",
        "outbox_oldest_age_seconds",
        "fleet_push_conflicts_total",
        "store_transitions_total",
    ):
        assert name in body, name


def test_a_change_that_cannot_render_fails_its_store_and_not_the_batch(
    client: TestClient, tenant: Any, new_store: Any, drain: Any, human: Any, db: Any
) -> None:
    broken = new_store(tenant, "broken-shop")
    fine = new_store(tenant, "fine-shop")
    db.execute(
        """UPDATE outbox SET spec = jsonb_set(spec, '{engine}', '"magento"') WHERE store_id = %s""",
        (broken["id"],),
    )
    assert drain() == 2  # both handled: one committed, one refused
    human.pull()
    assert (human.path / f"tenants/{tenant.id}/{fine['id']}").is_dir()
    assert not (human.path / f"tenants/{tenant.id}/{broken['id']}").exists()
    failed = client.get(f"/api/v1/stores/{broken['id']}", headers=tenant.headers).json()
    assert failed["status"] == "failed" and "cannot be rendered" in failed["error"]
    row = db.execute(
        "SELECT processed_at, last_error FROM outbox WHERE store_id = %s", (broken["id"],)
    ).fetchone()
    assert row["processed_at"] is not None and "magento" in row["last_error"]


def test_desired_state_changes_in_every_live_status_and_never_once_deleting(
    client: TestClient, tenant: Any, new_store: Any, drain: Any, human: Any, set_status: Any
) -> None:
    store = new_store(tenant, "acme-shop")
    path = f"/api/v1/stores/{store['id']}"
    before = _count(human)
    # still `requested` (not committed yet): the create and the change are two commits
    requested = client.patch(path, json={"plan": "medium"}, headers=tenant.headers)
    assert requested.status_code == 202 and requested.json()["status"] == "requested"
    drain()
    human.pull()
    assert _count(human) == before + 2
    assert [_trailers(human, rev)["Action"] for rev in ("HEAD~1", "HEAD")] == ["create", "update"]
    got = client.get(path, headers=tenant.headers).json()
    assert got["status"] == "provisioning" and got["last_commit_sha"] == human.head()
    assert human.head()[:12] in got["status_message"], "it waits for the newest commit"
    # `updating`: a second change is taken too, and the store keeps updating
    set_status(store["id"], "updating")
    again = client.patch(path, json={"plan": "large"}, headers=tenant.headers)
    assert again.status_code == 202 and again.json()["status"] == "updating"
    drain()
    changed = client.get(f"{path}/logs", headers=tenant.headers).json()
    assert [e["event"] for e in changed["events"] if e["event"] == "store.changed"] == ["store.changed"] * 2
    # a store being deleted takes no new desired state
    assert client.delete(path, headers=tenant.headers).status_code == 202
    refused = client.patch(path, json={"plan": "small"}, headers=tenant.headers)
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "STORE_BUSY"
