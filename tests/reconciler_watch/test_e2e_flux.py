"""The whole loop under Flux, in one process: API -> fleet writer -> bare remote -> Flux double ->
test Kubernetes API -> watcher (real informers over HTTP) -> PostgreSQL -> API."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from storefleet.reconciler_watch.decide import MSG_SETUP_WAITING
from storefleet.reconciler_watch.watcher import ClusterWatcher
from storefleet_demo.kube.applier import Applier
from storefleet_demo.kube.cluster import KubeCluster
from storefleet_demo.kube.flux_double import HR_API, FluxDouble
from tests.reconciler_watch.conftest import WatcherRunner
from tests.reconciler_watch.support import (
    create,
    events,
    finish_setup,
    git,
    installed,
    push_human_revert,
    setup_jobs,
    status_of,
    transitions,
    wait_for,
    wait_status,
)


def ready_events(client: TestClient, account: Any, store_id: str) -> list[dict[str, Any]]:
    return [e for e in events(client, account, store_id) if (e.get("after") or {}).get("status") == "ready"]


def test_create_then_update_each_reach_ready_at_their_own_commit(
    client: TestClient, tenant: Any, applier: Applier, watcher: ClusterWatcher
) -> None:
    with applier.run_in_background():
        store = create(client, tenant, "loop-shop", theme="storefront")
        sid = store["id"]
        wait_for(lambda: setup_jobs(applier, sid), what="the setup Job")
        # the release is ready, but the store is not until its post-install setup has succeeded
        assert status_of(client, tenant, sid)["status"] == "provisioning"
        finish_setup(applier, sid)
        ready = wait_status(client, tenant, sid, "ready")
        first_ready = ready_events(client, tenant, sid)[-1]
        assert first_ready["detail"]["observed_revision"] == ready["last_commit_sha"]

        updated = client.patch(f"/api/v1/stores/{sid}", json={"theme": "astra"}, headers=tenant.headers)
        assert updated.status_code == 202, updated.text
        assert updated.json()["status"] == "updating"
        # a theme change asks for the setup again (a new Job, the first one stays as it ended)
        wait_for(lambda: len(setup_jobs(applier, sid)) == 2, what="the update's setup Job")
        assert status_of(client, tenant, sid)["status"] == "updating"
        finish_setup(applier, sid)
        after = wait_status(client, tenant, sid, "ready")

    assert after["theme"] == "astra" and after["last_commit_sha"] != ready["last_commit_sha"]
    assert ready_events(client, tenant, sid)[-1]["detail"]["observed_revision"] == after["last_commit_sha"]
    release = applier.kube.get(HR_API, "HelmRelease", sid, sid)
    assert release is not None and release["spec"]["values"]["theme"] == "astra"
    assert transitions(client, tenant, sid) == ["requested", "provisioning", "ready", "updating", "ready"]


def test_a_theme_changed_back_to_an_earlier_value_runs_its_setup_again(
    client: TestClient, tenant: Any, applier: Applier, watcher: ClusterWatcher
) -> None:
    with applier.run_in_background():
        sid = installed(client, tenant, applier, "again-shop", theme="astra")["id"]
        for count, theme in enumerate(("storefront", "astra"), start=2):
            changed = client.patch(f"/api/v1/stores/{sid}", json={"theme": theme}, headers=tenant.headers)
            assert changed.status_code == 202, changed.text
            wait_for(lambda n=count: len(setup_jobs(applier, sid)) == n, what=f"setup Job {count}")
            assert status_of(client, tenant, sid)["status"] == "updating"  # the new Job decides, no old one
            finish_setup(applier, sid)
            wait_status(client, tenant, sid, "ready")
    assert len({job["metadata"]["name"] for job in setup_jobs(applier, sid)}) == 3
    assert transitions(client, tenant, sid) == ["requested", "provisioning", "ready", "updating", "ready",
                                                "updating", "ready"]  # fmt: skip


def test_a_theme_changed_back_while_the_other_setup_runs_gets_its_own_setup_after_that_one(
    client: TestClient, tenant: Any, applier: Applier, watcher: ClusterWatcher
) -> None:
    """astra ready -> storefront, whose Job starts changing the shop -> astra again while that Job
    runs: no Job in parallel with it, and not ready on astra's first setup (the shop would keep
    storefront): astra's setup runs again, as a new Job, once storefront's ended."""
    with applier.run_in_background():
        sid = installed(client, tenant, applier, "flipflop-shop", theme="astra")["id"]
        [first] = [job["metadata"]["name"] for job in setup_jobs(applier, sid)]
        for theme in ("storefront", "astra"):
            changed = client.patch(f"/api/v1/stores/{sid}", json={"theme": theme}, headers=tenant.headers)
            assert changed.status_code == 202, changed.text
            if theme == "storefront":
                wait_for(lambda: len(setup_jobs(applier, sid)) == 2, what="storefront's setup Job")
        wait_for(
            lambda: status_of(client, tenant, sid)["status_message"] == MSG_SETUP_WAITING,
            what="astra's setup waiting for storefront's",
        )
        assert status_of(client, tenant, sid)["status"] == "updating"
        assert len(setup_jobs(applier, sid)) == 2

        second = finish_setup(applier, sid)  # storefront's Job ends: astra's may start now
        wait_for(lambda: len(setup_jobs(applier, sid)) == 3, what="astra's new setup Job")
        assert status_of(client, tenant, sid)["status"] == "updating"
        third = finish_setup(applier, sid)
        after = wait_status(client, tenant, sid, "ready")
    assert len({first, second, third}) == 3
    assert after["theme"] == "astra"
    assert transitions(client, tenant, sid) == ["requested", "provisioning", "ready", "updating", "ready"]


def test_a_plan_change_needs_no_new_setup(
    client: TestClient, tenant: Any, applier: Applier, watcher: ClusterWatcher
) -> None:
    with applier.run_in_background():
        sid = installed(client, tenant, applier, "plan-shop")["id"]
        changed = client.patch(f"/api/v1/stores/{sid}", json={"plan": "medium"}, headers=tenant.headers)
        assert changed.status_code == 202, changed.text
        after = wait_status(client, tenant, sid, "ready")
    assert len(setup_jobs(applier, sid)) == 1
    assert after["plan"] == "medium"


def test_a_human_git_revert_takes_the_store_back_and_ready_ties_to_the_revert(
    client: TestClient, tenant: Any, applier: Applier, watcher: ClusterWatcher, tmp_path: Path,
    fleet_remote: Path,
) -> None:  # fmt: skip
    with applier.run_in_background():
        sid = installed(client, tenant, applier, "revert-shop", theme="storefront")["id"]
        client.patch(f"/api/v1/stores/{sid}", json={"plan": "large"}, headers=tenant.headers)
        updated = wait_status(client, tenant, sid, "ready")
        wait_for(lambda: ready_events(client, tenant, sid)[-1]["detail"]["observed_revision"]
                 == updated["last_commit_sha"])  # fmt: skip

        revert_sha = push_human_revert(fleet_remote, updated["last_commit_sha"], tmp_path)

        reverted = wait_for(
            lambda: (s := status_of(client, tenant, sid))["last_commit_sha"] == revert_sha and s,
            what="the git-side sync to take the revert",
        )
        assert reverted["plan"] == "small"
        final = wait_status(client, tenant, sid, "ready")
        wait_for(lambda: ready_events(client, tenant, sid)[-1]["detail"]["observed_revision"] == revert_sha,
                 what="ready at the revert commit")  # fmt: skip

    assert final["plan"] == "small" and final["last_commit_sha"] == revert_sha
    release = applier.kube.get(HR_API, "HelmRelease", sid, sid)
    assert release is not None and release["spec"]["values"]["plan"] == "small"
    assert transitions(client, tenant, sid)[-2:] == ["updating", "ready"]


def test_a_pushed_human_revert_is_applied_at_once_not_at_the_source_interval(
    client: TestClient, tenant: Any, kube_api: KubeCluster, watcher: ClusterWatcher, tmp_path: Path,
    fleet_remote: Path,
) -> None:  # fmt: skip
    flux = FluxDouble(kube_api, fleet_remote, honour_interval=True)  # the GitRepository polls every 1m
    with flux.run_in_background():
        sid = installed(client, tenant, flux, "nudged-shop")["id"]
        client.patch(f"/api/v1/stores/{sid}", json={"plan": "large"}, headers=tenant.headers)
        updated = wait_status(client, tenant, sid, "ready")

        revert_sha = push_human_revert(fleet_remote, updated["last_commit_sha"], tmp_path)
        final = wait_for(
            lambda: (
                (s := status_of(client, tenant, sid))["last_commit_sha"] == revert_sha
                and s["status"] == "ready"
                and s
            ),
            timeout_s=5.0,
            what="ready at the revert within 5 s",
        )
    assert final["plan"] == "small"


def test_delete_is_deleted_only_when_the_release_and_namespace_are_gone(
    client: TestClient, tenant: Any, applier: Applier, watcher: ClusterWatcher
) -> None:
    with applier.run_in_background():
        sid = installed(client, tenant, applier, "gone-shop")["id"]
        applier.cluster.hold_namespace(sid)  # the namespace lingers (a finalizer still working)
        assert client.delete(f"/api/v1/stores/{sid}", headers=tenant.headers).status_code == 202
        wait_for(lambda: applier.kube.get(HR_API, "HelmRelease", sid, sid) is None, what="the release gone")
        wait_for(lambda: applier.kube.get("v1", "Namespace", None, sid) is not None)
        assert status_of(client, tenant, sid)["status"] == "deleting"
        applier.cluster.release_namespace(sid)
        wait_status(client, tenant, sid, "deleted")
    assert transitions(client, tenant, sid)[-2:] == ["deleting", "deleted"]


def test_a_stalled_install_fails_and_a_retry_reinstalls_to_ready(
    client: TestClient, tenant: Any, applier: Applier, watcher: ClusterWatcher
) -> None:
    sid = create(client, tenant, "stall-shop")["id"]
    applier.fail(sid, times=None, message="timed out waiting for the condition")
    with applier.run_in_background():
        failed = wait_status(client, tenant, sid, "failed")
        assert "Failed to install after" in failed["status_message"]
        assert "timed out waiting for the condition" in (failed["error"] or failed["status_message"])
        assert setup_jobs(applier, sid) == []

        applier.clear_failures(sid)
        retried = client.post(f"/api/v1/stores/{sid}/retry", headers=tenant.headers)
        assert retried.status_code == 202, retried.text
        # the watcher's nudge (resetAt) ends the stall; the double reinstalls
        finish_setup(applier, sid)
        wait_status(client, tenant, sid, "ready")
    release = applier.kube.get(HR_API, "HelmRelease", sid, sid)
    assert release is not None and release["status"]["lastHandledResetAt"]
    assert transitions(client, tenant, sid) == ["requested", "provisioning", "failed", "requested",
                                                "provisioning", "ready"]  # fmt: skip


def test_a_failed_setup_job_fails_the_store_with_its_log_tail_and_retry_reruns_it(
    client: TestClient, tenant: Any, applier: Applier, watcher: ClusterWatcher
) -> None:
    log = "\n".join(f"step {n}" for n in range(40)) + "\nError: could not reach the database\n"
    with applier.run_in_background():
        sid = create(client, tenant, "setup-shop")["id"]
        first = finish_setup(applier, sid, succeed=False, log=log)
        failed = wait_status(client, tenant, sid, "failed")
        assert "could not reach the database" in failed["error"]
        assert "step 0\n" not in failed["error"]  # the tail, not the whole log

        assert client.post(f"/api/v1/stores/{sid}/retry", headers=tenant.headers).status_code == 202
        second = finish_setup(applier, sid)
        wait_status(client, tenant, sid, "ready")
    assert first != second  # a new attempt, a new Job: the failed one is kept for its log
    assert {job["metadata"]["name"] for job in setup_jobs(applier, sid)} == {first, second}


def test_a_deletion_that_outlasts_its_timeout_fails_naming_what_is_left(
    client: TestClient, tenant: Any, applier: Applier, watchers: WatcherRunner
) -> None:
    watchers.start(deletion_timeout_s=1.0)
    with applier.run_in_background():
        sid = installed(client, tenant, applier, "stuck-shop")["id"]
        applier.cluster.hold_namespace(sid)  # a finalizer in the namespace never finishes
        assert client.delete(f"/api/v1/stores/{sid}", headers=tenant.headers).status_code == 202
        failed = wait_status(client, tenant, sid, "failed")
    assert failed["error"].startswith("deletion timed out after 1 s; still there: ")
    assert f"namespace {sid}" in failed["error"]
    assert transitions(client, tenant, sid)[-2:] == ["deleting", "failed"]


def test_the_watchers_events_carry_the_request_id_of_the_commit_they_are_about(
    client: TestClient, tenant: Any, applier: Applier, watcher: ClusterWatcher, fleet_remote: Path
) -> None:
    with applier.run_in_background():
        created = client.post(
            "/api/v1/stores",
            json={"name": "traced-shop", "engine": "woocommerce"},
            headers={**tenant.headers, "X-Request-ID": "req-create-trace"},
        )
        sid = created.json()["id"]
        finish_setup(applier, sid)
        ready = wait_status(client, tenant, sid, "ready")
        client.patch(
            f"/api/v1/stores/{sid}",
            json={"plan": "medium"},
            headers={**tenant.headers, "X-Request-ID": "req-update-trace"},
        )
        wait_for(lambda: status_of(client, tenant, sid)["last_commit_sha"] != ready["last_commit_sha"])
        wait_status(client, tenant, sid, "ready")
    by_watcher = [e for e in events(client, tenant, sid) if e["actor"] == "system:watcher"]
    assert [(e["after"]["status"], e["request_id"]) for e in by_watcher] == [
        ("ready", "req-create-trace"),
        ("ready", "req-update-trace"),
    ]
    trailer = git("log", "-1", "--format=%(trailers:key=Request-Id,valueonly)", "main", cwd=fleet_remote)
    assert trailer.strip() == "req-update-trace"
