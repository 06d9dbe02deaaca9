"""Crashes and outages: every accepted change lands in git exactly once, and nothing is lost.

A crash is injected by making one step of the real writer raise (the steps before it really ran:
objects written, or the push really made); "restart" is a new writer on the same database and remote.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from fastapi.testclient import TestClient

from storefleet.api.fleet.fast_import import FastImport
from storefleet.api.fleet.git_repo import FleetRepo
from storefleet.api.fleet.repo import GitError


class Crash(Exception):
    pass


def _change_ids(human: Any) -> list[int]:
    human.pull()
    out = human.git("log", "--format=%(trailers:key=Change-Id,valueonly)")
    return [int(x) for x in out.split()]


def _pending(db: Any) -> int:
    return int(db.execute("SELECT count(*) AS n FROM outbox WHERE processed_at IS NULL").fetchone()["n"])


def _crash_in(monkeypatch: pytest.MonkeyPatch, point: str) -> None:
    real_commit, real_push = FastImport.commit, FleetRepo.push

    def commit(self: FastImport, *args: Any) -> Any:
        if point == "before_commit":
            raise Crash(point)  # the stores' files already written to git, as blobs
        return real_commit(self, *args)

    def push(self: FleetRepo, sha: str) -> None:
        if point == "before_push":
            raise Crash(point)  # the commits exist in the local clone only
        real_push(self, sha)
        if point == "after_push":
            raise Crash(point)  # pushed, but the database was never told

    monkeypatch.setattr(FastImport, "commit", commit)
    monkeypatch.setattr(FleetRepo, "push", push)


@pytest.mark.parametrize("point", ["before_commit", "before_push", "after_push"])
def test_a_crash_at_each_point_then_restart_is_exactly_once(
    client: TestClient,
    tenant: Any,
    new_store: Any,
    writer: Any,
    drain: Any,
    human: Any,
    db: Any,
    monkeypatch: pytest.MonkeyPatch,
    point: str,
) -> None:
    stores = [new_store(tenant, f"shop-{i}") for i in range(5)]
    with monkeypatch.context() as patch:
        _crash_in(patch, point)
        with pytest.raises(Crash):
            client.portal.call(writer.drain_once)  # type: ignore[union-attr]
    assert _pending(db) == 5
    assert drain() == 5  # the restarted writer (a fresh instance, see the drain fixture)
    ids = _change_ids(human)
    outbox = [r["id"] for r in db.execute("SELECT id FROM outbox ORDER BY id")]
    assert Counter(ids) == Counter(outbox), "each change exactly once in git"
    for store in stores:
        got = client.get(f"/api/v1/stores/{store['id']}", headers=tenant.headers).json()
        assert got["status"] == "provisioning" and got["last_commit_sha"]


def test_an_unreachable_remote_loses_nothing(
    client: TestClient,
    tenant: Any,
    new_store: Any,
    writer: Any,
    drain: Any,
    human: Any,
    db: Any,
    fleet_remote: Any,
) -> None:
    moved = fleet_remote.with_name("away.git")
    fleet_remote.rename(moved)
    try:
        for i in range(3):
            response = client.post(
                "/api/v1/stores", json={"name": f"shop-{i}", "engine": "medusa"}, headers=tenant.headers
            )
            assert response.status_code == 202  # accepted while git is down
        with pytest.raises(GitError):
            client.portal.call(writer.drain_once)  # type: ignore[union-attr]
        assert _pending(db) == 3
    finally:
        moved.rename(fleet_remote)
    assert drain() == 3
    assert len(_change_ids(human)) == 3


def test_a_push_rejected_by_a_persons_commit_is_rebuilt_never_merged_or_forced(
    client: TestClient,
    tenant: Any,
    new_store: Any,
    drain: Any,
    human: Any,
    human_races_pushes: Any,
    db: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A person pushes between the writer's build and its push, twice: each push is rejected, the
    batch is rebuilt on the new head, and the person's commits stay."""
    for i in range(6):
        new_store(tenant, f"shop-{i}")
    pushes = human_races_pushes(2)
    assert drain() == 6
    assert pushes["n"] == 3  # two rejected, then the rebuilt batch
    monkeypatch.undo()
    human.pull()
    log = human.git("log", "--format=%s").splitlines()
    assert "hand edit 1" in log and "hand edit 2" in log
    assert (human.path / "notes-1.md").exists() and (human.path / "notes-2.md").exists()
    ids = _change_ids(human)
    assert sorted(ids) == [r["id"] for r in db.execute("SELECT id FROM outbox ORDER BY id")]
    assert human.git("log", "--merges", "--format=%H").strip() == ""  # never a merge


def test_a_change_id_from_another_database_does_not_count_as_pushed(
    client: TestClient, tenant: Any, new_store: Any, drain: Any, human: Any, db: Any
) -> None:
    """A fleet repo outlives a database (restore, reinstall): its old commits carry Change-Ids that
    the new outbox reuses from 1. Those must not pass for the new changes."""
    human.pull()
    (human.path / "tenants/u-previous000/st-previous00").mkdir(parents=True)
    (human.path / "tenants/u-previous000/st-previous00/store.yaml").write_text("old: install\n")
    human.git("add", "-A")
    human.git("commit", "-qm", "store: create old\n\nStore-Id: st-previous00\nChange-Id: 1\n")
    human.git("push", "-q", "origin", "HEAD:main")
    store = new_store(tenant, "acme-shop")
    assert db.execute("SELECT id FROM outbox").fetchone()["id"] == 1
    drain()
    human.pull()
    assert (human.path / f"tenants/{tenant.id}/{store['id']}/store.yaml").exists()
    got = client.get(f"/api/v1/stores/{store['id']}", headers=tenant.headers).json()
    assert got["last_commit_sha"] == human.head()
