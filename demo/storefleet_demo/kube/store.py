"""The object store behind the test API: the write rules of the real API server (resourceVersion,
generation, status subresource, finalizers, garbage collection, namespace lifecycle) and the event
history a watch resumes from. Synchronous: it runs on the server's event loop thread only."""

from __future__ import annotations

import base64
import copy
import re
import secrets
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

from storefleet_demo.kube import errors
from storefleet_demo.kube.resources import Registry, ResourceType
from storefleet_demo.kube.watches import Event, History, Subscriber

Obj = dict[str, Any]
DEFAULT_NAMESPACES = ("default", "kube-system", "kube-public", "kube-node-lease")
_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
# The alphabet the server draws generateName suffixes from (no vowels, no look-alikes).
_SUFFIX_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"
_IMMUTABLE_META = ("uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds")


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def meta(obj: Obj) -> dict[str, Any]:
    value = obj.setdefault("metadata", {})
    if not isinstance(value, dict):
        raise errors.bad_request("metadata must be an object")
    return value


def _generation_content(rt: ResourceType, obj: Obj) -> Obj:
    """What metadata.generation tracks: everything but metadata, and but status when it is a subresource."""
    skipped = {"apiVersion", "kind", "metadata"} | ({"status"} if rt.status else set())
    return {key: value for key, value in obj.items() if key not in skipped}


