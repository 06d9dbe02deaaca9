"""The git-side sync applies many commits per transaction: each taken once, in order, whatever the
batch boundaries, and a batch that fails leaves nothing of itself and its position unrecorded."""

from __future__ import annotations

import re
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient

from storefleet.api.core.services import app_services
from storefleet.api.fleet import gitsync, sync_batch
from storefleet.api.fleet import repository as fleet_repository

PLANS = ("small", "medium", "large")


@pytest.fixture
def three_stores(tenant: Any, new_store: Any, drain: Any, set_status: Any, sync: Any) -> list[str]:
    """Three committed stores, ready, the sync baselined after them."""
    ids = [new_store(tenant, name)["id"] for name in ("shop-a", "shop-b", "shop-c")]
    drain()
    sync()
    for store_id in ids:
        set_status(store_id, "ready")
    return ids


def _set_plan(human: Any, tenant: Any, store_id: str, plan: str, message: str) -> None:
    path = human.path / f"tenants/{tenant.id}/{store_id}/store.yaml"
    path.write_text(re.sub(r"(?m)^plan: \w+$", f"plan: {plan}", path.read_text()))
    human.git("commit", "-qam", message)


def _adopt_copy(human: Any, tenant: Any, store_id: str, new_id: str, new_name: str) -> None:
    source = human.path / f"tenants/{tenant.id}/{store_id}/store.yaml"
    target = human.path / f"tenants/{tenant.id}/{new_id}"
    target.mkdir()
    text = re.sub(r"(?m)^name: .*$", f"name: {new_name}", source.read_text().replace(store_id, new_id))
    (target / "store.yaml").write_text(text)
    human.git("add", "-A")
    human.git("commit", "-qm", f"adopt {new_name}")


def _audits(db: Any, event: str) -> list[dict[str, Any]]:
    return list(
        db.execute(
            "SELECT store_id, before, after, detail FROM audit_events WHERE event = %s ORDER BY id", (event,)
        )
    )


def _synced(client: TestClient, db: Any) -> str:
    fleet = app_services(client.app).fleet
    assert fleet is not None
    key = fleet.context.repo_key
    row = db.execute("SELECT last_synced_sha FROM fleet_state WHERE repo_key = %s", (key,)).fetchone()
    return str(row["last_synced_sha"])


def _row(db: Any, store_id: str) -> dict[str, Any]:
    row: dict[str, Any] = db.execute(
        "SELECT status, plan, spec->>'plan' AS spec_plan, last_commit_sha FROM stores WHERE id = %s",
        (store_id,),
    ).fetchone()
    return row


@pytest.mark.parametrize("batch", [500, 2, 1])
def test_a_batch_of_adds_edits_removals_and_two_commits_of_one_store(
    monkeypatch: pytest.MonkeyPatch,
    client: TestClient, tenant: Any, sync: Any, human: Any, db: Any, three_stores: list[str],
    batch: int,
) -> None:  # fmt: skip
    monkeypatch.setattr(gitsync, "BATCH_COMMITS", batch)
    a, b, c = three_stores
    adopted = "st-aaaaaaaaaa"
    human.pull()
    _set_plan(human, tenant, a, "large", "a to large")
    first_edit = human.head()
    _adopt_copy(human, tenant, c, adopted, "copied-shop")
    _set_plan(human, tenant, a, "medium", "a to medium")
    second_edit = human.head()
    human.git("rm", "-rq", f"tenants/{tenant.id}/{b}")
    human.git("commit", "-qm", "remove shop-b")
    _set_plan(human, tenant, c, "large", "c to large")
    human.git("push", "-q", "origin", "HEAD:main")

    report = sync()

    assert report.error is None and (report.commits, report.external) == (5, 5)
    assert report.actions == [
        f"updated {a}",
        f"adopted {adopted}",
        f"updated {a}",
        f"deleting {b}",
        f"updated {c}",
    ]
    assert _row(db, a) == {
        "status": "updating",
        "plan": "medium",
        "spec_plan": "medium",
        "last_commit_sha": second_edit,
    }
    assert _row(db, b)["status"] == "deleting"
    assert _row(db, c)["plan"] == "large" and _row(db, adopted)["status"] == "provisioning"
    changed = [
        (r["store_id"], r["before"]["plan"], r["after"]["plan"]) for r in _audits(db, "store.changed_in_git")
    ]
    assert changed == [(a, "small", "large"), (a, "large", "medium"), (c, "small", "large")]
    assert [r["detail"]["commit"] for r in _audits(db, "store.changed_in_git")][:2] == [
        first_edit,
        second_edit,
    ]
    assert [r["store_id"] for r in _audits(db, "store.adopted")] == [adopted]
    assert _synced(client, db) == human.head()
    again = sync()  # nothing is taken twice
    assert (again.commits, again.actions) == (0, [])


