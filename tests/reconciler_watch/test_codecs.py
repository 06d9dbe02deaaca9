"""Decoding list pages and watch events: straight into the typed records the watcher caches (only
what it reads), leniently when an object breaks its schema, and a watch's ERROR events."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from typing import Any

import orjson
import pytest
from kubernetes.client.exceptions import ApiException

from storefleet.reconciler_watch.codecs import JOB_RECORDS, JSON_OBJECTS, RELEASE_RECORDS, Gone
from storefleet.reconciler_watch.observed import (
    Condition,
    FluxRelease,
    SetupJob,
    parse_helmrelease,
    parse_job,
)
from storefleet.reconciler_watch.wire import HelmReleaseObject
from storefleet.renderer.manifests import ANNOTATION_SPEC_HASH

SID = "st-records0001"
DRIFT = {"mode": "enabled", "ignore": [{"paths": ["/data/admin"], "target": {"kind": "Secret"}}]}


def release(**status: Any) -> dict[str, Any]:
    conditions = [{"type": "Ready", "status": "True", "reason": "UpgradeSucceeded", "message": "done",
                   "observedGeneration": 2, "lastTransitionTime": "2026-12-07T10:00:00Z"}]  # fmt: skip
    return {
        "apiVersion": "helm.toolkit.fluxcd.io/v2", "kind": "HelmRelease",
        "metadata": {"name": SID, "namespace": SID, "generation": 2, "resourceVersion": "41",
                     "annotations": {ANNOTATION_SPEC_HASH: "0123abcd", "other": "x"},
                     "labels": {"storefleet.io/store": SID, "storefleet.io/tenant": "u-alice"},
                     "managedFields": [{"manager": "kustomize-controller"}] * 5},
        "spec": {"values": {"store": {"id": SID}, "big": "x" * 5000}, "driftDetection": DRIFT},
        "status": {"observedGeneration": 2, "conditions": conditions, "lastHandledReconcileAt": "t",
                   "history": [{"chartVersion": "0.4.0"}], **status},
    }  # fmt: skip


def page_of(*items: Any, token: str | None = None) -> bytes:
    meta: dict[str, Any] = {"resourceVersion": "42", **({"continue": token} if token else {})}
    return orjson.dumps({"kind": "List", "metadata": meta, "items": list(items)})


def test_a_page_of_helmreleases_decodes_into_records_of_what_the_watcher_reads() -> None:
    page = RELEASE_RECORDS.page(page_of(release(), token="next"))
    assert (page.resource_version, page.continue_token) == ("42", "next")
    (record,) = page.items
    assert RELEASE_RECORDS.key(record) == (SID, SID) and RELEASE_RECORDS.store(record) == SID
    assert record.spec.drift_detection() == DRIFT
    ready = Condition("Ready", "True", "UpgradeSucceeded", "done", 2, datetime(2026, 12, 7, 10, tzinfo=UTC))
    assert parse_helmrelease(record, True) == FluxRelease(
        generation=2, observed_generation=2, conditions={"Ready": ready}, contains_commit=True,
        last_handled_reconcile_at="t", spec_hash="0123abcd",
    )  # fmt: skip
    # the same object with another version or a field the watcher does not read is the same record
    changed = release()
    changed["metadata"]["resourceVersion"], changed["spec"]["values"]["big"] = "99", "y"
    assert RELEASE_RECORDS.page(page_of(changed)).items == [record]
    assert RELEASE_RECORDS.page(page_of(release(observedGeneration=3))).items != [record]


def test_a_job_record_says_how_the_job_ended() -> None:
    job = {
        "metadata": {"name": f"{SID}-setup-abc-0", "namespace": SID,
                     "labels": {"storefleet.io/store": SID, "storefleet.io/setup": "true"}},
        "spec": {"template": {"spec": {"containers": [{"name": "setup", "args": ["x"] * 100}]}}},
        "status": {"failed": 1, "conditions": [{"type": "Failed", "status": "True", "message": "Backoff"}]},
    }  # fmt: skip
    (record,) = JOB_RECORDS.page(page_of(job)).items
    assert JOB_RECORDS.store(record) == SID
    assert parse_job(record) == SetupJob(f"{SID}-setup-abc-0", succeeded=False, failed=True,
                                         failure_reason="Backoff")  # fmt: skip
    done = {**job, "status": {"succeeded": 1}}
    assert parse_job(JOB_RECORDS.page(page_of(done)).items[0]).succeeded


def test_an_object_that_breaks_its_schema_keeps_its_metadata_and_never_fails_its_page(
    caplog: pytest.LogCaptureFixture,
) -> None:
    odd = release()
    odd["metadata"]["name"], odd["status"] = "st-odd0000001", {"conditions": "not a list"}
    hopeless = {"metadata": "not an object"}
    items = RELEASE_RECORDS.page(page_of(release(), odd, hopeless)).items
    assert [record.metadata.name for record in items] == [SID, "st-odd0000001"]
    assert items[1] == HelmReleaseObject(metadata=items[1].metadata)  # metadata alone: status unknown
    assert parse_helmrelease(items[1], None).conditions == {}
    assert "st-odd0000001 does not match its schema" in caplog.text


def test_watch_events_carry_their_version_and_a_410_asks_for_a_relist() -> None:
    line = orjson.dumps({"type": "MODIFIED", "object": release()})
    event = RELEASE_RECORDS.event(line)
    assert event is not None and (event.type, event.resource_version) == ("MODIFIED", "41")
    assert event.object.metadata.name == SID
    bookmark = RELEASE_RECORDS.event(b'{"type":"BOOKMARK","object":{"metadata":{"resourceVersion":"50"}}}')
    assert bookmark is not None and (bookmark.type, bookmark.resource_version) == ("BOOKMARK", "50")
    gone = {"type": "ERROR", "object": {"kind": "Status", "code": 410, "message": "too old resource version"}}
    for codec in (RELEASE_RECORDS, JSON_OBJECTS):
        with pytest.raises(Gone, match="too old"):
            codec.event(orjson.dumps(gone))
        with pytest.raises(ApiException) as refused:
            codec.event(orjson.dumps({"type": "ERROR", "object": {"code": 403, "message": "forbidden"}}))
        assert refused.value.status == 403
    plain = JSON_OBJECTS.event(line)
    assert plain is not None and plain.object == release() and plain.resource_version == "41"
    assert JSON_OBJECTS.store(plain.object) == SID and JSON_OBJECTS.key(plain.object) == (SID, SID)


def test_a_record_keeps_nothing_of_its_page_and_shares_its_store_id_with_its_kin() -> None:
    body = page_of(release())
    references = sys.getrefcount(body)
    (record,) = RELEASE_RECORDS.page(body).items
    assert sys.getrefcount(body) == references  # driftDetection is a copy, not a view into the page
    assert record.spec.drift_detection() == DRIFT
    meta = record.metadata
    assert meta.name is meta.namespace is meta.labels.store  # one string for the store id
    job = {
        "metadata": {"name": f"{SID}-setup-abc-0", "namespace": SID, "labels": {"storefleet.io/store": SID}}
    }
    (job_record,) = JOB_RECORDS.page(page_of(job)).items
    assert job_record.metadata.namespace is meta.namespace  # and across kinds
    ready = record.status.conditions[0]
    assert ready.type is sys.intern("Ready") and ready.reason is sys.intern("UpgradeSucceeded")
