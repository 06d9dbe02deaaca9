"""The Argo CD double against a real fleet repo: the root app, store app syncs and health, the wait for
the credentials Secret, prune through the resources finalizer, retries, manual sync, refresh."""

from __future__ import annotations

from typing import Any

import kubernetes
import yaml

from storefleet.renderer.profile import GitOpsEngine, RenderProfile
from storefleet.renderer.spec import StoreSpec
from storefleet_demo.kube.cluster import KubeCluster
from tests.kube.argo_double import API, REFRESH, ROOT, ArgoDouble
from tests.kube.gitfleet import GitFleet

STORE = "st-abcdefgh23"
PROFILE = RenderProfile(gitops_engine=GitOpsEngine.ARGOCD)


def spec(**overrides: Any) -> StoreSpec:
    fields = {"store_id": STORE, "tenant": "u-abcdefgh23", "name": "acme-shop", "engine": "medusa"}
    return StoreSpec.model_validate({**fields, **overrides})


def commit_store(fleet: GitFleet, **overrides: Any) -> str:
    fleet.write_store(spec(**overrides), PROFILE)
    return fleet.commit()


def app(argo: ArgoDouble, name: str = STORE) -> dict[str, Any]:
    found = argo.kube.get(API, "Application", "argocd", name)
    assert found is not None
    return found


def summary(obj: dict[str, Any]) -> tuple[str, str, str | None]:
    status = obj["status"]
    return (
        status["sync"]["status"],
        status["health"]["status"],
        (status.get("operationState") or {}).get("phase"),
    )


def create_credentials(argo: ArgoDouble) -> None:
    """What the platform's watcher does under Argo CD: the chart does not generate the Secret."""
    secret = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": f"{STORE}-credentials", "namespace": STORE},
    }
    argo.kube.create({**secret, "data": {"postgres-password": "cA=="}})


def test_install_waits_for_the_credentials_secret(argo: ArgoDouble, fleet: GitFleet) -> None:
    sha = commit_store(fleet)
    argo.reconcile()
    root = app(argo, ROOT)
    assert summary(root) == ("Synced", "Healthy", "Succeeded") and root["status"]["sync"]["revision"] == sha
    namespace = argo.kube.get("v1", "Namespace", None, STORE)
    assert namespace is not None and namespace["metadata"]["labels"]["storefleet.io/tenant"] == "u-abcdefgh23"
    store = app(argo)
    assert summary(store) == ("Synced", "Progressing", "Succeeded")
    assert (
        store["status"]["sync"]["revision"]
        == sha
        == store["status"]["operationState"]["syncResult"]["revision"]
    )
    assert (
        argo.kube.get("v1", "Secret", STORE, f"{STORE}-credentials") is None
    )  # never made by the chart here
    pod = argo.kube.list_objects("v1", "Pod", STORE)[0]
    assert pod["status"]["containerStatuses"][0]["state"]["waiting"]["reason"] == "CreateContainerConfigError"
    argo.reconcile()
    assert summary(app(argo)) == ("Synced", "Progressing", "Succeeded")  # still waiting
    create_credentials(argo)
    argo.reconcile()
    assert summary(app(argo)) == ("Synced", "Healthy", "Succeeded")
    assert argo.kube.list_objects("v1", "Pod", STORE)[0]["status"]["phase"] == "Running"


def test_sync_steps_can_be_observed_one_at_a_time(argo: ArgoDouble, fleet: GitFleet) -> None:
    commit_store(fleet)
    argo.sync_root()
    assert "status" not in app(argo)
    argo.refresh_apps()
    assert summary(app(argo)) == ("OutOfSync", "Missing", None)
    assert argo.start_syncs() == [STORE]
    running = app(argo)["status"]["operationState"]
    assert running["phase"] == "Running" and running["operation"]["initiatedBy"] == {"automated": True}
    assert argo.start_syncs() == []
    assert argo.finish_syncs() == [STORE]
    assert summary(app(argo))[::2] == ("Synced", "Succeeded")


def test_removed_directory_takes_the_application_and_its_namespace(argo: ArgoDouble, fleet: GitFleet) -> None:
    commit_store(fleet)
    argo.reconcile()
    fleet.remove_store(spec())
    fleet.commit("fleet: delete")
    argo.sync_root()
    deleting = app(argo)
    assert deleting["metadata"]["deletionTimestamp"]  # held by resources-finalizer.argocd.argoproj.io
    assert argo.remove_deleted_apps() == [STORE]
    assert argo.kube.get(API, "Application", "argocd", STORE) is None
    assert argo.kube.get("v1", "Namespace", None, STORE) is None


