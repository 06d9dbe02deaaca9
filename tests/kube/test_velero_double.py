"""The Velero double follows Velero's documented contract: its CRDs served, a Backup's phases and
status fields, and the Backups a Schedule creates (`<schedule>-<YYYYMMDDHHMMSS>`, the template's
labels and `velero.io/schedule-name`)."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.kube.cluster import KubeCluster
from tests.kube.velero_double import API, VeleroDouble

SCHEDULE = {
    "apiVersion": API,
    "kind": "Schedule",
    "metadata": {"name": "storefleet-st-abcdefgh23", "namespace": "velero"},
    "spec": {
        "schedule": "7 3 * * *",
        "template": {
            "metadata": {"labels": {"storefleet.io/store": "st-abcdefgh23"}},
            "includedNamespaces": ["st-abcdefgh23"],
            "ttl": "2h0m0s",
        },
    },
}


def test_a_schedule_makes_backups_that_go_through_their_phases(kube_api: KubeCluster) -> None:
    velero = VeleroDouble(kube_api)
    velero.kube.create(SCHEDULE)
    made = velero.run_schedule("storefleet-st-abcdefgh23", datetime(2026, 12, 1, 3, 7, 0, tzinfo=UTC))
    assert made["metadata"]["name"] == "storefleet-st-abcdefgh23-20261201030700"
    assert made["metadata"]["labels"] == {
        "storefleet.io/store": "st-abcdefgh23",
        "velero.io/schedule-name": "storefleet-st-abcdefgh23",
    }
    assert made["spec"] == {"includedNamespaces": ["st-abcdefgh23"], "ttl": "2h0m0s"}
    assert "status" not in made  # New: Velero has not picked it up

    assert velero.start_backups() == [made["metadata"]["name"]]
    (backup,) = velero.backups("storefleet-st-abcdefgh23")
    status = backup["status"]
    assert status["phase"] == "InProgress" and status["progress"]["itemsBackedUp"] == 0
    started = datetime.strptime(status["startTimestamp"], "%Y-%m-%dT%H:%M:%SZ")
    expires = datetime.strptime(status["expiration"], "%Y-%m-%dT%H:%M:%SZ")
    assert (expires - started).total_seconds() == 2 * 3600  # the spec's ttl

    assert velero.finish_backups() == [made["metadata"]["name"]]
    (backup,) = velero.backups()
    assert backup["status"]["phase"] == "Completed" and "completionTimestamp" in backup["status"]
    assert backup["status"]["progress"] == {"totalItems": 24, "itemsBackedUp": 24}
    assert velero.start_backups() == [] and velero.finish_backups() == []  # nothing left to do


def test_failures_on_request(kube_api: KubeCluster) -> None:
    velero = VeleroDouble(kube_api)
    velero.kube.create(SCHEDULE)
    velero.fail_backups("storefleet-st-abcdefgh23-2026120103", reason="hook timed out")
    velero.fail_backups("storefleet-st-abcdefgh23-2026120203", phase="PartiallyFailed")
    for day in (1, 2, 3):
        velero.run_schedule("storefleet-st-abcdefgh23", datetime(2026, 12, day, 3, 7, tzinfo=UTC))
    velero.reconcile()
    phases = {b["metadata"]["name"][-14:-6]: b["status"] for b in velero.backups()}
    assert phases["20261201"]["phase"] == "Failed"
    assert phases["20261201"]["failureReason"] == "hook timed out"
    assert phases["20261202"]["phase"] == "PartiallyFailed" and phases["20261202"]["errors"] == 1
    assert phases["20261203"]["phase"] == "Completed" and "failureReason" not in phases["20261203"]
