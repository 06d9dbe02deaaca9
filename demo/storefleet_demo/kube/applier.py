"""What the Flux and Argo CD doubles share: the fleet source, the client, failure injection, the setup
Jobs, and running in the background. See flux_double.py and argo_double.py for each engine's part."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from storefleet_demo.kube.cluster import KubeCluster
from storefleet_demo.kube.fleet import FleetSource
from storefleet_demo.kube.jobs import finish_job, job_finished
from storefleet_demo.kube.rest import Kube

Obj = dict[str, Any]
STORE_LABEL = "storefleet.io/store"


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def condition(kind: str, status: str, reason: str, message: str, generation: int | None = None) -> Obj:
    found: Obj = {
        "type": kind,
        "status": status,
        "reason": reason,
        "message": message,
        "lastTransitionTime": now(),
    }
    if generation is not None:
        found["observedGeneration"] = generation
    return found


def with_conditions(existing: list[Obj], *updates: Obj, drop: tuple[str, ...] = ()) -> list[Obj]:
    """The conditions after the updates (in place of the same type) and drops; a condition keeps its
    lastTransitionTime while its status stays the same, as the controllers' condition helpers do."""
    result = [dict(c) for c in existing if c.get("type") not in drop]
    for update in updates:
        old = next((c for c in result if c.get("type") == update["type"]), None)
        if old is None:
            result.append(dict(update))
            continue
        kept = (
            old["lastTransitionTime"]
            if old.get("status") == update["status"]
            else update["lastTransitionTime"]
        )
        old.clear()
        old.update(update, lastTransitionTime=kept)
    return result


def get_condition(obj: Obj, kind: str) -> Obj | None:
    conditions = (obj.get("status") or {}).get("conditions") or []
    return next((c for c in conditions if c.get("type") == kind), None)


@dataclass
class Failure:
    remaining: int | None  # None: fails every time
    message: str
    mode: str
    chart: str | None = None  # only releases of this chart path fail (a bad chart version)


class Applier:
    """Deterministic: nothing happens unless a test calls a step (or reconcile(), one full pass)."""

    def __init__(
        self, cluster: KubeCluster, repo: Path | str, branch: str = "main", root: str = "tenants"
    ) -> None:
        self.cluster = cluster
        self.kube = Kube(cluster.api_client())
        self.source = FleetSource(repo, branch, root)
        self._failures: dict[str, Failure] = {}
        self.refused: dict[str, set[str]] = {}  # store id -> chart kinds the cluster refuses to keep
        # Steps called from a test while run_in_background is on do not interleave with its passes.
        self.lock = threading.RLock()

    def reconcile(self) -> None:
        raise NotImplementedError

    def fail(
        self,
        store_id: str,
        times: int | None = 1,
        message: str = "simulated failure",
        mode: str = "",
        chart: str | None = None,
    ) -> None:
        """The next `times` attempts for the store fail (None: every attempt, until cleared). Argo CD
        modes: "" a sync whose resources fail to apply (retried, then Failed), "error" an operation
        that errors (phase Error at once), "rollout" a sync that succeeds into a Degraded app,
        "comparison" manifest generation failing at every refresh (ComparisonError, no sync). With
        `chart`, only a release of that chart path fails (a chart version that breaks the store)."""
        self._failures[store_id] = Failure(times, message, mode, chart)

    def refuse(self, store_id: str, kind: str) -> None:
        """The store's `kind` (ResourceQuota, LimitRange) never stays in its namespace, as when an
        admission policy deletes it: the release still installs and reports healthy."""
        self.refused.setdefault(store_id, set()).add(kind)

    def break_running(self, store_id: str, message: str) -> None:
        """The applier reports an installed store unhealthy, with no new spec: Flux, a release whose
        Ready turns False (a chart source or drift correction failing), its pods untouched; Argo CD, a
        Degraded app whose pod crash-loops."""
        raise NotImplementedError

    def heal_running(self, store_id: str) -> None:
        """The applier reports the store healthy again."""
        raise NotImplementedError

    def clear_failures(self, store_id: str | None = None) -> None:
        if store_id is None:
            self._failures.clear()
        else:
            self._failures.pop(store_id, None)

    def _take_failure(self, store_id: str, chart: str | None = None) -> Failure | None:
        failure = self._failures.get(store_id)
        if failure is None or failure.remaining == 0:
            return None
        if failure.chart is not None and failure.chart.removeprefix("./") != (chart or "").removeprefix("./"):
            return None
        if failure.remaining is not None:
            failure.remaining -= 1
        return failure

    def finish_jobs(self, store_id: str | None = None, *, succeed: bool = True, log: str = "") -> list[str]:
        """End the setup Jobs (Jobs labelled storefleet.io/store) that have not ended: each gets its
        Pod (with `log` as its log) and a Complete or Failed status. Returns the Jobs' names."""
        with self.lock:
            selector = f"{STORE_LABEL}={store_id}" if store_id else STORE_LABEL
            jobs = [
                job
                for job in self.kube.list_objects("batch/v1", "Job", labels=selector)
                if not job_finished(job)
            ]
            for job in jobs:
                pod = finish_job(self.kube, job, succeed)
                self.cluster.set_pod_log(job["metadata"]["namespace"], pod, log)
            return [job["metadata"]["name"] for job in jobs]

    @contextlib.contextmanager
    def run_in_background(self, interval: float = 0.1) -> Iterator[None]:
        """reconcile() every `interval` seconds for the block; raises what the last pass raised."""
        stop = threading.Event()
        last_error: list[BaseException] = []

        def loop() -> None:
            while not stop.is_set():
                try:
                    with self.lock:
                        self.reconcile()
                    last_error.clear()
                except Exception as error:  # a conflict with a concurrent writer: the next pass retries
                    last_error[:] = [error]
                stop.wait(interval)

        thread = threading.Thread(target=loop, name=f"{type(self).__name__}-loop", daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join(15)
        if last_error:
            raise last_error[0]
