"""A stand-in for `cluster.Cluster` in the watcher's unit tests: lists answered from objects the test
sets, every other call recorded (writes apart, so a test can tell a step wrote nothing), and chosen
calls refused as the API server would refuse them."""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterator
from typing import Any

import orjson
from kubernetes.client.exceptions import ApiException

from storefleet.reconciler_watch.cluster import SETUP_LABEL, STORE_LABEL, Resource
from storefleet.reconciler_watch.codecs import Codec, Event, Page
from storefleet.reconciler_watch.informer import Informer
from storefleet.reconciler_watch.setup_job import job_name

WRITES = frozenset({"create_job", "create_namespace", "create_secret", "put_secret", "merge_patch"})
JOB_YAML = """apiVersion: batch/v1
kind: Job
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: setup, image: wordpress:cli}]
"""


class RecordingCluster:
    def __init__(self) -> None:
        self.objects: dict[str, list[dict[str, Any]]] = {}  # by resource plural
        self.logs: dict[str, str] = {}  # a Job's log tail, by Job name
        self.calls: list[tuple[Any, ...]] = []
        self.refusing: set[str] = set()  # methods that answer 500
        self.absent: set[str] = set()  # names merge_patch finds no object for (404)
        self.config_map: dict[str, Any] | None = {"data": {"job.yaml": JOB_YAML}}

    @property
    def writes(self) -> list[tuple[Any, ...]]:
        return [call for call in self.calls if call[0] in WRITES]

    def _call(self, method: str, *args: Any) -> None:
        self.calls.append((method, *args))
        if method in self.refusing:
            raise ApiException(status=500, reason=f"{method} refused")

    # ---- what the informers use (not recorded) ---------------------------------------------------
    def list_objects(self, resource: Resource) -> tuple[list[dict[str, Any]], str]:
        return copy.deepcopy(self.objects.get(resource.plural, [])), "1"

    def list_pages(self, resource: Resource, codec: Codec[Any], limit: int = 500) -> Iterator[Page[Any]]:
        """One page, decoded by the informer's own codec from the JSON an API server would send."""
        items, version = self.list_objects(resource)
        yield codec.page(orjson.dumps({"metadata": {"resourceVersion": version}, "items": items}))

    def watch_events(
        self, resource: Resource, version: str, timeout_s: int, codec: Codec[Any]
    ) -> Iterator[Event[Any]]:
        return iter(())

    # ---- reads ------------------------------------------------------------------------------------
    def job_log_tail(self, namespace: str, name: str, lines: int = 20) -> str:
        self._call("job_log_tail", namespace, name)
        return self.logs.get(name, "")

    def leftovers(self, namespace: str) -> list[str]:
        self._call("leftovers", namespace)
        return [f"PVC data-{namespace}-0"]

    def read_config_map(self, namespace: str, name: str) -> dict[str, Any] | None:
        self._call("read_config_map", namespace, name)
        return copy.deepcopy(self.config_map)

    # ---- writes -----------------------------------------------------------------------------------
    def create_job(self, namespace: str, job: dict[str, Any]) -> bool:
        self._call("create_job", namespace, job["metadata"]["name"])
        return True

    def create_namespace(self, name: str, labels: dict[str, str]) -> bool:
        self._call("create_namespace", name)
        return True

    def create_secret(self, namespace: str, secret: dict[str, Any]) -> bool:
        self._call("create_secret", namespace, secret["metadata"]["name"])
        return True

    def put_secret(self, namespace: str, secret: dict[str, Any]) -> None:
        self._call("put_secret", namespace, secret["metadata"]["name"], dict(secret["stringData"]))

    def merge_patch(self, resource: Resource, namespace: str, name: str, body: dict[str, Any]) -> bool:
        self._call("merge_patch", resource.plural, namespace, name)
        return name not in self.absent


def setup_job(store_id: str, key: str, generation: int, *, ended: str | None = None) -> dict[str, Any]:
    """A setup Job as the API returns it; `ended`: "Complete", "Failed" or None (still running)."""
    status: dict[str, Any] = {}
    if ended is not None:
        status = {"conditions": [{"type": ended, "status": "True", "reason": "BackoffLimitExceeded"}]}
    return {
        "metadata": {
            "name": job_name(store_id, key, generation),
            "namespace": store_id,
            "labels": {STORE_LABEL: store_id, SETUP_LABEL: "true"},
        },
        "status": status,
    }


def sync(informers: dict[str, Informer]) -> None:
    """One list of every informer into its cache (its watch ends at once)."""
    for informer in informers.values():
        stop = threading.Event()
        thread = threading.Thread(target=informer.run, args=(stop,), daemon=True)
        thread.start()
        assert informer.synced.wait(5)
        stop.set()
        thread.join(5)
