"""Parsing the applier's objects: the spec hash they carry, whether an Application's status is about
its current spec, and where Argo CD 3 keeps the health detail."""

from __future__ import annotations

import copy
from typing import Any

from storefleet.reconciler_watch.observed import parse_application, parse_helmrelease
from storefleet.reconciler_watch.wire import HelmReleaseObject, as_record
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
    release = as_record({"metadata": {"generation": 2, "annotations": {ANNOTATION_SPEC_HASH: "h1"}}},
                        HelmReleaseObject)  # fmt: skip
    assert parse_helmrelease(release, None).spec_hash == "h1"
    bare = as_record({"metadata": {"generation": 2}}, HelmReleaseObject)
    assert parse_helmrelease(bare, True).spec_hash is None


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
