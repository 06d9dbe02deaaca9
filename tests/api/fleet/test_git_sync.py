"""Changes people make in git flow back into the platform; nothing else does."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from storefleet.api.fleet.repo import GitError


def _store(client: TestClient, account: Any, store_id: str) -> dict[str, Any]:
    body: dict[str, Any] = client.get(f"/api/v1/stores/{store_id}", headers=account.headers).json()
    return body


@pytest.fixture
def ready_store(
    client: TestClient, tenant: Any, new_store: Any, drain: Any, set_status: Any, sync: Any
) -> Any:
    """A committed store, ready, whose plan the platform then changed to large (sync baselined)."""
    store = new_store(tenant, "acme-shop")
    drain()
    sync()  # baseline
    set_status(store["id"], "ready")
    response = client.patch(f"/api/v1/stores/{store['id']}", json={"plan": "large"}, headers=tenant.headers)
    assert response.status_code == 202
    drain()
    set_status(store["id"], "ready")
    return store


def test_the_platforms_own_commits_change_nothing(
    client: TestClient, tenant: Any, sync: Any, ready_store: Any
) -> None:
    store = ready_store
    report = sync()
    assert report.commits == 1 and report.external == 0 and report.error is None
    assert _store(client, tenant, store["id"])["status"] == "ready"


def test_a_human_git_revert_reverts_the_spec(
    client: TestClient, tenant: Any, sync: Any, human: Any, db: Any, ready_store: Any
) -> None:
    store = ready_store
    sync()
    human.pull()
    human.git("revert", "--no-edit", "HEAD")
    human.git("push", "-q", "origin", "HEAD:main")
    report = sync()
    assert report.external == 1 and report.actions == [f"updated {store['id']}"]
    after = _store(client, tenant, store["id"])
    assert after["plan"] == "small" and after["status"] == "updating"
    assert after["last_commit_sha"] == human.head() and "Pat Engineer" in after["status_message"]
    event = db.execute(
        "SELECT before, after, detail FROM audit_events WHERE event = 'store.changed_in_git'"
    ).fetchone()
    assert (event["before"]["plan"], event["after"]["plan"]) == ("large", "small")
    assert event["detail"]["author"] == "Pat Engineer"
    history = client.get(f"/api/v1/stores/{store['id']}/history", headers=tenant.headers).json()["commits"]
    assert history[0]["action"] == "external" and history[0]["summary"].startswith('Revert "store: update')


def test_hand_edit_removal_and_adoption(
    client: TestClient, tenant: Any, sync: Any, human: Any, db: Any, ready_store: Any
) -> None:
    store = ready_store
    sync()
    human.pull()
    directory = human.path / f"tenants/{tenant.id}/{store['id']}"
    # adopt: a platform engineer copies the store into a new directory for the same tenant
    adopted_id = "st-aaaaaaaaaa"
    adopted = human.path / f"tenants/{tenant.id}/{adopted_id}"
    adopted.mkdir()
    text = (directory / "store.yaml").read_text()
    (adopted / "store.yaml").write_text(
        text.replace(store["id"], adopted_id).replace("acme-shop", "copied-shop")
    )
    human.git("add", "-A")
    human.git("commit", "-qm", "adopt a hand-made store")
    # and removes the original in a second commit
    human.git("rm", "-rq", f"tenants/{tenant.id}/{store['id']}")
    human.git("commit", "-qm", "remove acme-shop by hand")
    human.git("push", "-q", "origin", "HEAD:main")
    report = sync()
    assert report.actions == [f"adopted {adopted_id}", f"deleting {store['id']}"]
    assert _store(client, tenant, store["id"])["status"] == "deleting"
    copy = _store(client, tenant, adopted_id)
    assert (copy["name"], copy["status"], copy["owner_id"]) == ("copied-shop", "provisioning", tenant.id)
    assert (
        db.execute("SELECT count(*) AS n FROM audit_events WHERE event = 'store.adopted'").fetchone()["n"]
        == 1
    )


def test_bad_hand_edits_are_reported_not_applied(
    client: TestClient, tenant: Any, sync: Any, human: Any, db: Any, ready_store: Any
) -> None:
    store = ready_store
    sync()
    human.pull()
    (human.path / f"tenants/{tenant.id}/{store['id']}/store.yaml").write_text("engine: [not valid\n")
    unknown = human.path / "tenants/u-nobodyhere1/st-bbbbbbbbbb"
    unknown.mkdir(parents=True)
    (unknown / "store.yaml").write_text(
        (human.path / f"tenants/{tenant.id}").joinpath(store["id"], "namespace.yaml").read_text()
    )
    human.git("add", "-A")
    human.git("commit", "-qm", "broken edits")
    human.git("push", "-q", "origin", "HEAD:main")
    report = sync()
    assert all(action.startswith("ignored") for action in report.actions)
    assert _store(client, tenant, store["id"])["plan"] == "large"
    events = {r["event"] for r in db.execute("SELECT event FROM audit_events WHERE event LIKE 'fleet.%'")}
    assert "fleet.invalid_store_dir" in events


def test_a_directory_left_without_store_yaml_is_reported_not_deleted(
    client: TestClient, tenant: Any, sync: Any, human: Any, db: Any, ready_store: Any
) -> None:
    store = ready_store
    sync()
    human.pull()
    human.git("rm", "-q", f"tenants/{tenant.id}/{store['id']}/store.yaml")
    human.git("commit", "-qm", "drop the store's store.yaml only")
    human.git("push", "-q", "origin", "HEAD:main")
    report = sync()
    assert report.actions == [f"ignored {store['id']}: the directory has no store.yaml"]
    assert _store(client, tenant, store["id"])["status"] == "ready"
    events = [r["event"] for r in db.execute("SELECT event FROM audit_events WHERE event LIKE 'fleet.%'")]
    assert events == ["fleet.invalid_store_dir"]


def test_rewritten_history_pauses_the_sync_until_rebaselined(
    client: TestClient, admin: Any, tenant: Any, sync: Any, human: Any, ready_store: Any
) -> None:
    store = ready_store
    sync()
    human.pull()
    human.git("reset", "-q", "--hard", "HEAD~2")
    human.git("commit", "-q", "--allow-empty", "-m", "rewritten")
    human.git("push", "-q", "--force", "origin", "HEAD:main")
    report = sync()
    assert report.error and "rewritten" in report.error
    assert _store(client, tenant, store["id"])["status"] == "ready"  # nothing deleted
    status = client.get("/api/v1/fleet", headers=admin.headers).json()
    assert status["sync_error"] and "rewritten" in status["sync_error"]
    assert client.get("/api/v1/health").json()["checks"]["fleet"]["status"] in ("ok", "degraded")
    rebased = client.post("/api/v1/fleet/sync/rebaseline", headers=admin.headers)
    assert rebased.status_code == 200 and rebased.json()["sync_error"] is None
    assert rebased.json()["last_synced_sha"] == human.head()
    assert sync().error is None
    assert client.post("/api/v1/fleet/sync/rebaseline", headers=tenant.headers).status_code == 403


def test_a_failed_fetch_changes_nothing(
    client: TestClient, tenant: Any, sync: Any, fleet_remote: Any, ready_store: Any
) -> None:
    store = ready_store
    moved = fleet_remote.with_name("moved.git")
    fleet_remote.rename(moved)
    try:
        with pytest.raises(GitError):
            sync()
    finally:
        moved.rename(fleet_remote)
    assert _store(client, tenant, store["id"])["status"] == "ready"
