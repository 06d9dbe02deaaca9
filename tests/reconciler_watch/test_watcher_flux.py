"""The watcher against the test Kubernetes API, with the test playing Flux's controllers by hand:
a store goes provisioning -> (HelmRelease of its current spec ready) -> setup Job -> ready, and a
Stalled release fails it."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import pytest
from fastapi.testclient import TestClient
from kubernetes import client as k8s

from storefleet.reconciler_watch.watcher import ClusterWatcher
from storefleet.renderer.manifests import ANNOTATION_SPEC_HASH
from tests.reconciler_watch.support import git, provisioned, status_of, wait_for

FLUX_NS = "flux-system"
JOB_YAML = """apiVersion: batch/v1
kind: Job
metadata:
  labels: {app.kubernetes.io/component: setup}
spec:
  backoffLimit: 2
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: setup
          image: wordpress:cli
          command: [bash, /etc/storefleet/setup/woocommerce-setup.sh]
"""


class FluxByHand:
    """Writes what Flux's controllers would, through the real client."""

    def __init__(self, api: k8s.ApiClient) -> None:
        # Any: plain JSON bodies instead of the client's model classes
        self.custom: Any = cast(Any, k8s.CustomObjectsApi(api))
        self.core: Any = cast(Any, k8s.CoreV1Api(api))
        self.batch: Any = cast(Any, k8s.BatchV1Api(api))
        self.core.create_namespace({"metadata": {"name": FLUX_NS}})

    def applied(self, sha: str) -> None:
        body = {"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
                "metadata": {"name": "tenants", "namespace": FLUX_NS},
                "spec": {"interval": "10m", "path": "./tenants", "prune": True,
                         "sourceRef": {"kind": "GitRepository", "name": "fleet"}}}  # fmt: skip
        try:
            self.custom.create_namespaced_custom_object(
                "kustomize.toolkit.fluxcd.io", "v1", FLUX_NS, "kustomizations", body
            )
        except k8s.ApiException as exc:
            assert exc.status == 409
        status = {"status": {"lastAppliedRevision": f"main@sha1:{sha}", "observedGeneration": 1}}
        self.custom.patch_namespaced_custom_object_status(
            "kustomize.toolkit.fluxcd.io", "v1", FLUX_NS, "kustomizations", "tenants", status
        )

    def release(self, store: dict[str, Any], spec_hash: str | None = None) -> None:
        """The store's HelmRelease, rendered from the spec with this hash (default: the store's)."""
        sid, labels = (
            store["id"],
            {"storefleet.io/store": store["id"], "storefleet.io/tenant": store["owner_id"]},
        )
        annotations = {ANNOTATION_SPEC_HASH: spec_hash or store["spec_hash"]}
        self.core.create_namespace({"metadata": {"name": sid, "labels": labels}})
        body = {"apiVersion": "helm.toolkit.fluxcd.io/v2", "kind": "HelmRelease",
                "metadata": {"name": sid, "namespace": sid, "labels": labels, "annotations": annotations},
                "spec": {"interval": "10m",
                         "chart": {"spec": {"chart": "./charts/ecommerce-store"}}}}  # fmt: skip
        self.custom.create_namespaced_custom_object("helm.toolkit.fluxcd.io", "v2", sid, "helmreleases", body)
        self.core.create_namespaced_config_map(
            sid, {"metadata": {"name": f"{sid}-setup"}, "data": {"job.yaml": JOB_YAML}}
        )
        # the chart's namespace limits, which the post-install check looks for by the store's name
        self.core.create_namespaced_resource_quota(sid, {"metadata": {"name": sid}, "spec": {"hard": {}}})
        self.core.create_namespaced_limit_range(sid, {"metadata": {"name": sid}, "spec": {"limits": []}})

    def rerender(self, store: dict[str, Any]) -> None:
        """The HelmRelease updated to the store's current spec: generation 2."""
        patch = {"metadata": {"annotations": {ANNOTATION_SPEC_HASH: store["spec_hash"]}},
                 "spec": {"interval": "11m"}}  # fmt: skip
        self.custom.patch_namespaced_custom_object(
            "helm.toolkit.fluxcd.io", "v2", store["id"], "helmreleases", store["id"], patch
        )

    def conditions(self, store_id: str, *conditions: dict[str, Any], observed: int = 1) -> None:
        for condition in conditions:
            condition.setdefault("observedGeneration", 1)
            condition.setdefault("lastTransitionTime", "2026-11-22T12:00:00Z")
        status = {"status": {"observedGeneration": observed, "conditions": list(conditions)}}
        self.custom.patch_namespaced_custom_object_status(
            "helm.toolkit.fluxcd.io", "v2", store_id, "helmreleases", store_id, status
        )

    def jobs(self, store_id: str) -> list[Any]:
        return list(self.batch.list_namespaced_job(store_id).items)

    def finish_job(self, store_id: str, name: str, *, succeeded: bool) -> None:
        kind = "Complete" if succeeded else "Failed"
        condition = {"type": kind, "status": "True", "reason": "BackoffLimitExceeded"}
        status = {"status": {"succeeded" if succeeded else "failed": 1, "conditions": [condition]}}
        self.batch.patch_namespaced_job_status(name, store_id, status)


