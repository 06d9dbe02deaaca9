"""The watcher's only door to the Kubernetes API: a small interface over the official client.

Synchronous (the `kubernetes` client is); callers run it in worker threads. Everything the watcher
reads or writes in the cluster goes through here, so a test points it at another API server by URL.
"""

from __future__ import annotations

import base64
import binascii
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import orjson
from kubernetes import client, config
from kubernetes.client.exceptions import ApiException
from kubernetes.watch.watch import iter_resp_lines

from storefleet.reconciler_watch.codecs import JSON_OBJECTS, Codec, Event, Gone, O, Page
from storefleet.reconciler_watch.drift_events import FluxDriftEvents
from storefleet.reconciler_watch.limit_objects import LimitObjects
from storefleet.reconciler_watch.rotation_job import ROTATION_LABEL
from storefleet.reconciler_watch.secret_values import SecretValues
from storefleet.reconciler_watch.velero_objects import VeleroObjects
from storefleet.reconciler_watch.volume_objects import VolumeObjects

log = logging.getLogger(__name__)
__all__ = ["Gone"]  # re-exported: the informer's relist signal

STORE_LABEL = "storefleet.io/store"
SETUP_LABEL = "storefleet.io/setup"
MANAGED_SELECTOR = "app.kubernetes.io/managed-by=storefleet"
JSON_MERGE_PATCH = "application/merge-patch+json"


@dataclass(frozen=True)
class Resource:
    """One kind the watcher lists and watches (`group` "" is the core API)."""

    group: str
    version: str
    plural: str
    namespace: str | None = None  # None: across all namespaces
    label_selector: str | None = None

    @property
    def key(self) -> str:
        scope = self.namespace or "*"
        selected = f"[{self.label_selector}]" if self.label_selector else ""
        return f"{self.group or 'core'}/{self.version}/{self.plural}@{scope}{selected}"


HELMRELEASES = Resource("helm.toolkit.fluxcd.io", "v2", "helmreleases", label_selector=STORE_LABEL)
APPLICATIONS = Resource("argoproj.io", "v1alpha1", "applications", label_selector=STORE_LABEL)
SETUP_JOBS = Resource("batch", "v1", "jobs", label_selector=SETUP_LABEL)
ROTATION_JOBS = Resource("batch", "v1", "jobs", label_selector=ROTATION_LABEL)
NAMESPACES = Resource("", "v1", "namespaces", label_selector=STORE_LABEL)
STORE_PODS = Resource("", "v1", "pods", label_selector=STORE_LABEL)  # kept slim: pod_health.slim_pod


def restores(namespace: str) -> Resource:
    """Velero's Restores the platform declared (labelled with their store) in the Velero namespace."""
    return Resource("velero.io", "v1", "restores", namespace=namespace, label_selector=STORE_LABEL)


def kustomizations(namespace: str) -> Resource:
    return Resource("kustomize.toolkit.fluxcd.io", "v1", "kustomizations", namespace=namespace)


@dataclass(frozen=True)
class SecretValue:
    """One key of a Secret: `exists` is False when the Secret is absent, `value` None when the key
    is (or is not UTF-8). The value never shows in a repr, so it cannot reach a log by accident."""

    exists: bool
    value: str | None = field(default=None, repr=False)


# The kinds `namespace_objects` lists in a store namespace (plural -> API group, list method).
STORE_OBJECT_KINDS: dict[str, tuple[str, str]] = {
    "pods": ("core", "list_namespaced_pod"),
    "deployments": ("apps", "list_namespaced_deployment"),
    "statefulsets": ("apps", "list_namespaced_stateful_set"),
    "ingresses": ("networking", "list_namespaced_ingress"),
}


@dataclass(frozen=True)
class NamespaceObjects:
    """What one namespace holds, as plain JSON. `namespace` is None when it does not exist;
    `forbidden` names the kinds this client may not list there (RBAC), whose lists stay empty."""

    namespace: dict[str, Any] | None
    objects: dict[str, list[dict[str, Any]]]
    forbidden: tuple[str, ...] = ()


# Objects per page of a list: big enough that a page costs one round trip among many objects, small
# enough that a page's JSON and objects are a few megabytes.
LIST_PAGE = 500


