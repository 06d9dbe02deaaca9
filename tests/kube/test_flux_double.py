"""The Flux double against a real fleet repo: apply, release, upgrade, prune, failures, nudges, Jobs."""

from __future__ import annotations

import time
from typing import Any

import kubernetes
import pytest
import yaml

from storefleet.renderer.profile import RenderProfile
from storefleet.renderer.spec import StoreSpec
from storefleet_demo.kube.applier import get_condition
from storefleet_demo.kube.cluster import KubeCluster
from storefleet_demo.kube.flux_double import HR_API, REQUESTED_AT, RESET_AT, FluxDouble
from storefleet_demo.kube.rest import Kube
from tests.kube.gitfleet import GitFleet

STORE = "st-abcdefgh23"
PROFILE = RenderProfile()


def spec(**overrides: Any) -> StoreSpec:
    fields = {"store_id": STORE, "tenant": "u-abcdefgh23", "name": "acme-shop", "engine": "woocommerce"}
    return StoreSpec.model_validate({**fields, "theme": "storefront", **overrides})


def release(kube: Kube) -> dict[str, Any]:
    found = kube.get(HR_API, "HelmRelease", STORE, STORE)
    assert found is not None
    return found


def conditions(obj: dict[str, Any]) -> dict[str, tuple[str, str, str]]:
    found = (obj.get("status") or {}).get("conditions") or []
    return {c["type"]: (c["status"], c["reason"], c["message"]) for c in found}


def commit_store(fleet: GitFleet, **overrides: Any) -> str:
    fleet.write_store(spec(**overrides), PROFILE)
    return fleet.commit()


def test_install_applies_the_store_and_reports_the_release(flux: FluxDouble, fleet: GitFleet) -> None:
    sha = commit_store(fleet)
    flux.reconcile()
    kube = flux.kube
    revision = f"main@sha1:{sha}"
    source = kube.get("source.toolkit.fluxcd.io/v1", "GitRepository", "flux-system", "fleet")
    assert source is not None and source["status"]["artifact"]["revision"] == revision
    tenants = kube.get("kustomize.toolkit.fluxcd.io/v1", "Kustomization", "flux-system", "tenants")
    assert tenants is not None and tenants["status"]["lastAppliedRevision"] == revision
    assert conditions(tenants)["Ready"] == (
        "True",
        "ReconciliationSucceeded",
        f"Applied revision: {revision}",
    )
    namespace = kube.get("v1", "Namespace", None, STORE)
    assert namespace is not None and namespace["metadata"]["labels"]["storefleet.io/store"] == STORE
    hr = release(kube)
    message = f"Helm install succeeded for release {STORE}/{STORE}.v1 with chart ecommerce-store@0.4.0"
    assert conditions(hr) == {
        "Ready": ("True", "InstallSucceeded", message),
        "Released": ("True", "InstallSucceeded", message),
    }
    assert (
        {c["observedGeneration"] for c in hr["status"]["conditions"]}
        == {1}
        == {hr["status"]["observedGeneration"]}
    )
    assert hr["status"]["history"][0]["version"] == 1 and hr["metadata"]["finalizers"] == [
        "finalizers.fluxcd.io"
    ]
    setup = kube.get("v1", "ConfigMap", STORE, f"{STORE}-setup")
    assert setup is not None and setup["metadata"]["annotations"]["storefleet.io/setup-image"]
    assert yaml.safe_load(setup["data"]["job.yaml"])["kind"] == "Job" and "store.env" in setup["data"]
    secret = kube.get("v1", "Secret", STORE, f"{STORE}-credentials")
    assert secret is not None and "wordpress-nonce-salt" in secret["data"]
    pods = kube.list_objects("v1", "Pod", STORE)
    assert [pod["status"]["phase"] for pod in pods] == ["Running"]
    assert kube.list_objects("networking.k8s.io/v1", "Ingress", STORE)[0]["spec"]["rules"][0]["host"]


def test_release_steps_can_be_observed_one_at_a_time(flux: FluxDouble, fleet: GitFleet) -> None:
    commit_store(fleet)
    flux.fetch()
    flux.apply()
    hr = release(flux.kube)
    assert "status" not in hr and hr["metadata"]["generation"] == 1
    assert flux.start_releases() == [STORE]
    hr = release(flux.kube)
    running = "Running 'install' action with timeout of 10m0s"
    assert conditions(hr) == {
        "Reconciling": ("True", "Progressing", running),
        "Ready": ("Unknown", "Progressing", running),
    }
    assert flux.start_releases() == []  # under way: nothing new to start
    assert flux.finish_releases() == [STORE]
    assert "Reconciling" not in conditions(release(flux.kube))