@pytest.fixture
def flux(kube_api: Any) -> FluxByHand:
    return FluxByHand(kube_api.api_client())


def test_ready_only_from_the_helmrelease_of_the_current_spec_and_after_setup_succeeded(
    client: TestClient, tenant: Any, flux: FluxByHand, watcher: ClusterWatcher, fleet_remote: Path
) -> None:
    store = provisioned(client, tenant, "happy-shop")
    flux.applied(git("rev-parse", "main", cwd=fleet_remote))
    flux.release(store, spec_hash="0" * 64)  # another spec's HelmRelease, ready at its generation
    ready = {"type": "Ready", "status": "True", "reason": "InstallSucceeded", "message": "ok"}
    flux.conditions(store["id"], dict(ready))
    wait_for(
        lambda: "waiting for the cluster" in (status_of(client, tenant, store["id"])["status_message"] or "")
    )
    assert flux.jobs(store["id"]) == []

    flux.rerender(store)  # the current spec at generation 2: the status of generation 1 is not its
    wait_for(lambda: "Helm upgrade" in (status_of(client, tenant, store["id"])["status_message"] or ""))
    assert flux.jobs(store["id"]) == []
    flux.conditions(store["id"], {**ready, "observedGeneration": 2}, observed=2)
    job = wait_for(lambda: flux.jobs(store["id"]), what="the setup Job")[0]
    assert job.metadata.name.startswith(f"{store['id']}-setup-")
    assert job.metadata.labels["storefleet.io/setup"] == "true"
    assert status_of(client, tenant, store["id"])["status"] == "provisioning"

    flux.finish_job(store["id"], job.metadata.name, succeeded=True)
    wait_for(lambda: status_of(client, tenant, store["id"])["status"] == "ready", what="ready")
    events = client.get(f"/api/v1/stores/{store['id']}/logs", headers=tenant.headers).json()
    ready = [e for e in events["events"] if (e.get("after") or {}).get("status") == "ready"]
    assert ready and ready[0]["detail"]["observed_revision"] == git("rev-parse", "main", cwd=fleet_remote)


def test_a_stalled_release_fails_the_store_with_the_helm_message(
    client: TestClient, tenant: Any, flux: FluxByHand, watcher: ClusterWatcher, fleet_remote: Path
) -> None:
    store = provisioned(client, tenant, "stalled-shop")
    flux.applied(git("rev-parse", "main", cwd=fleet_remote))
    flux.release(store)
    flux.conditions(
        store["id"],
        {"type": "Ready", "status": "False", "reason": "InstallFailed", "message": "image pull failed"},
        {
            "type": "Stalled",
            "status": "True",
            "reason": "RetriesExceeded",
            "message": "Failed to install after 4 attempt(s)",
        },
    )
    failed = wait_for(
        lambda: (s := status_of(client, tenant, store["id"]))["status"] == "failed" and s, what="failed"
    )
    assert "Failed to install after 4 attempt(s)" in failed["status_message"]
    assert flux.jobs(store["id"]) == []
