"""The Velero double follows Velero's documented contract: its CRDs served, a Backup's phases and
status fields, and the Backups a Schedule creates (`<schedule>-<YYYYMMDDHHMMSS>`, the template's
labels and `velero.io/schedule-name`)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from storefleet_demo.kube.cluster import KubeCluster
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


def _claim(namespace: str, name: str) -> dict[str, Any]:
    spec = {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}
    meta = {"name": name, "namespace": namespace, "labels": {"app": "db"}}
    return {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": meta, "spec": spec}


def _restore(name: str, backup: str, mapping: dict[str, str] | None = None) -> dict[str, Any]:
    spec: dict[str, Any] = {"backupName": backup, "includedNamespaces": ["st-abcdefgh23"]}
    if mapping:
        spec["namespaceMapping"] = mapping
    return {
        "apiVersion": API,
        "kind": "Restore",
        "metadata": {"name": name, "namespace": "velero"},
        "spec": spec,
    }


def test_a_restore_goes_through_its_phases_and_brings_the_backed_up_claims_back(
    kube_api: KubeCluster,
) -> None:
    velero = VeleroDouble(kube_api)
    velero.kube.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "st-abcdefgh23"}})
    velero.kube.create(_claim("st-abcdefgh23", "data"))
    velero.kube.create(SCHEDULE)
    backup = velero.run_schedule("storefleet-st-abcdefgh23")["metadata"]["name"]
    velero.reconcile()
    velero.kube.delete(_claim("st-abcdefgh23", "data"))

    velero.kube.create(_restore("r1", backup))
    assert velero.start_restores() == ["r1"]
    (started,) = velero.restores()
    assert started["status"]["phase"] == "InProgress" and started["status"]["startTimestamp"]
    assert started["status"]["progress"] == {"totalItems": 1, "itemsRestored": 0}
    assert velero.finish_restores() == ["r1"]
    (done,) = velero.restores()
    assert done["status"]["phase"] == "Completed" and done["status"]["completionTimestamp"]
    assert done["status"]["progress"] == {"totalItems": 1, "itemsRestored": 1}
    claim = velero.kube.get("v1", "PersistentVolumeClaim", "st-abcdefgh23", "data")
    assert claim is not None and claim["status"]["phase"] == "Bound"
    assert claim["metadata"]["labels"] == {
        "app": "db", "velero.io/backup-name": backup, "velero.io/restore-name": "r1",
    }  # fmt: skip

    velero.kube.create(_restore("r2", backup))  # over the claim that exists now: skipped, a warning
    velero.reconcile()
    again = next(r for r in velero.restores() if r["metadata"]["name"] == "r2")
    assert again["status"]["phase"] == "Completed" and again["status"]["warnings"] == 1

    velero.kube.create(_restore("r3", backup, {"st-abcdefgh23": "st-newnewnew2"}))
    velero.reconcile()
    assert velero.kube.get("v1", "PersistentVolumeClaim", "st-newnewnew2", "data") is not None


def test_restore_failures_carry_velero_s_reason(kube_api: KubeCluster) -> None:
    velero = VeleroDouble(kube_api)
    velero.kube.create(SCHEDULE)
    backup = velero.run_schedule("storefleet-st-abcdefgh23")["metadata"]["name"]
    velero.kube.create(_restore("early", backup))  # the backup is not complete yet
    velero.start_restores()
    velero.reconcile()
    velero.fail_restores("bad", reason="error restoring persistentvolumeclaims: timed out")
    velero.kube.create(_restore("bad-1", backup))
    velero.kube.create(_restore("missing", "storefleet-st-abcdefgh23-20000101000000"))
    velero.reconcile()
    status = {r["metadata"]["name"]: r["status"] for r in velero.restores()}
    assert status["early"]["phase"] == "FailedValidation"
    assert status["early"]["validationErrors"] == [f"backup {backup} is New"]
    assert status["missing"]["phase"] == "FailedValidation"
    assert status["bad-1"]["phase"] == "Failed"
    assert status["bad-1"]["failureReason"] == "error restoring persistentvolumeclaims: timed out"


def _object(api: str, kind: str, namespace: str, name: str, labels: dict[str, str], **body: Any) -> Any:
    meta = {"name": name, "namespace": namespace, "labels": labels}
    return {"apiVersion": api, "kind": kind, "metadata": meta, **body}


def test_a_namespace_mapped_restore_brings_the_selected_objects_under_their_names(
    kube_api: KubeCluster,
) -> None:
    velero = VeleroDouble(kube_api)
    old, new = "st-abcdefgh23", "st-newnewnew2"
    store = {"storefleet.io/store": old, "app.kubernetes.io/instance": old}
    velero.kube.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": old}})
    claim = _claim(old, f"{old}-mariadb")
    claim["metadata"]["labels"] = store
    velero.kube.create(claim)
    velero.kube.create(_object("v1", "Secret", old, f"{old}-credentials", store, data={"k": "dmFsdWU="}))
    pod = _object(
        "v1", "Pod", old, f"{old}-mariadb-0", store, spec={"containers": [{"name": "db", "image": "db"}]}
    )
    owner = {"apiVersion": "apps/v1", "kind": "StatefulSet", "name": f"{old}-mariadb", "uid": "1234"}
    pod["metadata"]["ownerReferences"] = [owner]
    velero.kube.create(pod)
    finished = _object("v1", "Pod", old, "setup-1", store, spec=pod["spec"])
    velero.kube.write_status(velero.kube.create(finished), {"phase": "Succeeded"})
    rules = {"rules": [{"host": "old.example"}]}
    velero.kube.create(_object("networking.k8s.io/v1", "Ingress", old, old, store, spec=rules))
    helm = {"owner": "helm", "name": old}  # Helm's release record: not the store's label
    velero.kube.create(_object("v1", "Secret", old, f"sh.helm.release.v1.{old}.v1", helm, data={"r": "eA=="}))
    velero.kube.create(SCHEDULE)
    backup = velero.run_schedule("storefleet-st-abcdefgh23")["metadata"]["name"]
    velero.reconcile()
    assert len(velero.contents(backup)) == 6  # what the namespace held

    restore = _restore("into-new", backup, {old: new})
    restore["spec"]["labelSelector"] = {"matchLabels": {"storefleet.io/store": old}}
    restore["spec"]["excludedResources"] = ["jobs.batch", "ingresses.networking.k8s.io"]
    velero.kube.create(restore)
    velero.reconcile()
    (done,) = velero.restores()
    assert done["status"]["progress"] == {"totalItems": 3, "itemsRestored": 3}
    kinds = (
        ("v1", "PersistentVolumeClaim"),
        ("v1", "Secret"),
        ("v1", "Pod"),
        ("networking.k8s.io/v1", "Ingress"),
    )
    got = {
        (o["kind"], o["metadata"]["name"]): o
        for api, kind in kinds
        for o in velero.kube.list_objects(api, kind, new)
    }
    assert set(got) == {
        ("PersistentVolumeClaim", f"{old}-mariadb"),
        ("Secret", f"{old}-credentials"),
        ("Pod", f"{old}-mariadb-0"),
    }
    restored_pod = got[("Pod", f"{old}-mariadb-0")]
    assert not restored_pod["metadata"].get("ownerReferences")  # Velero resets them
    restored_labels = {"velero.io/backup-name": backup, "velero.io/restore-name": "into-new"}
    assert restored_pod["metadata"]["labels"] == {**store, **restored_labels}
    assert got[("Secret", f"{old}-credentials")]["data"] == {"k": "dmFsdWU="}
