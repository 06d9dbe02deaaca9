"""The writer's and the git-side sync's logic on the in-memory fleet repo: the real database and the
real rendering, no git. The other parties on the remote are played by the test."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY

from storefleet.api.core.services import app_services
from storefleet.api.fleet.gitsync import GitSync
from storefleet.api.fleet.memory_repo import MemoryFleetRepo, MemoryRemote
from storefleet.api.fleet.reader import FleetReader
from storefleet.api.fleet.repo import FleetRepository, Identity
from storefleet.api.fleet.writer import FleetWriter
from storefleet.api.settings import Settings

# The app's own fleet set-up (a git remote) is not used here: one of its variants is enough.
pytestmark = pytest.mark.parametrize("settings", ["local"], indirect=True)

ME = Identity("storefleet", "storefleet@localhost")
PAT = Identity("Pat Engineer", "pat@example.com")


class Crash(Exception):
    pass


class CrashAfterPush(MemoryFleetRepo):
    """Pushes, then dies before the writer can record the push."""

    def push(self, sha: str) -> None:
        super().push(sha)
        raise Crash(sha)


@pytest.fixture
def remote() -> MemoryRemote:
    remote = MemoryRemote()
    remote.commit("main", {"README.md": b"# fleet\n"}, "fleet: initialise", author=ME)
    return remote


@pytest.fixture
def repo_key(tmp_path: Path) -> str:
    return f"memory:{tmp_path}#main"  # the fleet state row outlives a test: one key per test


@pytest.fixture
def memory_writer(
    client: TestClient, settings: Settings, remote: MemoryRemote, repo_key: str
) -> Callable[[type[MemoryFleetRepo]], FleetWriter]:
    """`memory_writer(kind)`: a new writer (a restarted one) whose clones are of that kind."""
    services = app_services(client.app)
    assert services.fleet is not None and settings.database_url is not None
    context, conninfo = services.fleet.context, settings.database_url.get_secret_value()

    def build(kind: type[MemoryFleetRepo] = MemoryFleetRepo) -> FleetWriter:
        return FleetWriter(
            services.pool,
            conninfo,
            lambda: kind(remote, "main", ME),
            context.profile,
            dataclasses.replace(context.writer, repo_key=repo_key),
        )

    return build


def _drain(client: TestClient, writer: FleetWriter) -> int:
    total = 0
    while done := client.portal.call(writer.drain_once):  # type: ignore[union-attr]
        total += done
    return total


def _clone(remote: MemoryRemote) -> tuple[FleetRepository, str]:
    clone = MemoryFleetRepo(remote, "main", ME).open()
    head = clone.fetch()
    assert head is not None
    return clone, head


def _change_ids(remote: MemoryRemote) -> list[int]:
    clone, head = _clone(remote)
    return [int(c.trailers["Change-Id"]) for c in clone.log(head) if "Change-Id" in c.trailers]


def _outbox(db: Any) -> list[dict[str, Any]]:
    return list(db.execute("SELECT id, processed_at, commit_sha FROM outbox ORDER BY id"))


def test_a_batch_lost_to_a_concurrent_push_is_rebuilt_and_pushed_once(
    client: TestClient, tenant: Any, new_store: Any, db: Any, remote: MemoryRemote, memory_writer: Any
) -> None:
    stores = [new_store(tenant, f"shop-{i}") for i in range(3)]
    hand_edit: list[str] = []
    remote.before_next_push(
        lambda: hand_edit.append(
            remote.commit("main", {"notes.md": b"a person was here\n"}, "hand edit", PAT)
        )
    )
    conflicts = REGISTRY.get_sample_value("fleet_push_conflicts_total") or 0.0
    assert _drain(client, memory_writer()) == 3
    assert REGISTRY.get_sample_value("fleet_push_conflicts_total") == conflicts + 1
    assert remote.pushes == 1  # the rebuilt batch, in one push
    clone, head = _clone(remote)
    assert clone.is_ancestor(hand_edit[0], head) and clone.read_file(head, "notes.md")
    assert sorted(_change_ids(remote)) == [row["id"] for row in _outbox(db)]  # each change exactly once
    for store in stores:
        got = client.get(f"/api/v1/stores/{store['id']}", headers=tenant.headers).json()
        assert clone.is_ancestor(got["last_commit_sha"], head)
        assert clone.log(got["last_commit_sha"], limit=1)[0].trailers["Store-Id"] == store["id"]
        assert clone.read_file(head, f"tenants/{tenant.id}/{store['id']}/store.yaml") is not None


def test_a_push_the_database_never_heard_of_is_recorded_not_pushed_again(
    client: TestClient, tenant: Any, new_store: Any, db: Any, remote: MemoryRemote, memory_writer: Any
) -> None:
    for i in range(2):
        new_store(tenant, f"shop-{i}")
    with pytest.raises(Crash):
        client.portal.call(memory_writer(CrashAfterPush).drain_once)  # type: ignore[union-attr]
    assert remote.pushes == 1 and all(row["processed_at"] is None for row in _outbox(db))
    assert _drain(client, memory_writer()) == 2  # a restarted writer
    assert remote.pushes == 1  # found by its trailers: nothing to push
    clone, head = _clone(remote)
    rows = _outbox(db)
    assert sorted(_change_ids(remote)) == [row["id"] for row in rows]
    assert {row["commit_sha"] for row in rows} == {
        c.sha for c in clone.log(head) if "Change-Id" in c.trailers
    }


def test_the_sync_applies_a_hand_edit_and_leaves_the_platforms_commits_alone(
    client: TestClient,
    tenant: Any,
    new_store: Any,
    set_status: Any,
    remote: MemoryRemote,
    memory_writer: Any,
    repo_key: str,
) -> None:
    reader = FleetReader(lambda: MemoryFleetRepo(remote, "main", ME), min_fetch_interval_s=0)
    sync = GitSync(app_services(client.app).pool, reader, repo_key, 1.0)
    store = new_store(tenant, "acme-shop")
    assert _drain(client, memory_writer()) == 1
    assert client.portal.call(sync.sync_once).error is None  # type: ignore[union-attr]  # the baseline
    set_status(store["id"], "ready")
    path = f"tenants/{tenant.id}/{store['id']}/store.yaml"
    clone, head = _clone(remote)
    store_yaml = clone.read_file(head, path)
    assert store_yaml is not None and b"plan: small" in store_yaml
    edit = remote.commit("main", {path: store_yaml.replace(b"plan: small", b"plan: large")}, "bigger", PAT)
    remote.commit("main", {"notes.md": b"outside any store\n"}, "notes", PAT)

    report = client.portal.call(sync.sync_once)  # type: ignore[union-attr]
    assert (report.commits, report.external, report.actions) == (1, 1, [f"updated {store['id']}"])
    got = client.get(f"/api/v1/stores/{store['id']}", headers=tenant.headers).json()
    assert (got["plan"], got["status"], got["last_commit_sha"]) == ("large", "updating", edit)
    assert "Pat Engineer" in got["status_message"]
    reader.close()
