"""Fleet-wide rollouts through the whole loop: the API plans and queues each wave, the writer makes it
one commit, the Flux (or Argo CD) double applies it, the watcher reads readiness back, and the rollout
controller gates the wave and queues the next one, or the wave's revert."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from storefleet.api.settings import Settings
from storefleet.reconciler_watch.watcher import ClusterWatcher
from storefleet_demo.kube.applier import Applier
from storefleet_demo.kube.flux_double import HR_API
from tests.kube.argo_double import API as ARGO_API
from tests.kube.argo_double import ArgoDouble
from tests.reconciler_watch.rollout_support import (
    cluster_running,
    commit_paths,
    ready_fleet,
    rollout,
    statuses,
    store_dirs,
    trailers,
    wait_rollout,
)
from tests.reconciler_watch.support import git, push_human_revert, wait_for

VERSION = "0.4.0"  # the chart this release ships: the first wave's commit is preceded by its own


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"rollout_tick_s": 0.2})


def start(client: TestClient, admin: Any, **body: Any) -> dict[str, Any]:
    answer = client.post("/api/v1/rollouts", json={"chart_version": VERSION, **body}, headers=admin.headers)
    assert answer.status_code in (200, 201), answer.text
    return answer.json()  # type: ignore[no-any-return]


def test_a_rollout_moves_every_store_in_waves_each_one_commit(
    client: TestClient, tenant: Any, other_tenant: Any, admin: Any, db: Any, applier: Applier,
    watcher: ClusterWatcher, fleet_remote: Path,
) -> None:  # fmt: skip
    with cluster_running(applier):
        ids = ready_fleet(client, [tenant, other_tenant], 200, db, timeout_s=240)
    with cluster_running(applier, setup_jobs=False):  # moving the chart version runs no setup
        steps = ["10%", "50%", "100%"]
        created = start(client, admin, selector={"all": True}, canary={"count": 2}, steps=steps)
        assert [w["store_count"] for w in created["waves"]] == [2, 18, 80, 100]
        done = wait_rollout(client, admin, created["id"], "succeeded", timeout_s=120)
    waves = done["waves"]
    assert all(w["state"] == "passed" and w["commit_sha"] for w in waves)
    moved: set[str] = set()
    for wave in waves:
        members = [s["store_id"] for s in wave["stores"]]
        assert commit_paths(fleet_remote, wave["commit_sha"]) == store_dirs(db, members)
        found = trailers(fleet_remote, wave["commit_sha"])
        assert found["Rollout-Id"] == created["id"] and found["Rollout-Wave"] == str(wave["number"])
        assert found["Store-Count"] == str(len(members)) and found["Chart-Version"] == VERSION
        moved |= set(members)
    assert moved == set(ids)
    # the chart version came in its own commit, before wave 1
    first = waves[0]["commit_sha"]
    parent = git("rev-parse", f"{first}^", cwd=fleet_remote)
    assert git("show", "--name-only", "--format=", parent, cwd=fleet_remote).startswith(
        f"charts/ecommerce-store-{VERSION}/"
    )
    for sid in ids:
        release = applier.kube.get(HR_API, "HelmRelease", sid, sid)
        assert release["spec"]["chart"]["spec"]["chart"] == f"./charts/ecommerce-store-{VERSION}"


def wave_of(rollout: dict[str, Any], number: int) -> dict[str, Any]:
    return next(w for w in rollout["waves"] if w["number"] == number)


def chart_of(applier: Applier, store_id: str) -> str:
    """The chart path the applier runs the store from, `./`-prefixed as a HelmRelease names it."""
    if isinstance(applier, ArgoDouble):
        app = applier.kube.get(ARGO_API, "Application", "argocd", store_id)
        assert app is not None
        return "./" + str(app["spec"]["source"]["path"])
    release = applier.kube.get(HR_API, "HelmRelease", store_id, store_id)
    assert release is not None
    return str(release["spec"]["chart"]["spec"]["chart"])


def test_a_wave_that_fails_its_gate_is_reverted_keeping_a_tenants_change_and_no_later_wave_commits(
    client: TestClient, tenant: Any, other_tenant: Any, admin: Any, db: Any, applier: Applier,
    watcher: ClusterWatcher, fleet_remote: Path,
) -> None:  # fmt: skip
    with cluster_running(applier):
        ready_fleet(client, [tenant, other_tenant], 40, db)
        created = start(
            client, admin, selector={"all": True}, canary={"count": 2}, steps=["25%", "60%", "100%"]
        )
        assert [w["store_count"] for w in created["waves"]] == [2, 8, 14, 16]
        plan = rollout(client, admin, created["id"])
        second = [s["store_id"] for s in wave_of(plan, 2)["stores"]]
        broken = second[0]  # the new chart breaks this one store of wave 2 (1 of 8: over the 5 % budget)
        applier.fail(
            broken, times=None, message="pre-upgrade hook failed", chart=f"charts/ecommerce-store-{VERSION}"
        )
        wait_for(
            lambda: wave_of(rollout(client, admin, created["id"]), 1)["state"] == "passed", what="canary"
        )
    # the cluster stands still: wave 2 is committed, and a tenant changes one of its stores meanwhile
    wait_for(lambda: wave_of(rollout(client, admin, created["id"]), 2)["state"] == "gating", what="wave 2")
    changed_id = second[1]
    owner = tenant if status_row(db, changed_id)["owner_id"] == tenant.id else other_tenant
    patched = client.patch(f"/api/v1/stores/{changed_id}", json={"plan": "large"}, headers=owner.headers)
    assert patched.status_code == 202, patched.text
    with cluster_running(applier):
        stopped = wait_rollout(client, admin, created["id"], "rolled_back")
        assert broken in stopped["reason"] or "wave 2" in stopped["reason"]
        assert [f["store_id"] for f in stopped["failing"]] == [broken]
        assert "pre-upgrade hook failed" in stopped["failing"][0]["error"]
        done = wait_for(
            lambda: (
                (r := rollout(client, admin, created["id"])) and wave_of(r, 2)["state"] == "reverted" and r
            ),
            what="wave 2's revert committed",
        )
        revert = wave_of(done, 2)["revert_sha"]
        wait_for(
            lambda: set(statuses(db, second).values()) == {"ready"}, timeout_s=60, what="wave 2 ready again"
        )
    # every store of wave 2 is back on the default chart, at the revert commit (or the tenant's, after it)
    assert commit_paths(fleet_remote, revert) == store_dirs(db, second)
    assert trailers(fleet_remote, revert)["Action"] == "rollout-revert"
    for sid in second:
        assert chart_of(applier, sid) == "./charts/ecommerce-store"
        assert status_row(db, sid)["spec"].get("chart_version") is None
    assert status_row(db, changed_id)["spec"]["plan"] == "large"  # the tenant's change survived the revert
    release = applier.kube.get(HR_API, "HelmRelease", changed_id, changed_id)
    assert release is not None and release["spec"]["values"]["plan"] == "large"
    # waves 3 and 4 were never committed
    assert [wave_of(done, n)["state"] for n in (3, 4)] == ["pending", "pending"]
    log = git("log", "--format=%(trailers:key=Rollout-Wave,valueonly)", "main", cwd=fleet_remote).split()
    assert set(log) == {"1", "2"}
    first = [s["store_id"] for s in wave_of(done, 1)["stores"]]
    assert all(chart_of(applier, sid) == f"./charts/ecommerce-store-{VERSION}" for sid in first)


def status_row(db: Any, store_id: str) -> dict[str, Any]:
    row = db.execute(
        "SELECT owner_id, status, spec, last_commit_sha FROM stores WHERE id = %s", (store_id,)
    ).fetchone()
    assert row is not None
    return dict(row)


@pytest.mark.parametrize("engine", ["flux", "argocd"], indirect=True)
def test_abort_after_wave_two_reverts_every_wave_in_its_own_commit(
    client: TestClient, tenant: Any, admin: Any, db: Any, applier: Applier, watcher: ClusterWatcher,
    fleet_remote: Path,
) -> None:  # fmt: skip
    with cluster_running(applier):
        ids = ready_fleet(client, [tenant], 10, db)
        created = start(client, admin, selector={"all": True}, canary={"count": 2}, steps=["50%", "100%"])
        wait_for(
            lambda: wave_of(rollout(client, admin, created["id"]), 1)["state"] == "passed", what="canary"
        )
    # the cluster stands still while wave 2 is committed: the admin pauses before it can pass (a passing
    # wave queues the next one in the same pass), then lets it pass, then aborts
    wait_for(lambda: wave_of(rollout(client, admin, created["id"]), 2)["state"] == "gating", what="wave 2")
    paused = client.post(f"/api/v1/rollouts/{created['id']}/pause", headers=admin.headers)
    assert paused.status_code == 200 and paused.json()["state"] == "paused", paused.text
    with cluster_running(applier):
        wait_for(
            lambda: wave_of(rollout(client, admin, created["id"]), 2)["state"] == "passed", what="wave 2"
        )
        aborted = client.post(
            f"/api/v1/rollouts/{created['id']}/abort",
            json={"reason": "support tickets"},
            headers=admin.headers,
        )
        assert aborted.status_code == 200 and aborted.json()["state"] == "aborted", aborted.text
        done = wait_for(
            lambda: (
                (r := rollout(client, admin, created["id"]))
                and all(wave_of(r, n)["state"] == "reverted" for n in (1, 2))
                and r
            ),
            what="both waves reverted",
        )
        wait_for(lambda: set(statuses(db, ids).values()) == {"ready"}, timeout_s=30, what="all ready")
    # every committed wave reverted, newest first, each in its own commit of exactly its stores
    committed = [w for w in done["waves"] if w["commit_sha"]]
    assert [w["number"] for w in committed] == [1, 2]  # paused before wave 2 passed: no wave 3
    reverts = [w["revert_sha"] for w in reversed(committed)]
    assert len(set(reverts)) == 2 and git("rev-parse", f"{reverts[1]}^", cwd=fleet_remote) == reverts[0]
    for wave, sha in zip(reversed(committed), reverts, strict=True):
        members = [s["store_id"] for s in wave["stores"]]
        assert commit_paths(fleet_remote, sha) == store_dirs(db, members)
    assert wave_of(done, 3)["state"] == "pending" and done["reason"] == "support tickets"
    assert all(chart_of(applier, sid) == "./charts/ecommerce-store" for sid in ids)
    again = client.post(f"/api/v1/rollouts/{created['id']}/resume", headers=admin.headers)
    assert again.status_code == 409 and again.json()["error"]["code"] == "INVALID_ROLLOUT_ACTION"


def test_a_human_git_revert_of_wave_one_is_recognised_and_pauses_the_rollout(
    client: TestClient, tenant: Any, admin: Any, db: Any, applier: Applier, watcher: ClusterWatcher,
    fleet_remote: Path, tmp_path: Path,
) -> None:  # fmt: skip
    with cluster_running(applier):
        ready_fleet(client, [tenant], 6, db)
        created = start(client, admin, selector={"all": True}, canary={"count": 2}, steps=["100%"],
                        gate={"soak_seconds": 30})  # fmt: skip
        first = wait_for(
            lambda: wave_of(rollout(client, admin, created["id"]), 1)["commit_sha"], what="wave 1"
        )
        human = push_human_revert(fleet_remote, first, tmp_path)
        paused = wait_rollout(client, admin, created["id"], "paused")

        # the sync may apply the revert's stores over more than one pass: each is marked as it moves
        def all_marked() -> dict[str, Any] | None:
            first = wave_of(rollout(client, admin, created["id"]), 1)
            return first if all(s["state"] == "reverted" for s in first["stores"]) else None

        wave = wait_for(all_marked, what="every store of wave 1 marked reverted")
    assert wave["state"] == "reverted" and wave["reverted_by"] == human
    assert human[:12] in paused["reason"] and wave_of(paused, 2)["commit_sha"] is None


def test_an_abort_before_the_first_wave_is_committed_records_both_commits(
    client: TestClient, tenant: Any, admin: Any, db: Any, applier: Applier, watcher: ClusterWatcher,
    fleet_remote: Path,
) -> None:  # fmt: skip
    with cluster_running(applier):
        ready_fleet(client, [tenant], 3, db)
    created = start(client, admin, selector={"all": True}, steps=["100%"])
    aborted = client.post(f"/api/v1/rollouts/{created['id']}/abort", headers=admin.headers)
    assert aborted.status_code == 200 and aborted.json()["state"] == "aborted"
    wave = wait_for(
        lambda: (w := wave_of(rollout(client, admin, created["id"]), 1))["state"] == "reverted" and w,
        what="the wave and its revert committed",
    )
    assert wave["commit_sha"] and wave["revert_sha"]
    assert git("rev-parse", f"{wave['revert_sha']}^", cwd=fleet_remote) == wave["commit_sha"]
    assert trailers(fleet_remote, wave["revert_sha"])["Action"] == "rollout-revert"
