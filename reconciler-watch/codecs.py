"""How a kind's list pages and watch events are decoded: as plain JSON (`JSON_OBJECTS`), or straight into
the typed records of `wire.py` (`RecordCodec`), which skip while decoding every field the watcher does
not read.

A watch's ERROR event (a Status object) raises: `Gone` for 410 (relist), else the API's error.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

import msgspec
import orjson
from kubernetes.client.exceptions import ApiException

from storefleet.reconciler_watch.wire import (
    HelmReleaseObject,
    JobObject,
    NamespaceObject,
    ObjectMeta,
    R,
    as_record,
)
from storefleet.renderer.names import LABEL_STORE

log = logging.getLogger(__name__)

Key = tuple[str, str]  # (namespace, name)
O = TypeVar("O")  # noqa: E741 - an object as a codec decodes it


class Gone(Exception):
    """The watch's resourceVersion is too old (HTTP 410): relist."""


@dataclass(frozen=True)
class Page(Generic[O]):
    items: list[O]
    resource_version: str
    continue_token: str | None


@dataclass(frozen=True)
class Event(Generic[O]):
    type: str  # ADDED | MODIFIED | DELETED | BOOKMARK
    object: O
    resource_version: str | None


class Codec(Protocol[O]):
    def page(self, body: bytes) -> Page[O]: ...
    def event(self, line: bytes | str) -> Event[O] | None: ...
    def key(self, obj: O) -> Key: ...
    def store(self, obj: O) -> str | None: ...  # the store it belongs to (its store label)


def _raise_for_status(status: Any) -> None:
    status = status if isinstance(status, dict) else {}
    if status.get("code") == 410:
        raise Gone(str(status.get("message", "resource version too old")))
    raise ApiException(status=status.get("code", 500), reason=str(status.get("message", status)))


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


class JsonObjects:
    """Whole objects as plain JSON (orjson: its key cache shares the keys' strings between pages)."""

    def page(self, body: bytes) -> Page[dict[str, Any]]:
        listed = _mapping(orjson.loads(body or b"{}"))
        meta = _mapping(listed.get("metadata"))
        items = [item for item in listed.get("items") or [] if isinstance(item, dict)]
        return Page(items, str(meta.get("resourceVersion") or ""), meta.get("continue") or None)

    def event(self, line: bytes | str) -> Event[dict[str, Any]] | None:
        event = _mapping(orjson.loads(line))
        obj = event.get("object")
        if not isinstance(obj, dict):
            return None
        if event.get("type") == "ERROR":
            _raise_for_status(obj)
        version = _mapping(obj.get("metadata")).get("resourceVersion")
        return Event(str(event.get("type")), obj, str(version) if version else None)

    def key(self, obj: dict[str, Any]) -> Key:
        meta = _mapping(obj.get("metadata"))
        return str(meta.get("namespace") or ""), str(meta.get("name") or "")

    def store(self, obj: dict[str, Any]) -> str | None:
        store = _mapping(_mapping(obj.get("metadata")).get("labels")).get(LABEL_STORE)
        return str(store) if store else None


JSON_OBJECTS = JsonObjects()


class _ListMeta(msgspec.Struct, frozen=True):
    resourceVersion: str = ""
    continue_: str | None = msgspec.field(default=None, name="continue")


class _Listed(msgspec.Struct, Generic[O], frozen=True):
    metadata: _ListMeta = _ListMeta()
    items: list[O] = msgspec.field(default_factory=list)


class _RawEvent(msgspec.Struct, frozen=True):
    type: str = ""
    object: msgspec.Raw = msgspec.field(default_factory=msgspec.Raw)


class _VersionMeta(msgspec.Struct, frozen=True):
    resourceVersion: str | None = None


class _Versioned(msgspec.Struct, frozen=True):
    metadata: _VersionMeta = _VersionMeta()


_EVENTS = msgspec.json.Decoder(_RawEvent)
_VERSIONS = msgspec.json.Decoder(_Versioned)


class RecordCodec(Generic[R]):
    """Objects decoded into `kind`, one of the records of `wire.py`, and settled. An object whose fields have
    other types than its kind's schema says (no API server lets one through; a test's may) is kept
    with its metadata alone, or left out when even that does not decode: one odd object never fails
    its whole list."""

    def __init__(self, kind: type[R]) -> None:
        self.kind: type[R] = kind
        self._pages = msgspec.json.Decoder(_Listed[kind])  # type: ignore[valid-type]
        self._one: msgspec.json.Decoder[R] = msgspec.json.Decoder(kind)

    def page(self, body: bytes) -> Page[R]:
        try:
            listed: _Listed[R] = self._pages.decode(body or b"{}")
        except msgspec.ValidationError:
            return self._lenient_page(body)
        for record in listed.items:
            record.settle()
        meta = listed.metadata
        return Page(listed.items, meta.resourceVersion, meta.continue_ or None)

    def event(self, line: bytes | str) -> Event[R] | None:
        event = _EVENTS.decode(line)
        if event.type == "ERROR":
            _raise_for_status(msgspec.json.decode(event.object) if event.object else {})
        if not event.object:
            return None
        try:
            decoded = self._one.decode(event.object)
        except msgspec.ValidationError:
            obj = self._lenient(msgspec.json.decode(event.object))
        else:
            decoded.settle()
            obj = decoded
        if obj is None:
            return None
        return Event(event.type, obj, _VERSIONS.decode(event.object).metadata.resourceVersion)

    def key(self, obj: R) -> Key:
        return obj.metadata.namespace, obj.metadata.name

    def store(self, obj: R) -> str | None:
        return obj.metadata.labels.store

    def _lenient_page(self, body: bytes) -> Page[R]:
        listed = _mapping(orjson.loads(body or b"{}"))
        meta = _mapping(listed.get("metadata"))
        items = [obj for item in listed.get("items") or [] if (obj := self._lenient(item)) is not None]
        return Page(items, str(meta.get("resourceVersion") or ""), meta.get("continue") or None)

    def _lenient(self, item: Any) -> R | None:
        try:
            return as_record(item, self.kind)
        except msgspec.ValidationError as exc:
            name = _mapping(_mapping(item).get("metadata")).get("name")
            log.warning("%s %s does not match its schema (%s): keeping its metadata",
                        self.kind.__name__, name, exc)  # fmt: skip
        try:
            bare = self.kind(metadata=as_record(_mapping(item).get("metadata"), ObjectMeta))
        except msgspec.ValidationError:
            return None
        bare.settle()
        return bare


RELEASE_RECORDS = RecordCodec(HelmReleaseObject)
JOB_RECORDS = RecordCodec(JobObject)
NAMESPACE_RECORDS = RecordCodec(NamespaceObject)
