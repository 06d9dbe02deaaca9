"""A Kubernetes API server for tests: kmock's KubernetesEmulator, served over real HTTP, with the
semantics a list-then-watch client relies on (see store.py for the write rules)."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
from dataclasses import dataclass
from typing import Any

import aiohttp.web
import attrs
import kmock
from kmock import KubernetesEmulator

from storefleet_demo.kube import discovery, errors, patches
from storefleet_demo.kube.errors import ApiError
from storefleet_demo.kube.resources import Registry, ResourceType
from storefleet_demo.kube.selectors import Matcher, field_selector, label_selector
from storefleet_demo.kube.store import ObjectStore
from storefleet_demo.kube.watches import Subscriber

Obj = dict[str, Any]
_SUCCESS = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success"}


@dataclass(frozen=True)
class Target:
    """A resource path: namespace None is every namespace (or a cluster-scoped kind)."""

    rt: ResourceType
    namespace: str | None
    name: str | None
    subresource: str | None

    @property
    def scope(self) -> str:
        return self.namespace or ""


def parse_path(registry: Registry, path: str) -> Target | None:
    """/api/v1/... or /apis/<group>/<version>/...; None for the discovery paths."""
    parts = [part for part in path.split("/") if part]
    if parts[:1] == ["api"] and len(parts) >= 3:
        group, version, rest = "", parts[1], parts[2:]
    elif parts[:1] == ["apis"] and len(parts) >= 4:
        group, version, rest = parts[1], parts[2], parts[3:]
    else:
        return None
    namespace = None
    # namespaces/<ns>/<plural>/... is namespaced content; namespaces/<name>/status is the Namespace.
    if (
        len(rest) >= 3
        and rest[0] == "namespaces"
        and not (len(rest) == 3 and rest[2] in ("status", "finalize"))
    ):
        namespace, rest = rest[1], rest[2:]
    rt = registry.find(group, version, rest[0])
    if rt is None or (namespace is not None and not rt.namespaced):
        raise errors.unknown_path()
    name = rest[1] if len(rest) > 1 else None
    subresource = "/".join(rest[2:]) or None
    if subresource is not None and subresource not in rt.subresources:
        raise errors.unknown_path()
    return Target(rt, namespace, name, subresource)


def _line(event: Obj) -> bytes:
    return json.dumps(event).encode() + b"\n"


def _json(body: Obj | str, status: int = 200) -> aiohttp.web.Response:
    if isinstance(body, str):
        return aiohttp.web.Response(text=body, status=status, content_type="text/plain")
    return aiohttp.web.json_response(body, status=status)


def _tail(text: str, params: dict[str, str]) -> str:
    if "tailLines" in params:
        count = int(params["tailLines"])
        lines = text.splitlines(keepends=True)
        text = "".join(lines[-count:]) if count > 0 else ""
    if "limitBytes" in params:
        text = text.encode()[: int(params["limitBytes"])].decode(errors="ignore")
    return text


PAGED_LISTS_KEPT = 32  # paged lists whose selection is kept for their next pages


@attrs.define(kw_only=True)
class KubeAPI(KubernetesEmulator):
    """Use through cluster.running_kube_api(); mutate `store` and `pod_logs` on the server's loop only."""

    history_limit: int = 1000
    request_log_limit: int = attrs.field(default=100, validator=attrs.validators.ge(1))
    registry: Registry = attrs.field(factory=Registry)
    store: ObjectStore = attrs.field(init=False)
    pod_logs: dict[tuple[str, str], str] = attrs.field(factory=dict, init=False)
    # per list (kind, namespace, name, selectors): the resourceVersion and objects of its last first page
    _paged_lists: dict[tuple[Any, ...], tuple[int, list[Obj]]] = attrs.field(factory=dict, init=False)

    def __attrs_post_init__(self) -> None:
        # Deliberately not the parent's: its fallback reactions (and the object handling in its
        # _handle) are replaced by _serve, since kmock's own path parsing cannot address
        # /api/v1/namespaces. Reactions a test adds with kmock's DSL are still served first.
        self.store = ObjectStore(self.registry, self.history_limit)

    async def __call__(self, raw_request: aiohttp.web.BaseRequest) -> aiohttp.web.StreamResponse:
        # kmock's own request parsing fails on /api/v1/namespaces (its path parser expects a name
        # after "namespaces"): the request is described from this module's parser instead.
        request = await self._describe(raw_request)
        self._requests.append(request)
        try:
            return await self._handle(request)
        except Exception as error:  # a bug here, or in a reaction a test added: answer, don't hang
            return _json(ApiError(500, "InternalError", repr(error)).status(), 500)

    async def _describe(self, raw: aiohttp.web.BaseRequest) -> kmock.Request:
        body = await raw.read()
        text = body.decode(errors="replace")
        data = None
        with contextlib.suppress(ValueError):
            data = json.loads(text) if text else None
        k8s: Obj = {}
        with contextlib.suppress(ApiError):
            target = parse_path(self.registry, raw.path)
            if target is not None:
                rt = target.rt
                k8s = {
                    "resource": kmock.resource(group=rt.group, version=rt.version, plural=rt.plural),
                    "namespace": target.namespace,
                    "name": target.name,
                    "subresource": target.subresource,
                    "action": _action(raw.method, target, raw.query.get("watch")),
                }
        return kmock.Request(
            id=len(self._requests),
            raw_request=raw,
            url=raw.url,
            method=raw.method,
            params=dict(raw.query),
            headers=dict(raw.headers),
            cookies=dict(raw.cookies),
            body=body,
            text=text,
            data=data,
            **k8s,
        )

    async def _handle(self, request: kmock.Request) -> aiohttp.web.StreamResponse:
        # kmock matches each request against its whole request log, so every request would cost
        # more than the one before: keep the recent ones only.
        del self._requests[: -self.request_log_limit]
        if self._payloads:
            with contextlib.suppress(NotImplementedError):
                return await kmock.RawHandler._handle(self, request)
        try:
            return await self._serve(request)
        except ApiError as error:
            return _json(error.status(), error.code)
        except ValueError as error:  # a selector, limit or timeout it cannot read (SelectorError too)
            return _json(errors.bad_request(str(error)).status(), 400)

    async def _serve(self, request: kmock.Request) -> aiohttp.web.StreamResponse:
        target = parse_path(self.registry, request.url.path)
        method = str(request.method.value).upper()
        if target is None:
            if method != "GET":
                raise errors.not_allowed(method)
            return _json(discovery.document(self.registry, request.url.path))
        if target.name is None:
            return await self._collection(request, target, method)
        if target.subresource == "log":
            if method != "GET":
                raise errors.not_allowed(method)
            return _json(self._log(target, dict(request.params)))
        if target.rt.namespaced and target.namespace is None:
            raise errors.unknown_path()
        return self._item(request, target, method)

    async def _collection(
        self, request: kmock.Request, target: Target, method: str
    ) -> aiohttp.web.StreamResponse:
        params = dict(request.params)
        if target.subresource is not None:
            raise errors.unknown_path()
        if method == "GET" and params.get("watch") in ("true", "1"):
            return await self._watch(request, target, self._matcher(target, params))
        if method == "GET":
            return _json(self._list(target, params))
        if method == "POST" and (target.namespace is not None or not target.rt.namespaced):
            return _json(self.store.create(target.rt, target.scope, _body(request)), 201)
        if method == "DELETE":
            matches = self._matcher(target, params)
            for obj in [o for o in self.store.items(target.rt, target.namespace) if matches(o)]:
                namespace, name = obj["metadata"].get("namespace", ""), obj["metadata"]["name"]
                self.store.delete(target.rt, namespace, name, _delete_options(request))
            return _json(_SUCCESS)
        raise errors.not_allowed(method)

    def _item(self, request: kmock.Request, target: Target, method: str) -> aiohttp.web.StreamResponse:
        rt, scope, name = target.rt, target.scope, target.name
        assert name is not None
        if method == "GET":
            return _json(self.store.get(rt, scope, name))
        if method == "PUT":
            return _json(self.store.replace(rt, scope, name, _body(request), target.subresource))
        if method == "PATCH":
            return _json(self._patch(request, target, name))
        if method == "DELETE" and target.subresource is None:
            last, gone = self.store.delete(rt, scope, name, _delete_options(request))
            # Custom resources, Pods and Namespaces answer with the object, other builtins with a Status.
            if not gone or rt.crd or (not rt.group and rt.plural in ("pods", "namespaces")):
                return _json(last)
            details = {"name": name, "group": rt.group, "kind": rt.plural, "uid": last["metadata"]["uid"]}
            return _json({**_SUCCESS, "details": details})
        raise errors.not_allowed(method)

    def _patch(self, request: kmock.Request, target: Target, name: str) -> Obj:
        content_type = request.headers.get("Content-Type", "").split(";")[0].strip()
        if content_type not in (patches.MERGE, patches.JSON_PATCH, patches.STRATEGIC, patches.APPLY):
            raise ApiError(
                415,
                "UnsupportedMediaType",
                f"the body of the request was in an unknown format: {content_type}",
            )
        try:
            document = patches.decode(content_type, request.text)
            current = self.store.find(target.rt, target.scope, name)
            if current is None and content_type == patches.APPLY and isinstance(document, dict):
                # Server-side apply creates what does not exist yet.
                return self.store.create(
                    target.rt,
                    target.scope,
                    {**document, "metadata": {**document.get("metadata", {}), "name": name}},
                )
            if current is None:
                raise errors.not_found(target.rt, name)
            patched = patches.apply(content_type, current, document)
        except patches.PatchError as error:
            raise ApiError(
                422 if error.unprocessable else 400,
                "Invalid" if error.unprocessable else "BadRequest",
                str(error),
            ) from error
        return self.store.update(target.rt, current, patched, target.subresource)

    def _matcher(self, target: Target, params: dict[str, str]) -> Matcher:
        by_labels = label_selector(params.get("labelSelector"))
        by_fields = field_selector(params.get("fieldSelector"), target.rt.field_labels)
        name = target.name  # a watch on an item path (the deprecated form) is a watch on that name
        return lambda obj: by_labels(obj) and by_fields(obj) and name in (None, obj["metadata"]["name"])

    def _list(self, target: Target, params: dict[str, str]) -> Obj:
        offset = int(base64.b64decode(params["continue"]).decode()) if params.get("continue") else 0
        limit = int(params.get("limit") or 0)
        items = self._listed(target, params, paging=bool(limit), first=not offset)
        metadata: Obj = {"resourceVersion": str(self.store.rv)}
        # Pages are cut from the current state, not from a snapshot at the first page's version
        # (a write between two pages shifts what the next one holds).
        page = items[offset : offset + limit] if limit else items[offset:]
        if limit and offset + limit < len(items):
            metadata["continue"] = base64.b64encode(str(offset + limit).encode()).decode()
            metadata["remainingItemCount"] = len(items) - offset - limit
        rt = target.rt
        return {"apiVersion": rt.api_version, "kind": f"{rt.kind}List", "metadata": metadata, "items": page}

    def _listed(self, target: Target, params: dict[str, str], *, paging: bool, first: bool) -> list[Obj]:
        """The matching objects, in order. A paged list's next pages reuse what its first page
        selected and sorted while nothing was written since (the same resourceVersion): cutting each
        page of a 10,000-object list from a fresh sort made listing quadratic."""
        key = (target.rt.key, target.namespace, target.name, params.get("labelSelector"),
               params.get("fieldSelector"))  # fmt: skip
        kept = self._paged_lists.get(key)
        if paging and not first and kept is not None and kept[0] == self.store.rv:
            return kept[1]
        matches = self._matcher(target, params)
        items = [obj for obj in self.store.items(target.rt, target.namespace) if matches(obj)]
        if paging:
            self._paged_lists[key] = (self.store.rv, items)
            while len(self._paged_lists) > PAGED_LISTS_KEPT:
                self._paged_lists.pop(next(iter(self._paged_lists)))
        return items

    def _log(self, target: Target, params: dict[str, str]) -> str:
        assert target.name is not None
        pod = self.store.get(target.rt, target.scope, target.name)
        if pod.get("status", {}).get("phase") == "Pending":
            container = params.get("container") or pod.get("spec", {}).get("containers", [{}])[0].get(
                "name", ""
            )
            raise errors.bad_request(
                f'container "{container}" in pod "{target.name}" is waiting to start: ContainerCreating'
            )
        return _tail(self.pod_logs.get((target.scope, target.name), ""), params)

    async def _watch(
        self, request: kmock.Request, target: Target, matches: Matcher
    ) -> aiohttp.web.StreamResponse:
        params = dict(request.params)
        raw = request._raw_request
        assert raw is not None
        response = aiohttp.web.StreamResponse(status=200, headers={"Content-Type": "application/json"})
        try:
            initial, subscriber = self.store.watch(
                target.rt, target.namespace, params.get("resourceVersion"), matches
            )
        except ApiError as error:
            if error.code != 410:
                raise
            # As the real server: the stream opens, then one ERROR event carries the 410 Expired.
            await response.prepare(raw)
            await response.write(_line({"type": "ERROR", "object": error.status()}))
            await response.write_eof()
            return response
        try:
            await response.prepare(raw)
            await response.write(b"".join(_line(event) for event in initial))
            seconds = params.get("timeoutSeconds")
            deadline = asyncio.get_running_loop().time() + float(seconds) if seconds else None
            if (
                await self._stream(response, subscriber, deadline)
                and params.get("allowWatchBookmarks") == "true"
            ):
                await response.write(_line(self.store.bookmark(target.rt)))
            await response.write_eof()
        except ConnectionError:
            pass  # the client went away
        finally:
            self.store.unsubscribe(target.rt, subscriber)
        return response

    @staticmethod
    async def _stream(
        response: aiohttp.web.StreamResponse, subscriber: Subscriber, deadline: float | None
    ) -> bool:
        """Send events until the deadline (True) or until the server closes the watch (False)."""
        while True:
            try:
                async with asyncio.timeout_at(deadline):
                    event = await subscriber.queue.get()
            except TimeoutError:
                return True
            if event is None:
                return False
            batch = [event]
            while not subscriber.queue.empty() and (event := subscriber.queue.get_nowait()) is not None:
                batch.append(event)
            await response.write(b"".join(_line(item) for item in batch))
            if event is None:
                return False


def _action(method: str, target: Target, watch: str | None) -> kmock.action | None:
    """The action kmock's DSL filters on (kmock['list', resource], ...)."""
    if method == "GET":
        if watch in ("true", "1"):
            return kmock.action.WATCH
        return kmock.action.LIST if target.name is None else kmock.action.FETCH
    if target.name is None:
        return kmock.action.CREATE if method == "POST" else None
    return {"PUT": kmock.action.UPDATE, "PATCH": kmock.action.UPDATE, "DELETE": kmock.action.DELETE}.get(
        method
    )


def _body(request: kmock.Request) -> Any:
    try:
        return json.loads(request.text) if request.text else None
    except ValueError as error:
        raise errors.bad_request(f"couldn't decode the request body: {error}") from error


def _delete_options(request: kmock.Request) -> Obj:
    body = _body(request)
    options: Obj = body if isinstance(body, dict) else {}
    if request.params.get("propagationPolicy"):
        options["propagationPolicy"] = request.params["propagationPolicy"]
    return options