def test_a_batch_that_fails_leaves_nothing_and_the_next_pass_takes_it_once(
    monkeypatch: pytest.MonkeyPatch,
    client: TestClient,
    tenant: Any,
    sync: Any,
    human: Any,
    db: Any,
    three_stores: list[str],
) -> None:
    monkeypatch.setattr(gitsync, "BATCH_COMMITS", 2)
    a, b, c = three_stores
    human.pull()
    _set_plan(human, tenant, a, "large", "a to large")
    _set_plan(human, tenant, b, "large", "b to large")
    first_batch = human.head()
    _set_plan(human, tenant, c, "large", "c to large")  # the failing batch: c, then a again
    _set_plan(human, tenant, a, "medium", "a to medium")
    human.git("push", "-q", "origin", "HEAD:main")
    applied = sync_batch.apply_batch
    calls = 0

    async def fails_second(conn: Any, batch: Any) -> list[str]:
        nonlocal calls
        calls += 1
        actions = await applied(conn, batch)  # its writes are made, then the batch fails
        if calls == 2:
            raise psycopg.OperationalError("the connection broke")
        return actions

    monkeypatch.setattr(sync_batch, "apply_batch", fails_second)
    with pytest.raises(psycopg.OperationalError):
        sync()
    assert _synced(client, db) == first_batch
    assert (_row(db, a)["plan"], _row(db, b)["plan"], _row(db, c)["plan"]) == ("large", "large", "small")
    assert _row(db, c)["status"] == "ready"

    monkeypatch.setattr(sync_batch, "apply_batch", applied)
    report = sync()
    assert report.actions == [f"updated {c}", f"updated {a}"]
    assert (_row(db, a)["plan"], _row(db, c)["plan"]) == ("medium", "large")
    changed = [(r["store_id"], r["after"]["plan"]) for r in _audits(db, "store.changed_in_git")]
    assert changed == [(a, "large"), (b, "large"), (c, "large"), (a, "medium")]  # each commit once


def test_batches_of_merged_branches_end_only_where_the_walk_resumes_cleanly(
    monkeypatch: pytest.MonkeyPatch, tenant: Any, sync: Any, human: Any, db: Any, three_stores: list[str]
) -> None:
    """Two branches edited in turn and merged: a batch holding commits of both can only end at a
    commit all of them lead to, or the next pass would walk some again."""
    monkeypatch.setattr(gitsync, "BATCH_COMMITS", 2)
    a, b, c = three_stores
    human.pull()
    base = human.head()
    human.git("checkout", "-qb", "side")
    for plan in PLANS[1:]:
        _set_plan(human, tenant, b, plan, f"b to {plan}")
    human.git("checkout", "-q", "main")
    for plan in PLANS[1:]:
        _set_plan(human, tenant, a, plan, f"a to {plan}")
    human.git("merge", "-q", "--no-edit", "side")
    _set_plan(human, tenant, c, "large", "c to large")
    human.git("push", "-q", "origin", "HEAD:main")
    positions: list[str] = []
    set_state = fleet_repository.set_state

    async def spy(conn: Any, repo_key: str, **values: str | None) -> None:
        if "last_synced_sha" in values and "sync_error" not in values:
            positions.append(str(values["last_synced_sha"]))
        await set_state(conn, repo_key, **values)

    monkeypatch.setattr(fleet_repository, "set_state", spy)
    applied: list[str] = []
    apply_batch = sync_batch.apply_batch

    async def record(conn: Any, batch: Any) -> list[str]:
        applied.append(",".join(item.commit.sha for item in batch))
        return await apply_batch(conn, batch)

    monkeypatch.setattr(sync_batch, "apply_batch", record)
    report = sync()
    assert report.error is None and report.external == 6  # the five edits and the merge
    walked = {sha for shas in applied for sha in shas.split(",") if sha}
    taken: set[str] = set()
    for shas, position in zip(applied, positions, strict=True):
        taken |= set(filter(None, shas.split(",")))
        reachable = set(human.git("rev-list", position, f"^{base}").split())
        assert taken == walked & reachable  # resuming after `position` walks exactly the rest
    # Both branches' last commits leave the other's out: a batch ran on to the merge.
    assert len(positions) < 3 and max(len(shas.split(",")) for shas in applied) > 2
    assert positions[-1] == human.head()
    assert (_row(db, a)["plan"], _row(db, b)["plan"], _row(db, c)["plan"]) == ("large", "large", "large")
    assert len(_audits(db, "store.changed_in_git")) == 5