def load_api_client(kubeconfig: Path | None, context: str | None = None) -> client.ApiClient:
    """From a kubeconfig file when one is given, else the in-cluster service account."""
    configuration = client.Configuration()
    loaders: Any = config  # the loaders are untyped
    if kubeconfig is not None:
        loaders.load_kube_config(
            config_file=str(kubeconfig), context=context, client_configuration=configuration
        )
    else:
        loaders.load_incluster_config(client_configuration=configuration)
    return client.ApiClient(configuration)


class Cluster(FluxDriftEvents, VeleroObjects, VolumeObjects, LimitObjects, SecretValues):
    def __init__(self, api_client: client.ApiClient, request_timeout_s: float = 10.0) -> None:
        self.api_client = api_client
        # Typed as Any: the client's generated signatures want model objects, and plain JSON dicts
        # (which it serialises the same way) keep this module free of model classes.
        self._custom: Any = client.CustomObjectsApi(api_client)
        self._core: Any = client.CoreV1Api(api_client)
        self._batch: Any = client.BatchV1Api(api_client)
        self._timeout = request_timeout_s

    def close(self) -> None:
        """Release the client's connections (a client no longer used: its cluster was deleted)."""
        self.api_client.close()  # type: ignore[no-untyped-call]

    # ---- list + watch ----------------------------------------------------------------------------
    def _list_fn(self, resource: Resource) -> Any:
        if resource.group in ("", "batch"):
            api = self._core if resource.group == "" else self._batch
            name = (
                "list_namespace"
                if resource.plural == "namespaces"
                else f"list_{resource.plural[:-1]}_for_all_namespaces"
            )
            return getattr(api, name)
        if resource.namespace:
            return self._custom.list_namespaced_custom_object
        return self._custom.list_cluster_custom_object

    def _list_kwargs(self, resource: Resource) -> dict[str, Any]:
        kwargs: dict[str, Any] = {}
        if resource.group not in ("", "batch"):
            kwargs.update(group=resource.group, version=resource.version, plural=resource.plural)
            if resource.namespace:
                kwargs["namespace"] = resource.namespace
        if resource.label_selector:
            kwargs["label_selector"] = resource.label_selector
        return kwargs

    def list_objects(self, resource: Resource) -> tuple[list[dict[str, Any]], str]:
        """Every object (as plain JSON) and the list's resourceVersion."""
        items: list[dict[str, Any]] = []
        version = ""
        for page in self.list_pages(resource, JSON_OBJECTS):
            items.extend(page.items)
            version = page.resource_version
        return items, version

    def list_pages(
        self,
        resource: Resource,
        codec: Codec[O],
        limit: int = LIST_PAGE,
    ) -> Iterator[Page[O]]:
        """The list in pages of `limit` objects (`limit`/`continue`: one snapshot), each decoded by
        `codec` and carrying the list's resourceVersion: a reader keeps what it needs of a page before
        the next one is decoded, so a list of 10,000 objects never sits whole in memory as JSON and as
        objects. Gone when the snapshot expired between two pages (the reader lists again)."""
        token = None
        while True:
            extra: dict[str, Any] = {"_continue": token} if token else {}
            try:
                body = self._get_bytes(
                    self._list_fn(resource), limit=limit, **extra, **self._list_kwargs(resource)
                )
            except ApiException as exc:
                if exc.status == 410:
                    raise Gone(str(exc.reason)) from exc
                raise
            page = codec.page(body)
            yield page
            token = page.continue_token
            if not token:
                return

    def watch_events(
        self, resource: Resource, resource_version: str, timeout_s: int, codec: Codec[O]
    ) -> Iterator[Event[O]]:
        """The events after `resource_version`, decoded by `codec`, until the server ends the stream."""
        # Read as JSON lines ourselves: the client's Watch turns every event into a model object and
        # back, which costs more than everything else the watcher does with it.
        try:
            response = self._list_fn(resource)(
                watch=True,
                resource_version=resource_version,
                timeout_seconds=timeout_s,
                allow_watch_bookmarks=True,
                _preload_content=False,
                _request_timeout=timeout_s + 10,
                **self._list_kwargs(resource),
            )
        except ApiException as exc:
            if exc.status == 410:
                raise Gone(str(exc.reason)) from exc
            raise
        try:
            for line in iter_resp_lines(response):  # type: ignore[no-untyped-call]
                event = codec.event(line) if line else None
                if event is not None:
                    yield event
        finally:
            response.release_conn()

    # ---- reads ----------------------------------------------------------------------------------------
    def leftovers(self, namespace: str) -> list[str]:
        """What still holds a store namespace up: its finalizers and PersistentVolumeClaims."""
        found: list[str] = []
        try:
            ns = self._core.read_namespace(namespace, _request_timeout=self._timeout)
        except ApiException as exc:
            if exc.status == 404:
                return found
            raise
        finalizers = list((ns.spec.finalizers if ns.spec else None) or []) + list(
            ns.metadata.finalizers or []
        )
        if finalizers:
            found.append(f"namespace finalizers {', '.join(finalizers)}")
        pvcs = self._core.list_namespaced_persistent_volume_claim(namespace, _request_timeout=self._timeout)
        found += [f"PVC {claim.metadata.name}" for claim in pvcs.items]
        return found

    def release_left(self, applier: Resource, namespace: str, name: str) -> bool:
        """Whether the store's HelmRelease/Application exists (a fresh GET, not a cache)."""
        return self._read_custom(applier, namespace, name) is not None

    def claims(self, namespace: str) -> list[str]:
        """The names of the PersistentVolumeClaims in a namespace (a fresh list; none in a namespace
        that does not exist)."""
        body = self._get_json(self._core.list_namespaced_persistent_volume_claim, namespace)
        return sorted(str((c.get("metadata") or {}).get("name")) for c in body.get("items") or [])

    def _read_custom(self, resource: Resource, namespace: str, name: str) -> dict[str, Any] | None:
        try:
            return self._get_json(
                self._custom.get_namespaced_custom_object,
                resource.group, resource.version, namespace, resource.plural, name,
            )  # fmt: skip
        except ApiException as exc:
            if exc.status == 404:
                return None
            raise

    def read_config_map(self, namespace: str, name: str) -> dict[str, Any] | None:
        return self._read(self._core.read_namespaced_config_map, name, namespace)

    def read_job(self, namespace: str, name: str) -> dict[str, Any] | None:
        return self._read(self._batch.read_namespaced_job, name, namespace)

    def job_log_tail(self, namespace: str, job_name: str, lines: int = 20) -> str:
        """The last lines of the newest pod of a Job ('' when there is none)."""
        pods = self._core.list_namespaced_pod(
            namespace, label_selector=f"job-name={job_name}", _request_timeout=self._timeout
        )
        if not pods.items:
            return ""
        newest = max(pods.items, key=lambda pod: pod.metadata.creation_timestamp or 0)
        try:
            text = self._core.read_namespaced_pod_log(
                newest.metadata.name, namespace, tail_lines=lines, _request_timeout=self._timeout
            )
        except ApiException as exc:
            log.info("no log for %s/%s: %s", namespace, newest.metadata.name, exc.reason)
            return ""
        return str(text)

    def _read(self, call: Any, name: str, namespace: str) -> dict[str, Any] | None:
        try:
            return self._plain(call(name, namespace, _request_timeout=self._timeout))
        except ApiException as exc:
            if exc.status == 404:
                return None
            raise

    def _plain(self, obj: Any) -> dict[str, Any]:
        """A client model (or an already plain dict) as the API's JSON."""
        api: Any = self.api_client  # sanitize_for_serialization is untyped
        plain = obj if isinstance(obj, dict) else api.sanitize_for_serialization(obj)
        return plain if isinstance(plain, dict) else {}

    # ---- reads for the API: credentials, a store's objects -------------------------------------------
    def read_secret_value(self, namespace: str, name: str, key: str) -> SecretValue:
        """One decoded key of a Secret. Read as raw JSON: no other key is decoded or kept in a model."""
        try:
            secret = self._get_json(self._core.read_namespaced_secret, name, namespace)
        except ApiException as exc:
            if exc.status == 404:
                return SecretValue(exists=False)
            raise
        encoded = (secret.get("data") or {}).get(key)
        if not isinstance(encoded, str) or not encoded:
            return SecretValue(exists=True)
        try:
            return SecretValue(exists=True, value=base64.b64decode(encoded, validate=True).decode())
        except (binascii.Error, UnicodeDecodeError):
            return SecretValue(exists=True)

    def pod_metrics(self, namespace: str) -> list[dict[str, Any]] | None:
        """The namespace's PodMetrics from the metrics API (metrics-server); None without one."""
        try:
            body = self._get_json(
                self._custom.list_namespaced_custom_object, "metrics.k8s.io", "v1beta1", namespace, "pods"
            )
        except ApiException as exc:
            if exc.status in (404, 503):  # no metrics API, or its APIService is not available
                return None
            raise
        return list(body.get("items") or [])

    def storefleet_objects(
        self, gitops_engine: str, argocd_namespace: str
    ) -> dict[str, list[dict[str, Any]]]:
        """Every object labelled with a store: the applier's and the namespaces (the drift view)."""
        appliers = (
            HELMRELEASES if gitops_engine == "flux" else replace(APPLICATIONS, namespace=argocd_namespace)
        )
        return {"appliers": self.list_objects(appliers)[0], "namespaces": self.list_objects(NAMESPACES)[0]}

    def namespace_objects(self, namespace: str) -> NamespaceObjects:
        """The namespace and its pods, deployments, statefulsets and ingresses (`STORE_OBJECT_KINDS`)."""
        try:
            ns = self._get_json(self._core.read_namespace, namespace)
        except ApiException as exc:
            if exc.status == 404:
                return NamespaceObjects(None, {kind: [] for kind in STORE_OBJECT_KINDS})
            raise
        apis: dict[str, Any] = {
            "core": self._core,
            "apps": client.AppsV1Api(self.api_client),
            "networking": client.NetworkingV1Api(self.api_client),
        }
        objects: dict[str, list[dict[str, Any]]] = {}
        forbidden: list[str] = []
        for kind, (group, method) in STORE_OBJECT_KINDS.items():
            try:
                objects[kind] = list(
                    self._get_json(getattr(apis[group], method), namespace).get("items") or []
                )
            except ApiException as exc:
                if exc.status != 403:
                    raise
                forbidden.append(kind)
                objects[kind] = []
        return NamespaceObjects(ns, objects, tuple(forbidden))

    def _get_bytes(self, call: Any, *args: Any, **kwargs: Any) -> bytes:
        """A GET's body as it came (no client model: a codec decodes it)."""
        response = call(*args, _preload_content=False, _request_timeout=self._timeout, **kwargs)
        try:
            return bytes(response.data or b"{}")
        finally:
            response.release_conn()

    def _get_json(self, call: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """A GET answered as raw JSON (no client model: cheaper, and tolerant of partial objects)."""
        body = orjson.loads(self._get_bytes(call, *args, **kwargs))
        return body if isinstance(body, dict) else {}

    # ---- writes ---------------------------------------------------------------------------------------
    def create_job(self, namespace: str, job: dict[str, Any]) -> bool:
        """Create the Job; False when one with that name exists already (a restart found it)."""
        return self._create(
            lambda: self._batch.create_namespaced_job(namespace, job, _request_timeout=self._timeout)
        )

    def create_namespace(self, name: str, labels: dict[str, str]) -> bool:
        body = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "labels": labels}}
        return self._create(lambda: self._core.create_namespace(body, _request_timeout=self._timeout))

    def create_secret(self, namespace: str, secret: dict[str, Any]) -> bool:
        return self._create(
            lambda: self._core.create_namespaced_secret(namespace, secret, _request_timeout=self._timeout)
        )

    def put_secret(self, namespace: str, secret: dict[str, Any]) -> None:
        """Create the Secret, or overwrite the keys it sets on the existing one (a JSON merge patch:
        other keys stay)."""
        if self._create(
            lambda: self._core.create_namespaced_secret(namespace, secret, _request_timeout=self._timeout)
        ):
            return
        patch = {key: secret[key] for key in ("data", "stringData") if key in secret}
        self._core.patch_namespaced_secret(
            secret["metadata"]["name"], namespace, patch, _request_timeout=self._timeout,
            _content_type=JSON_MERGE_PATCH,
        )  # fmt: skip

    def merge_patch(self, resource: Resource, namespace: str, name: str, body: dict[str, Any]) -> bool:
        try:
            self._custom.patch_namespaced_custom_object(
                resource.group, resource.version, namespace, resource.plural, name, body,
                _request_timeout=self._timeout, _content_type=JSON_MERGE_PATCH,
            )  # fmt: skip
        except ApiException as exc:
            if exc.status == 404:
                return False
            raise
        return True

    @staticmethod
    def _create(call: Any) -> bool:
        try:
            call()
        except ApiException as exc:
            if exc.status == 409:
                return False
            raise
        return True
