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
from tests.kube.applier import Applier
from tests.kube.flux_double import HR_API
from tests.reconciler_watch.rollout_support import (
    cluster_running,
    commit_paths,
    ready_fleet,
    store_dirs,
    trailers,
    wait_rollout,
)
from tests.reconciler_watch.support import git

VERSION = "0.2.0"  # the chart this release ships: the first wave's commit is preceded by its own


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
        ids = ready_fleet(client, [tenant, other_tenant], 12, db)
        created = start(
            client, admin, selector={"all": True}, canary={"count": 1}, steps=["25%", "50%", "100%"]
        )
        assert [w["store_count"] for w in created["waves"]] == [1, 2, 3, 6]
        done = wait_rollout(client, admin, created["id"], "succeeded")
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
        f"charts/ecommerce-store/{VERSION}/"
    )
    for sid in ids:
        release = applier.kube.get(HR_API, "HelmRelease", sid, sid)
        assert release["spec"]["chart"]["spec"]["chart"] == f"./charts/ecommerce-store/{VERSION}"
