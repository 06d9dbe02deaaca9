"""Parsing the applier's objects: the spec hash they carry, whether an Application's status is about
its current spec, and where Argo CD 3 keeps the health detail."""

from __future__ import annotations

import copy
from typing import Any

from storefleet.reconciler_watch.observed import (
    RELEASE_SPEC_READ,
    parse_application,
    parse_helmrelease,
    parse_job,
    slim_object,
)
from storefleet.reconciler_watch.rotation import flux_reverts_password
from storefleet.renderer.manifests import ANNOTATION_SPEC_HASH

SOURCE = {"repoURL": "http://git/fleet.git", "path": "charts/ecommerce-store",
          "helm": {"releaseName": "st-1", "valuesObject": {"plan": "medium"}}}  # fmt: skip
OLD_SOURCE = {**SOURCE, "helm": {"releaseName": "st-1", "valuesObject": {"plan": "small"}}}


def application(compared: dict[str, Any], synced: dict[str, Any] | None) -> dict[str, Any]:
    operation = {"phase": "Succeeded", "startedAt": "2026-11-22T12:00:00Z"}
    if synced is not None:
        operation["syncResult"] = {"revision": "abc", "source": synced}  # type: ignore[assignment]
    return {
        "metadata": {"name": "st-1", "annotations": {ANNOTATION_SPEC_HASH: "h1"}},
        "spec": {"source": copy.deepcopy(SOURCE)},
        "status": {
            "sync": {"status": "Synced", "revision": "abc", "comparedTo": {"source": compared}},
            "health": {"status": "Degraded"},
            "operationState": operation,
            "reconciledAt": "2026-11-22T12:00:05Z",
            "resources": [
                {"kind": "Service", "name": "st-1", "health": {"status": "Healthy"}},
                {
                    "kind": "Deployment",
                    "name": "st-1-web",
                    "health": {"status": "Degraded", "message": "exceeded its progress deadline"},
                },
            ],
        },
    }


def test_the_helmrelease_spec_hash_is_its_annotation() -> None:
    release = {"metadata": {"generation": 2, "annotations": {ANNOTATION_SPEC_HASH: "h1"}}}
    assert parse_helmrelease(release, None).spec_hash == "h1"
    assert parse_helmrelease({"metadata": {"generation": 2}}, True).spec_hash is None


def test_an_application_status_counts_only_when_compared_with_and_synced_from_its_spec() -> None:
    current = parse_application(application(SOURCE, SOURCE), True)
    assert (current.spec_hash, current.compared_with_spec, current.status_of_spec) == ("h1", True, True)
    assert current.reconciled_at is not None
    assert parse_application(application(SOURCE, None), True).status_of_spec  # no sync result yet
    stale_comparison = parse_application(application(OLD_SOURCE, OLD_SOURCE), True)
    assert not stale_comparison.compared_with_spec and not stale_comparison.status_of_spec
    old_sync = parse_application(application(SOURCE, OLD_SOURCE), True)
    assert old_sync.compared_with_spec and not old_sync.status_of_spec


def test_the_health_detail_comes_from_the_first_degraded_resource() -> None:
    app = parse_application(application(SOURCE, SOURCE), True)
    assert app.health_message == "Deployment st-1-web: exceeded its progress deadline"
    with_message = application(SOURCE, SOURCE)
    with_message["status"]["health"]["message"] = "older Argo CD"
    assert parse_application(with_message, True).health_message == "older Argo CD"


def test_the_slim_copies_the_caches_keep_read_the_same_as_the_objects() -> None:
    spec_hash = "0123456789abcdef"
    conditions = [{"type": "Ready", "status": "True", "reason": "UpgradeSucceeded", "observedGeneration": 2}]
    release = {
        "apiVersion": "helm.toolkit.fluxcd.io/v2", "kind": "HelmRelease",
        "metadata": {"name": "st-slim000001", "namespace": "st-slim000001", "generation": 2,
                     "annotations": {ANNOTATION_SPEC_HASH: spec_hash}, "labels": {"storefleet.io/store": "x"},
                     "managedFields": [{"manager": "kustomize-controller"}] * 5},
        "spec": {"values": {"store": {"id": "st-slim000001"}, "big": "x" * 5000},
                 "driftDetection": {"mode": "enabled", "ignore": [{"paths": ["/data/admin"]}]}},
        "status": {"observedGeneration": 2, "conditions": conditions, "lastHandledReconcileAt": "t"},
    }  # fmt: skip
    slim = slim_object(release, spec_keys=RELEASE_SPEC_READ)
    assert parse_helmrelease(slim, True) == parse_helmrelease(release, True)
    assert flux_reverts_password(slim, "st-slim000001", "woocommerce") == flux_reverts_password(
        release, "st-slim000001", "woocommerce"
    )
    assert set(slim["spec"]) == {"driftDetection"} and "managedFields" not in slim["metadata"]
    job = {
        "metadata": {"name": "st-slim000001-setup-abc-0", "namespace": "st-slim000001",
                     "labels": {"storefleet.io/store": "st-slim000001", "storefleet.io/setup": "true"}},
        "spec": {"template": {"spec": {"containers": [{"name": "setup", "args": ["x"] * 100}]}}},
        "status": {"failed": 1, "conditions": [{"type": "Failed", "status": "True", "message": "Backoff"}]},
    }  # fmt: skip
    assert parse_job(slim_object(job)) == parse_job(job)
    assert (
        "spec" not in slim_object(job) and slim_object(job)["metadata"]["labels"] == job["metadata"]["labels"]
    )
