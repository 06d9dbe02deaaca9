"""An image tag and a values patch rolled out through the whole loop (API, writer, the Flux double,
watcher, rollout controller): each wave one commit naming the change, the applier's release values
carry it, and an abort puts every store back on the value it had before, whatever that was."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from storefleet.api.settings import Settings
from storefleet.reconciler_watch.watcher import ClusterWatcher
from storefleet_demo.kube.applier import Applier
from storefleet_demo.kube.flux_double import HR_API
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
from tests.reconciler_watch.support import wait_for

TAG = "6.7.2-php8.2-apache"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"rollout_tick_s": 0.2})


def start(client: TestClient, admin: Any, **body: Any) -> dict[str, Any]:
    answer = client.post("/api/v1/rollouts", json=body, headers=admin.headers)
    assert answer.status_code == 201, answer.text
    return answer.json()  # type: ignore[no-any-return]


def values_of(applier: Applier, store_id: str) -> dict[str, Any]:
    release = applier.kube.get(HR_API, "HelmRelease", store_id, store_id)
    assert release is not None
    return release["spec"]["values"]  # type: ignore[no-any-return]


def engines(db: Any, ids: list[str]) -> dict[str, str]:
    rows = db.execute("SELECT id, engine FROM stores WHERE id = ANY(%s)", (ids,)).fetchall()
    return {r["id"]: r["engine"] for r in rows}


def test_an_image_rollout_reaches_its_engines_releases_wave_by_wave(
    client: TestClient, tenant: Any, admin: Any, db: Any, applier: Applier, watcher: ClusterWatcher,
    fleet_remote: Path,
) -> None:  # fmt: skip
    with cluster_running(applier):
        ids = ready_fleet(client, [tenant], 12, db)
    woo = [sid for sid, engine in engines(db, ids).items() if engine == "woocommerce"]
    with cluster_running(applier, setup_jobs=False):
        body = {"image": {"engine": "woocommerce", "tag": TAG}, "selector": {"all": True}}
        created = start(client, admin, **body, canary={"count": 1}, steps=["100%"])
        done = wait_rollout(client, admin, created["id"], "succeeded")
    assert done["change"] == f"image {TAG}" and done["store_count"] == len(woo)
    for wave in done["waves"]:
        members = [s["store_id"] for s in wave["stores"]]
        assert commit_paths(fleet_remote, wave["commit_sha"]) == store_dirs(db, members)
        found = trailers(fleet_remote, wave["commit_sha"])
        assert found["Image-Tag"] == TAG and "Chart-Version" not in found
    for sid in ids:
        image = values_of(applier, sid).get("wordpress", {}).get("image", {})
        assert image.get("tag") == (TAG if sid in woo else None)


def test_an_aborted_values_patch_puts_back_each_stores_own_patch(
    client: TestClient, tenant: Any, admin: Any, db: Any, applier: Applier, watcher: ClusterWatcher,
    fleet_remote: Path,
) -> None:  # fmt: skip
    redis = {"redis": {"enabled": True}}
    memory = {"resources": {"limits": {"memory": "1Gi"}}}
    with cluster_running(applier):
        ids = ready_fleet(client, [tenant], 8, db)
        # half the fleet already runs a patch; the other half none
        first = start(client, admin, values_patch=redis, selector={"store_ids": ids[:4]}, steps=["100%"])
        wait_rollout(client, admin, first["id"], "succeeded")
    # the cluster stands still: the second patch's wave is committed, then aborted before it can pass
    second = start(client, admin, values_patch=memory, selector={"all": True}, steps=["100%"])
    committed = wait_for(
        lambda: (r := rollout(client, admin, second["id"]))["waves"][0]["state"] == "gating" and r,
        what="the wave's commit",
    )
    sha = committed["waves"][0]["commit_sha"]
    assert trailers(fleet_remote, sha)["Values-Patch"] == second["change"].split()[1]
    assert commit_paths(fleet_remote, sha) == store_dirs(db, ids)
    specs = {r["id"]: r["spec"] for r in db.execute("SELECT id, spec FROM stores WHERE id = ANY(%s)", (ids,))}
    assert all(specs[sid]["values_patch"] == {**redis, **memory} for sid in ids[:4])  # merged, not replaced
    assert all(specs[sid]["values_patch"] == memory for sid in ids[4:])
    stopped = client.post(f"/api/v1/rollouts/{second['id']}/abort", headers=admin.headers)
    assert stopped.status_code == 200, stopped.text
    with cluster_running(applier, setup_jobs=False):
        wait_for(
            lambda: rollout(client, admin, second["id"])["waves"][0]["state"] == "reverted", what="revert"
        )
        wait_for(lambda: set(statuses(db, ids).values()) == {"ready"}, timeout_s=30, what="all ready")
    rows = db.execute("SELECT id, spec FROM stores WHERE id = ANY(%s)", (ids,)).fetchall()
    patches = {r["id"]: r["spec"].get("values_patch") for r in rows}
    assert patches == {sid: (redis if sid in ids[:4] else None) for sid in ids}
    for sid in ids:
        values = values_of(applier, sid)
        assert values["resources"]["limits"]["memory"] == "512Mi"
        assert values.get("redis") == (redis["redis"] if sid in ids[:4] else None)