class ObjectStore:
    def __init__(self, registry: Registry, history_limit: int = 1000) -> None:
        self.registry = registry
        self.history_limit = history_limit
        self.rv = 0
        self._objects: dict[str, dict[tuple[str, str], Obj]] = {}
        self._histories: dict[str, History] = {}
        self._expired_below = 0
        self.held_namespaces: set[str] = set()
        self.reset()

    # --- reading ---------------------------------------------------------------------------------

    def _table(self, rt: ResourceType) -> dict[tuple[str, str], Obj]:
        return self._objects.setdefault(rt.key, {})

    def history(self, rt: ResourceType) -> History:
        return self._histories.setdefault(rt.key, History(self.history_limit))

    def find(self, rt: ResourceType, namespace: str, name: str) -> Obj | None:
        return self._table(rt).get((namespace if rt.namespaced else "", name))

    def get(self, rt: ResourceType, namespace: str, name: str) -> Obj:
        obj = self.find(rt, namespace, name)
        if obj is None:
            raise errors.not_found(rt, name)
        return copy.deepcopy(obj)

    def items(self, rt: ResourceType, namespace: str | None) -> list[Obj]:
        """Stored objects (not copies), in the order etcd lists them: by namespace, then name."""
        table = self._table(rt)
        return [table[key] for key in sorted(table) if namespace is None or key[0] == namespace]

    def namespaced_objects(self, namespace: str) -> Iterator[tuple[ResourceType, Obj]]:
        for rt in self.registry:
            if rt.namespaced:
                for obj in self.items(rt, namespace):
                    yield rt, obj

    # --- events ----------------------------------------------------------------------------------

    def _next_rv(self) -> str:
        self.rv += 1
        return str(self.rv)

    def _emit(self, rt: ResourceType, kind: str, obj: Obj, old: Obj | None = None) -> None:
        self.history(rt).append(Event(int(obj["metadata"]["resourceVersion"]), kind, copy.deepcopy(obj), old))

    def history_floor(self, rt: ResourceType) -> int:
        return max(self.history(rt).floor, self._expired_below)

    def expire_history(self) -> None:
        """Forget every event, as an etcd compaction after unrelated writes: any watch resuming from a
        resourceVersion seen so far gets 410 Expired; a fresh list gives one to resume from."""
        self._next_rv()
        self._expired_below = self.rv
        for history in self._histories.values():
            history.events.clear()

    def watch(
        self, rt: ResourceType, namespace: str | None, since: str | None, matches: Callable[[Obj], bool]
    ) -> tuple[list[Obj], Subscriber]:
        """The events a new watch starts with, and its subscription to the ones after them. No
        resourceVersion (or "0"): the current objects as ADDED. Otherwise the events after it, or
        410 Expired when they are no longer kept."""
        subscriber = Subscriber(namespace, matches)
        if since in (None, "", "0"):
            current = self.items(rt, namespace)
            initial = [{"type": "ADDED", "object": copy.deepcopy(obj)} for obj in current if matches(obj)]
        else:
            try:
                start = int(str(since))
            except ValueError:
                raise errors.bad_request(f"invalid resource version {since!r}") from None
            floor = self.history_floor(rt)
            if start < floor:
                raise errors.expired(f"too old resource version: {start} ({floor})")
            views = (subscriber.view(event) for event in self.history(rt).events if event.rv > start)
            initial = [view for view in views if view is not None]
        self.history(rt).subscribers.add(subscriber)
        return initial, subscriber

    def unsubscribe(self, rt: ResourceType, subscriber: Subscriber) -> None:
        self.history(rt).subscribers.discard(subscriber)

    def bookmark(self, rt: ResourceType) -> Obj:
        metadata = {"resourceVersion": str(self.rv)}
        return {
            "type": "BOOKMARK",
            "object": {"apiVersion": rt.api_version, "kind": rt.kind, "metadata": metadata},
        }

    def close_watches(self) -> int:
        """End every open watch; returns how many there were."""
        subscribers = [s for history in self._histories.values() for s in history.subscribers]
        for subscriber in subscribers:
            subscriber.close()
        return len(subscribers)

    def reset(self) -> None:
        """Empty the cluster (the counter goes on, so no resourceVersion is ever reused)."""
        self.close_watches()
        self._objects.clear()
        self._histories.clear()
        self.held_namespaces.clear()
        self.expire_history()
        namespaces = self.registry.find("", "v1", "namespaces")
        assert namespaces is not None
        for name in DEFAULT_NAMESPACES:
            self.create(namespaces, "", {"metadata": {"name": name}})

    # --- create ----------------------------------------------------------------------------------

    def create(self, rt: ResourceType, namespace: str, body: Any) -> Obj:
        if not isinstance(body, dict):
            raise errors.bad_request("the request body must be a JSON object")
        obj = copy.deepcopy(body)
        metadata = meta(obj)
        if rt.namespaced:
            if metadata.get("namespace") and metadata["namespace"] != namespace:
                raise errors.bad_request(
                    "the namespace of the provided object does not match the namespace sent on the request"
                )
            metadata["namespace"] = namespace
        else:
            metadata.pop("namespace", None)
        name = self._new_name(rt, namespace, metadata)
        self._check_namespace_open(rt, namespace, name)
        if self.find(rt, namespace, name) is not None:
            raise errors.already_exists(rt, name)
        obj.update(apiVersion=rt.api_version, kind=rt.kind)
        for key in ("deletionTimestamp", "deletionGracePeriodSeconds", "managedFields"):
            metadata.pop(key, None)
        metadata.update(uid=str(uuid.uuid4()), creationTimestamp=now(), generation=1)
        self._create_defaults(rt, obj)
        _fold_string_data(rt, obj)
        metadata["resourceVersion"] = self._next_rv()
        self._table(rt)[(namespace if rt.namespaced else "", name)] = obj
        self._emit(rt, "ADDED", obj)
        return copy.deepcopy(obj)

    def _new_name(self, rt: ResourceType, namespace: str, metadata: dict[str, Any]) -> str:
        name = metadata.get("name")
        if not name and metadata.get("generateName"):
            name = str(metadata["generateName"]) + "".join(secrets.choice(_SUFFIX_ALPHABET) for _ in range(5))
            metadata["name"] = name
        if not name or not isinstance(name, str):
            raise errors.invalid(rt, "", "metadata.name: Required value: name or generateName is required")
        pattern, limit = (
            (_LABEL, 63) if rt.plural in ("namespaces", "services") and not rt.group else (_SUBDOMAIN, 253)
        )
        if len(name) > limit or not pattern.match(name):
            raise errors.invalid(
                rt, name, f'metadata.name: Invalid value: "{name}": must be a lowercase RFC 1123 name'
            )
        return name

    def _check_namespace_open(self, rt: ResourceType, namespace: str, name: str) -> None:
        """The NamespaceLifecycle admission: no new content in a missing or terminating namespace."""
        if not rt.namespaced:
            return
        namespaces = self.registry.find("", "v1", "namespaces")
        assert namespaces is not None
        ns = self.find(namespaces, "", namespace)
        if ns is None:
            raise errors.not_found(namespaces, namespace)
        if ns["metadata"].get("deletionTimestamp"):
            raise errors.forbidden(
                rt,
                name,
                f"unable to create new content in namespace {namespace} because it is being terminated",
            )

    def _create_defaults(self, rt: ResourceType, obj: Obj) -> None:
        # A status subresource's status is not taken from a create; the builtins start theirs.
        if rt.status:
            obj.pop("status", None)
        if rt.group or rt.plural not in ("namespaces", "pods"):
            return
        if rt.plural == "namespaces":
            name = obj["metadata"]["name"]
            obj["metadata"].setdefault("labels", {})["kubernetes.io/metadata.name"] = name
            obj["spec"] = {"finalizers": ["kubernetes"]}
            obj["status"] = {"phase": "Active"}
        else:
            obj["status"] = {"phase": "Pending"}

    # --- update ----------------------------------------------------------------------------------

    def require(self, rt: ResourceType, namespace: str, name: str) -> Obj:
        obj = self.find(rt, namespace, name)
        if obj is None:
            raise errors.not_found(rt, name)
        return obj

    def replace(self, rt: ResourceType, namespace: str, name: str, body: Any, subresource: str | None) -> Obj:
        old = self.require(rt, namespace, name)
        if not isinstance(body, dict):
            raise errors.bad_request("the request body must be a JSON object")
        new = copy.deepcopy(body)
        if meta(new).get("name", name) != name:
            given = new["metadata"]["name"]
            raise errors.bad_request(
                f"the name of the object ({given}) does not match the name on the URL ({name})"
            )
        return self.update(rt, old, new, subresource)

    def update(self, rt: ResourceType, old: Obj, new: Obj, subresource: str | None) -> Obj:
        """Write `new` over the stored `old`, keeping what the endpoint may not change."""
        name = old["metadata"]["name"]
        expected = meta(new).get("resourceVersion")
        if expected and expected != old["metadata"]["resourceVersion"]:
            raise errors.conflict(rt, name)
        result = self._merge_endpoint(rt, old, new, subresource)
        _fold_string_data(rt, result)
        for key in ("name", "namespace", "resourceVersion", "generation", *_IMMUTABLE_META):
            result["metadata"].pop(key, None)
            if key in old["metadata"]:
                result["metadata"][key] = old["metadata"][key]
        result.update(apiVersion=rt.api_version, kind=rt.kind)
        self._check_finalizers(rt, old, result)
        if _generation_content(rt, result) != _generation_content(rt, old):
            result["metadata"]["generation"] = old["metadata"].get("generation", 0) + 1
        if result == old:
            return copy.deepcopy(old)  # a no-op write: no new resourceVersion, no event
        result["metadata"]["resourceVersion"] = self._next_rv()
        if result["metadata"].get("deletionTimestamp") and not result["metadata"].get("finalizers"):
            # The write that empties the finalizers of a deleting object deletes it: one DELETED event.
            self._table(rt).pop(self._key(rt, old))
            self._emit(rt, "DELETED", result)
            self._after_removal(rt, result, "Background")
            return copy.deepcopy(result)
        self._table(rt)[self._key(rt, old)] = result
        self._emit(rt, "MODIFIED", result, copy.deepcopy(old))
        return copy.deepcopy(result)

    @staticmethod
    def _key(rt: ResourceType, obj: Obj) -> tuple[str, str]:
        return (obj["metadata"].get("namespace", "") if rt.namespaced else "", obj["metadata"]["name"])

    @staticmethod
    def _merge_endpoint(rt: ResourceType, old: Obj, new: Obj, subresource: str | None) -> Obj:
        if subresource == "status":
            result = copy.deepcopy(old)
            if "status" in new:
                result["status"] = copy.deepcopy(new["status"])
            else:
                result.pop("status", None)
            return result
        result = copy.deepcopy(new)
        if rt.status:  # the main endpoint ignores status when it is a subresource
            result.pop("status", None)
            if "status" in old:
                result["status"] = copy.deepcopy(old["status"])
        return result

    @staticmethod
    def _check_finalizers(rt: ResourceType, old: Obj, new: Obj) -> None:
        if not old["metadata"].get("deletionTimestamp"):
            return
        added = set(new["metadata"].get("finalizers") or []) - set(old["metadata"].get("finalizers") or [])
        if added:
            message = "Forbidden: no new finalizers can be added if the object is being deleted"
            raise errors.invalid(rt, old["metadata"]["name"], f"metadata.finalizers: {message}")

    # --- delete ----------------------------------------------------------------------------------

    def delete(self, rt: ResourceType, namespace: str, name: str, options: Obj) -> tuple[Obj, bool]:
        """Delete per DeleteOptions; returns the last state and whether the object is gone."""
        old = self.require(rt, namespace, name)
        preconditions = options.get("preconditions") or {}
        for field in ("resourceVersion", "uid"):
            if preconditions.get(field) and preconditions[field] != old["metadata"].get(field):
                raise errors.conflict(rt, name)
        policy = options.get("propagationPolicy") or rt.default_propagation
        if policy not in ("Orphan", "Background", "Foreground"):
            raise errors.bad_request(f"propagationPolicy: Unsupported value: {policy!r}")
        if rt.plural == "namespaces" and not rt.group:
            return self._delete_namespace(rt, old)
        return self.delete_object(rt, old, policy)

    def delete_object(self, rt: ResourceType, old: Obj, policy: str) -> tuple[Obj, bool]:
        if old["metadata"].get("finalizers"):
            if old["metadata"].get("deletionTimestamp"):
                return copy.deepcopy(old), False
            return self._mark_deleting(rt, old), False
        if policy == "Foreground":
            self._collect_dependents(old, "Background")
        removed = copy.deepcopy(old)
        removed["metadata"]["resourceVersion"] = self._next_rv()
        self._table(rt).pop(self._key(rt, old))
        self._emit(rt, "DELETED", removed)
        self._after_removal(rt, removed, policy)
        return removed, True

    def _mark_deleting(self, rt: ResourceType, old: Obj) -> Obj:
        new = copy.deepcopy(old)
        new["metadata"].update(deletionTimestamp=now(), deletionGracePeriodSeconds=0)
        # The server bumps generation when it starts a graceful deletion.
        new["metadata"]["generation"] = old["metadata"].get("generation", 0) + 1
        new["metadata"]["resourceVersion"] = self._next_rv()
        self._table(rt)[self._key(rt, old)] = new
        self._emit(rt, "MODIFIED", new, copy.deepcopy(old))
        return copy.deepcopy(new)

    def _after_removal(self, rt: ResourceType, removed: Obj, policy: str) -> None:
        self._collect_dependents(removed, policy)
        if rt.namespaced:
            self.finish_namespace(removed["metadata"]["namespace"])

    def _collect_dependents(self, owner: Obj, policy: str) -> None:
        """The garbage collector: dependents (by ownerReferences uid) go with their owner, or are
        orphaned (their reference to it removed) under the Orphan policy."""
        uid = owner["metadata"].get("uid")
        scope = owner["metadata"].get("namespace")
        for rt in self.registry:
            for obj in list(self.items(rt, scope if rt.namespaced and scope else None)):
                refs = obj["metadata"].get("ownerReferences") or []
                if (
                    not any(ref.get("uid") == uid for ref in refs)
                    or self.find(rt, *self._key(rt, obj)) is None
                ):
                    continue
                rest = [ref for ref in refs if ref.get("uid") != uid]
                if policy == "Orphan" or rest:
                    new = copy.deepcopy(obj)
                    new["metadata"]["ownerReferences"] = rest
                    self.update(rt, obj, new, None)
                else:
                    self.delete_object(rt, obj, "Background")

    # --- namespaces ------------------------------------------------------------------------------

    def _delete_namespace(self, rt: ResourceType, old: Obj) -> tuple[Obj, bool]:
        """What the namespace controller does: Terminating, every object in it deleted, then gone
        (unless an object in it keeps a finalizer, or a test holds the namespace)."""
        name = old["metadata"]["name"]
        if not old["metadata"].get("deletionTimestamp"):
            new = copy.deepcopy(old)
            new["metadata"]["deletionTimestamp"] = now()
            new["status"] = {"phase": "Terminating"}
            new["metadata"]["resourceVersion"] = self._next_rv()
            self._table(rt)[("", name)] = new
            self._emit(rt, "MODIFIED", new, copy.deepcopy(old))
        for content_rt, obj in list(self.namespaced_objects(name)):
            current = self.find(content_rt, name, obj["metadata"]["name"])
            if current is not None:
                self.delete_object(content_rt, current, "Background")
        last = copy.deepcopy(self.find(rt, "", name) or old)
        gone = self.finish_namespace(name)
        return last, gone

    def finish_namespace(self, name: str) -> bool:
        """Remove a terminating namespace once nothing holds it; True when it is gone."""
        rt = self.registry.find("", "v1", "namespaces")
        assert rt is not None
        ns = self.find(rt, "", name)
        if ns is None:
            return True
        if not ns["metadata"].get("deletionTimestamp") or name in self.held_namespaces:
            return False
        if ns["metadata"].get("finalizers") or next(self.namespaced_objects(name), None) is not None:
            return False
        removed = copy.deepcopy(ns)
        removed["spec"] = {}
        removed["metadata"]["resourceVersion"] = self._next_rv()
        self._table(rt).pop(("", name))
        self._emit(rt, "DELETED", removed)
        return True


def _fold_string_data(rt: ResourceType, obj: Obj) -> None:
    """Secrets: `stringData` is write-only; the API server merges it into `data` (base64), over
    any key of the same name, and never returns it."""
    if rt.group or rt.plural != "secrets" or "stringData" not in obj:
        return
    plain = obj.pop("stringData") or {}
    data = obj.get("data") or {}
    data.update({key: base64.b64encode(str(value).encode()).decode() for key, value in plain.items()})
    obj["data"] = data