def test_unchanged_commit_changes_nothing_and_a_spec_change_upgrades(
    flux: FluxDouble, fleet: GitFleet
) -> None:
    commit_store(fleet)
    flux.reconcile()
    before = release(flux.kube)
    fleet.commit("fleet: unrelated")
    flux.reconcile()
    assert release(flux.kube)["metadata"]["resourceVersion"] == before["metadata"]["resourceVersion"]
    commit_store(fleet, theme="astra")
    flux.reconcile()
    hr = release(flux.kube)
    assert hr["metadata"]["generation"] == 2 and hr["status"]["observedGeneration"] == 2
    message = f"Helm upgrade succeeded for release {STORE}/{STORE}.v2 with chart ecommerce-store@0.4.0"
    assert conditions(hr)["Ready"] == ("True", "UpgradeSucceeded", message)
    assert [h["status"] for h in hr["status"]["history"]] == ["deployed", "superseded"]


def test_removed_directory_is_pruned(flux: FluxDouble, fleet: GitFleet, kube_api: KubeCluster) -> None:
    commit_store(fleet)
    flux.reconcile()
    fleet.remove_store(spec())
    fleet.commit("fleet: delete")
    kube_api.hold_namespace(STORE)  # a namespace that takes its time
    flux.reconcile()
    assert flux.kube.get(HR_API, "HelmRelease", STORE, STORE) is None
    namespace = flux.kube.get("v1", "Namespace", None, STORE)
    assert namespace is not None and namespace["status"]["phase"] == "Terminating"
    assert flux.kube.list_objects("apps/v1", "Deployment", STORE) == []
    kube_api.release_namespace(STORE)
    assert flux.kube.get("v1", "Namespace", None, STORE) is None
    tenants = flux.kube.get("kustomize.toolkit.fluxcd.io/v1", "Kustomization", "flux-system", "tenants")
    assert tenants is not None and tenants["status"]["inventory"]["entries"] == []


def test_a_store_back_while_its_namespace_terminates_fails_the_apply(
    flux: FluxDouble, fleet: GitFleet, kube_api: KubeCluster
) -> None:
    commit_store(fleet)
    flux.reconcile()
    kube_api.hold_namespace(STORE)
    fleet.remove_store(spec())
    applied = fleet.commit("fleet: delete")
    flux.reconcile()
    again = commit_store(fleet)
    flux.reconcile()
    tenants = flux.kube.get("kustomize.toolkit.fluxcd.io/v1", "Kustomization", "flux-system", "tenants")
    assert tenants is not None
    ready = conditions(tenants)["Ready"]
    assert ready[:2] == ("False", "ReconciliationFailed") and "dry-run failed (Forbidden)" in ready[2]
    assert tenants["status"]["lastAttemptedRevision"] == f"main@sha1:{again}"
    assert tenants["status"]["lastAppliedRevision"] == f"main@sha1:{applied}"
    kube_api.release_namespace(STORE)
    flux.reconcile()
    assert conditions(release(flux.kube))["Ready"][:2] == ("True", "InstallSucceeded")


def test_failures_retry_then_stall_and_a_reset_recovers(flux: FluxDouble, fleet: GitFleet) -> None:
    commit_store(fleet)
    flux.fail(STORE, times=None, message="timed out waiting for the condition")
    flux.reconcile()
    hr = release(flux.kube)
    chart = "ecommerce-store@0.4.0"
    error = "timed out waiting for the condition"
    failed = f"Helm install failed for release {STORE}/{STORE} with chart {chart}: {error}"
    assert conditions(hr)["Ready"] == ("False", "InstallFailed", failed)
    assert conditions(hr)["Released"] == ("False", "InstallFailed", failed)
    assert conditions(hr)["Reconciling"][:2] == ("True", "ProgressingWithRetry")
    for _ in range(3):
        flux.reconcile()
    hr = release(flux.kube)
    assert conditions(hr)["Stalled"] == ("True", "RetriesExceeded", "Failed to install after 4 attempt(s)")
    assert "Reconciling" not in conditions(hr) and hr["status"]["installFailures"] == 4
    flux.reconcile()
    assert release(flux.kube)["metadata"]["resourceVersion"] == hr["metadata"]["resourceVersion"]  # stalled
    flux.clear_failures(STORE)
    token = "2026-01-01T00:00:00.000000Z"
    flux.kube.merge_patch(hr, {"metadata": {"annotations": {REQUESTED_AT: token, RESET_AT: token}}})
    flux.reconcile()
    hr = release(flux.kube)
    assert conditions(hr)["Ready"][:2] == ("True", "InstallSucceeded") and "Stalled" not in conditions(hr)
    assert (hr["status"]["lastHandledReconcileAt"], hr["status"]["lastHandledResetAt"]) == (token, token)


