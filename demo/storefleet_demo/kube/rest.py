"""Objects by apiVersion and kind over HTTP, through the official client's ApiClient: how the applier
doubles read and write the cluster (as the real controllers do, with a client of their own)."""

from __future__ import annotations

import copy
import json
from typing import Any

import kubernetes
from kubernetes.client import ApiException

from storefleet_demo.kube.resources import Registry, ResourceType

Obj = dict[str, Any]
MERGE_PATCH = "application/merge-patch+json"
JSON_PATCH = "application/json-patch+json"


class Kube:
    def __init__(self, api_client: kubernetes.client.ApiClient, registry: Registry | None = None) -> None:
        self._client: Any = api_client  # its transport methods are untyped
        self.registry = registry or Registry()

    def resource(self, api_version: str, kind: str) -> ResourceType:
        rt = self.registry.for_kind(api_version, kind)
        if rt is None:
            raise KeyError(f"{api_version} {kind} is not served")
        return rt

    @staticmethod
    def path(rt: ResourceType, namespace: str | None, name: str | None = None, sub: str | None = None) -> str:
        parts = [f"/apis/{rt.group}/{rt.version}" if rt.group else f"/api/{rt.version}"]
        if rt.namespaced and namespace:
            parts.append(f"namespaces/{namespace}")
        parts += [part for part in (rt.plural, name, sub) if part]
        return "/".join(parts)

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        query: dict[str, str] | None = None,
        content_type: str = "application/json",
    ) -> Any:
        headers = {"Content-Type": content_type, "Accept": "application/json"}
        serialized = self._client.param_serialize(
            method=method,
            resource_path=path,
            query_params=list((query or {}).items()),
            header_params=headers,
            body=body,
        )
        method_, url, header_params, payload, post_params = serialized
        response = self._client.call_api(
            method_, url, header_params, payload, post_params, _request_timeout=10
        )
        response.read()
        text = response.data.decode() if response.data else ""
        if response.status >= 400:
            raise ApiException(status=response.status, reason=response.reason, body=text)
        return json.loads(text) if text else None

    # --- reads -----------------------------------------------------------------------------------

    def get(self, api_version: str, kind: str, namespace: str | None, name: str) -> Obj | None:
        try:
            obj: Obj = self.request("GET", self.path(self.resource(api_version, kind), namespace, name))
        except ApiException as error:
            if error.status == 404:
                return None
            raise
        return obj

    def list_objects(
        self, api_version: str, kind: str, namespace: str | None = None, labels: str | None = None
    ) -> list[Obj]:
        query = {"labelSelector": labels} if labels else None
        body = self.request("GET", self.path(self.resource(api_version, kind), namespace), query=query)
        return list(body.get("items") or [])

    # --- writes ----------------------------------------------------------------------------------

    def _target(self, obj: Obj, sub: str | None = None) -> str:
        rt = self.resource(obj["apiVersion"], obj["kind"])
        meta = obj["metadata"]
        return self.path(rt, meta.get("namespace"), meta["name"], sub)

    def create(self, obj: Obj) -> Obj:
        rt = self.resource(obj["apiVersion"], obj["kind"])
        created: Obj = self.request("POST", self.path(rt, obj["metadata"].get("namespace")), body=obj)
        return created

    def apply(self, obj: Obj) -> Obj:
        """Create the object, or update what the manifest sets while keeping what other writers added
        (labels, annotations, finalizers, fields the manifest lacks): the effect of a server-side apply
        for a manifest whose fields only this applier sets. Nothing is written when nothing changes."""
        meta = obj["metadata"]
        current = self.get(obj["apiVersion"], obj["kind"], meta.get("namespace"), meta["name"])
        if current is None:
            return self.create(obj)
        desired = copy.deepcopy(current)
        for key, value in obj.items():
            if key not in ("apiVersion", "kind", "metadata", "status"):
                desired[key] = copy.deepcopy(value)
        for field in ("labels", "annotations"):
            merged = {**(current["metadata"].get(field) or {}), **(meta.get(field) or {})}
            if merged:
                desired["metadata"][field] = merged
        if desired == current:
            return current
        replaced: Obj = self.request("PUT", self._target(desired), body=desired)
        return replaced

    def merge_patch(self, obj: Obj, patch: Obj, sub: str | None = None) -> Obj:
        patched: Obj = self.request("PATCH", self._target(obj, sub), body=patch, content_type=MERGE_PATCH)
        return patched

    def write_status(self, obj: Obj, status: Obj) -> Obj:
        """Replace the status through the status subresource, unconditionally (a status write cannot
        clobber what another writer changed elsewhere in the object)."""
        body = {"apiVersion": obj["apiVersion"], "kind": obj["kind"], "metadata": _ref(obj), "status": status}
        written: Obj = self.request("PUT", self._target(obj, "status"), body=body)
        return written

    def json_patch(self, obj: Obj, ops: list[Obj]) -> Obj:
        """RFC 6902 operations in one atomic write (no resourceVersion: nothing else is clobbered)."""
        written: Obj = self.request("PATCH", self._target(obj), body=ops, content_type=JSON_PATCH)
        return written

    def delete(self, obj: Obj, propagation: str = "Background") -> None:
        try:
            self.request("DELETE", self._target(obj), body={"propagationPolicy": propagation})
        except ApiException as error:
            if error.status != 404:
                raise


def _ref(obj: Obj) -> Obj:
    meta = obj["metadata"]
    return {key: meta[key] for key in ("name", "namespace") if key in meta}