def test_a_failing_sync_is_retried_then_fails_and_a_manual_sync_recovers(
    argo: ArgoDouble, fleet: GitFleet
) -> None:
    commit_store(fleet)
    argo.fail(STORE, times=None, message='admission webhook "x" denied the request')
    argo.reconcile()
    state = app(argo)["status"]["operationState"]
    assert state["phase"] == "Running" and state["message"].startswith("Retrying attempt #1 at ")
    for _ in range(5):
        argo.reconcile()
    status = app(argo)["status"]
    assert (
        status["operationState"]["phase"] == "Failed"
        and "(retried 5 times)" in status["operationState"]["message"]
    )
    assert [c["type"] for c in status["conditions"]] == ["SyncError"]
    assert status["sync"]["status"] == "OutOfSync"
    argo.reconcile()
    assert app(argo)["status"]["operationState"]["phase"] == "Failed"  # no automated retry of that revision
    argo.clear_failures()
    operation = {
        "sync": {"syncStrategy": {"hook": {}}},
        "initiatedBy": {"username": "storefleet", "automated": False},
    }
    argo.kube.merge_patch(app(argo), {"operation": operation})
    argo.reconcile()
    recovered = app(argo)
    assert summary(recovered) == ("Synced", "Progressing", "Succeeded") and "operation" not in recovered
    assert recovered["status"]["operationState"]["operation"]["initiatedBy"]["username"] == "storefleet"
    assert "conditions" not in recovered["status"] or recovered["status"]["conditions"] == []


def test_an_erroring_operation_ends_at_once(argo: ArgoDouble, fleet: GitFleet) -> None:
    commit_store(fleet)
    argo.fail(STORE, times=1, message="rpc error: repository not accessible", mode="error")
    argo.reconcile()
    state = app(argo)["status"]["operationState"]
    assert (state["phase"], state["message"]) == ("Error", "rpc error: repository not accessible")


def test_a_failed_rollout_is_degraded(argo: ArgoDouble, fleet: GitFleet) -> None:
    commit_store(fleet)
    argo.fail(STORE, times=1, mode="rollout")
    argo.reconcile()
    status = app(argo)["status"]
    assert summary(app(argo)) == ("Synced", "Degraded", "Succeeded")
    assert "message" not in status["health"]  # Argo CD 3: the detail is on the resources only
    deployment = next(r for r in status["resources"] if r["kind"] == "Deployment")
    assert deployment["health"] == {
        "status": "Degraded",
        "message": f'Deployment "{STORE}-medusa" exceeded its progress deadline',
    }


def test_refresh_is_handled_and_a_commit_elsewhere_keeps_the_app_synced(
    argo: ArgoDouble, fleet: GitFleet
) -> None:
    commit_store(fleet)
    argo.reconcile()
    create_credentials(argo)
    argo.reconcile()
    argo.kube.merge_patch(app(argo, ROOT), {"metadata": {"annotations": {REFRESH: "normal"}}})
    sha = fleet.commit("fleet: another store's change")
    argo.reconcile()
    root, store = app(argo, ROOT), app(argo)
    assert REFRESH not in (root["metadata"].get("annotations") or {})
    assert summary(store) == ("Synced", "Healthy", "Succeeded") and store["status"]["sync"]["revision"] == sha
    commit_store(fleet, plan="large")
    argo.reconcile()
    upgraded = app(argo)
    assert upgraded["status"]["operationState"]["syncResult"]["source"] == upgraded["spec"]["source"]


def test_the_typed_client_reads_every_object_the_double_writes(
    argo: ArgoDouble, fleet: GitFleet, kube_api: KubeCluster
) -> None:
    """The watcher reads through the client's models, which reject a status missing a required field."""
    commit_store(fleet)
    argo.reconcile()
    setup = argo.kube.get("v1", "ConfigMap", STORE, f"{STORE}-setup")
    assert setup is not None
    job = yaml.safe_load(setup["data"]["job.yaml"])
    job["metadata"].update(name="setup-1", namespace=STORE, labels={"storefleet.io/store": STORE})
    argo.kube.create(job)
    argo.finish_jobs(STORE, succeed=False)
    client = kube_api.api_client()
    core: Any = kubernetes.client.CoreV1Api(client)
    apps: Any = kubernetes.client.AppsV1Api(client)
    batch: Any = kubernetes.client.BatchV1Api(client)
    networking: Any = kubernetes.client.NetworkingV1Api(client)
    reads = (
        core.list_pod_for_all_namespaces,
        apps.list_deployment_for_all_namespaces,
        batch.list_job_for_all_namespaces,
        networking.list_ingress_for_all_namespaces,
        core.list_service_for_all_namespaces,
        core.list_config_map_for_all_namespaces,
        core.list_namespace,
    )
    for read in reads:
        assert read().items, read