def test_one_failure_is_retried(flux: FluxDouble, fleet: GitFleet) -> None:
    commit_store(fleet)
    flux.fail(STORE, times=1)
    flux.reconcile()
    assert get_condition(release(flux.kube), "Ready") is not None
    assert conditions(release(flux.kube))["Ready"][1] == "InstallFailed"
    flux.reconcile()
    assert conditions(release(flux.kube))["Ready"][:2] == ("True", "InstallSucceeded")


def test_requested_reconciles_are_recorded(flux: FluxDouble, fleet: GitFleet) -> None:
    commit_store(fleet)
    flux.reconcile()
    for api, kind, name in (
        ("source.toolkit.fluxcd.io/v1", "GitRepository", "fleet"),
        ("kustomize.toolkit.fluxcd.io/v1", "Kustomization", "tenants"),
        (HR_API, "HelmRelease", STORE),
    ):
        obj = flux.kube.get(api, kind, STORE if kind == "HelmRelease" else "flux-system", name)
        assert obj is not None
        flux.kube.merge_patch(obj, {"metadata": {"annotations": {REQUESTED_AT: "now-1"}}})
        flux.reconcile()
        handled = flux.kube.get(api, kind, obj["metadata"]["namespace"], name)
        assert handled is not None and handled["status"]["lastHandledReconcileAt"] == "now-1", kind


def test_with_its_interval_the_source_fetches_again_only_when_a_new_requested_at_asks(
    kube_api: KubeCluster, fleet: GitFleet
) -> None:
    flux = FluxDouble(kube_api, fleet.bare, honour_interval=True)
    first = commit_store(fleet)
    flux.reconcile()
    second = commit_store(fleet, theme="astra")
    flux.reconcile()  # within the 1m interval: still the first artifact
    assert flux.fetch() == f"main@sha1:{first}"
    source = flux.kube.get("source.toolkit.fluxcd.io/v1", "GitRepository", "flux-system", "fleet")
    assert source is not None
    flux.kube.merge_patch(source, {"metadata": {"annotations": {REQUESTED_AT: "now-1"}}})
    assert flux.fetch() == f"main@sha1:{second}"
    commit_store(fleet, theme="storefront")
    assert flux.fetch() == f"main@sha1:{second}"  # the same request token is handled already


def test_setup_jobs_finish_with_a_pod_and_its_log(
    flux: FluxDouble, fleet: GitFleet, kube_api: KubeCluster
) -> None:
    commit_store(fleet)
    flux.reconcile()
    setup = flux.kube.get("v1", "ConfigMap", STORE, f"{STORE}-setup")
    assert setup is not None
    for name in ("setup-ok", "setup-bad"):
        job = yaml.safe_load(setup["data"]["job.yaml"])
        job["metadata"].update(
            name=name, namespace=STORE, labels={"storefleet.io/store": STORE, "storefleet.io/setup": "true"}
        )
        flux.kube.create(job)
    assert flux.finish_jobs(STORE, succeed=True, log="done\n") == ["setup-bad", "setup-ok"]
    assert flux.finish_jobs(STORE) == []  # finished Jobs are left alone
    bad = flux.kube.get("batch/v1", "Job", STORE, "setup-bad")
    assert bad is not None and bad["status"]["succeeded"] == 1
    job = yaml.safe_load(setup["data"]["job.yaml"])
    job["metadata"].update(name="setup-2", namespace=STORE, labels={"storefleet.io/store": STORE})
    flux.kube.create(job)
    flux.finish_jobs(succeed=False, log="step 1\nstep 2\nboom\n")
    failed = flux.kube.get("batch/v1", "Job", STORE, "setup-2")
    assert failed is not None and failed["status"]["failed"] == 3
    assert (get_condition(failed, "Failed") or {}).get("reason") == "BackoffLimitExceeded"
    core: Any = kubernetes.client.CoreV1Api(kube_api.api_client())
    pods = core.list_namespaced_pod(STORE, label_selector="job-name=setup-2").items
    assert len(pods) == 1 and pods[0].status.phase == "Failed"
    assert core.read_namespaced_pod_log(pods[0].metadata.name, STORE, tail_lines=2) == "step 2\nboom\n"


def test_runs_in_the_background(flux: FluxDouble, fleet: GitFleet) -> None:
    commit_store(fleet)
    with flux.run_in_background(interval=0.02):
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            hr = flux.kube.get(HR_API, "HelmRelease", STORE, STORE)
            if hr and conditions(hr).get("Ready", ("",))[0] == "True":
                break
            time.sleep(0.02)
        else:
            pytest.fail("the release never became ready")
