"""The Kubernetes objects the watcher caches by the thousand, as typed records holding only the
fields it reads. Pure: shapes only (decoding is `codecs.py`).

A HelmRelease's values, a Job's pod template and every label and annotation the watcher does not read
are skipped while the JSON is decoded, never built as Python objects: a cache of 100,000 stores holds
these records instead of whole objects (about a tenth of the memory), and a list page decodes about
twenty times faster than into dicts. Field names are the API's (camelCase), so a record reads like
the object it came from. `gc=False`: the records hold no reference cycles, and the collector need not
walk millions of them.

A record is settled once decoded (`settle`): it must not keep its page alive (a `Raw` field is a view
into the page it came from), and the store id its namespace and label repeat, and the few words its
conditions use, are one shared string each rather than one copy per object.
"""

from __future__ import annotations

import sys
from typing import Any, TypeVar

import msgspec
from msgspec.structs import force_setattr

from storefleet.renderer.manifests import ANNOTATION_SPEC_HASH
from storefleet.renderer.names import LABEL_STORE


class StoreLabels(msgspec.Struct, frozen=True, gc=False):
    """Of an object's labels, the store it belongs to."""

    store: str | None = msgspec.field(default=None, name=LABEL_STORE)


class SpecHashAnnotation(msgspec.Struct, frozen=True, gc=False):
    """Of an object's annotations, the store spec it was rendered from."""

    spec_hash: str | None = msgspec.field(default=None, name=ANNOTATION_SPEC_HASH)


class ObjectMeta(msgspec.Struct, frozen=True, gc=False):
    # No resourceVersion: two records are equal when nothing the watcher reads changed, so an
    # update of another field wakes nobody (the version a watch resumes from is read apart).
    name: str = ""
    namespace: str = ""
    labels: StoreLabels = StoreLabels()
    annotations: SpecHashAnnotation = SpecHashAnnotation()
    generation: int = 0
    deletionTimestamp: str | None = None


class WireCondition(msgspec.Struct, frozen=True, gc=False):
    type: str = ""
    status: str = "Unknown"
    reason: str = ""
    message: str = ""
    observedGeneration: int | None = None
    lastTransitionTime: str | None = None


class HelmReleaseSpec(msgspec.Struct, frozen=True, gc=False):
    # Kept as its JSON text: read only when a password rotation asks (rotation.flux_reverts_password).
    driftDetection: msgspec.Raw = msgspec.field(default_factory=msgspec.Raw)

    def drift_detection(self) -> dict[str, Any] | None:
        drift = msgspec.json.decode(self.driftDetection) if self.driftDetection else None
        return drift if isinstance(drift, dict) else None


class HelmReleaseStatus(msgspec.Struct, frozen=True, gc=False):
    observedGeneration: int | None = None
    conditions: tuple[WireCondition, ...] = ()
    lastHandledReconcileAt: str | None = None


class Record(msgspec.Struct, frozen=True, gc=False):
    """An object the watcher caches as a record: at least its metadata."""

    metadata: ObjectMeta = ObjectMeta()

    def settle(self) -> None:
        """Detached from its page, its repeated strings shared (the only writes to a record)."""
        meta = self.metadata
        force_setattr(meta, "namespace", sys.intern(meta.namespace))
        store = meta.labels.store
        if store is not None:
            force_setattr(meta.labels, "store", sys.intern(store))
        if meta.name == meta.namespace or meta.name == store:
            force_setattr(meta, "name", sys.intern(meta.name))


def _settle_conditions(conditions: tuple[WireCondition, ...]) -> None:
    for condition in conditions:  # a few words over and over: Ready, True, UpgradeSucceeded, ...
        force_setattr(condition, "type", sys.intern(condition.type))
        force_setattr(condition, "status", sys.intern(condition.status))
        force_setattr(condition, "reason", sys.intern(condition.reason))


class HelmReleaseObject(Record, frozen=True, gc=False):
    spec: HelmReleaseSpec = HelmReleaseSpec()
    status: HelmReleaseStatus = HelmReleaseStatus()

    def settle(self) -> None:
        super().settle()
        if self.spec.driftDetection:  # a copy: the decoded Raw is a view holding the whole page
            force_setattr(self.spec, "driftDetection", self.spec.driftDetection.copy())
        _settle_conditions(self.status.conditions)


class JobStatus(msgspec.Struct, frozen=True, gc=False):
    succeeded: int | None = None
    conditions: tuple[WireCondition, ...] = ()


class JobObject(Record, frozen=True, gc=False):
    status: JobStatus = JobStatus()

    def settle(self) -> None:
        super().settle()
        _settle_conditions(self.status.conditions)


class NamespaceObject(Record, frozen=True, gc=False):
    pass


R = TypeVar("R", bound=Record)
S = TypeVar("S", bound=msgspec.Struct)


def as_record(obj: Any, kind: type[S]) -> S:
    """A record from an object already decoded as JSON (a test's fixture, a single GET), through its
    JSON text (a `Raw` field is only made from text); raises `msgspec.ValidationError` when a field
    has another type than the API's schema says."""
    record: S = msgspec.json.decode(msgspec.json.encode(obj), type=kind, strict=False)
    if isinstance(record, Record):
        record.settle()
    return record
