"""Flux's part, played over the Kubernetes API: source-controller (GitRepository `fleet`),
kustomize-controller (Kustomization `tenants`: apply the store directories, prune what left git) and
helm-controller (each HelmRelease through its documented conditions to a release of the chart's
objects), each step callable on its own so a test can stop between them."""

from __future__ import annotations

import hashlib
import json
import re
import time
from typing import Any

from kubernetes.client import ApiException

from storefleet_demo.kube.applier import Applier, condition, get_condition, now, with_conditions
from storefleet_demo.kube.workloads import CHART, CHART_VERSION, Release, deploy, remove

Obj = dict[str, Any]
REQUESTED_AT = "reconcile.fluxcd.io/requestedAt"
RESET_AT = "reconcile.fluxcd.io/resetAt"
HELM_FINALIZER = "finalizers.fluxcd.io"
HR_API, KS_API, GIT_API = (
    "helm.toolkit.fluxcd.io/v2",
    "kustomize.toolkit.fluxcd.io/v1",
    "source.toolkit.fluxcd.io/v1",
)
_LABELS = {"app.kubernetes.io/managed-by": "storefleet", "app.kubernetes.io/part-of": "storefleet"}


def seconds_of(text: str) -> int:
    """A spec duration ("1m", "1h30m") in seconds."""
    return sum(int(n) * {"h": 3600, "m": 60, "s": 1}[unit] for n, unit in re.findall(r"(\d+)([hms])", text))


def go_duration(text: str) -> str:
    """A spec duration ("10m") as Go prints it ("10m0s")."""
    seconds = seconds_of(text)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes}m{secs}s"
    return f"{minutes}m{secs}s" if minutes else f"{secs}s"


def _inventory_id(obj: Obj) -> Obj:
    group, _, version = obj["apiVersion"].rpartition("/")
    meta = obj["metadata"]
    return {"id": f"{meta.get('namespace', '')}_{meta['name']}_{group}_{obj['kind']}", "v": version}


def _from_inventory(entry: Obj) -> Obj:
    namespace, name, group, kind = entry["id"].split("_")
    api_version = f"{group}/{entry['v']}" if group else entry["v"]
    return {
        "apiVersion": api_version,
        "kind": kind,
        "metadata": {"name": name, "namespace": namespace or None},
    }


def _history_entry(namespace: str, name: str, version: int, config: str | None, history: list[Obj]) -> Obj:
    """A release snapshot as status.history keeps them (newest first)."""
    stamp = now()
    return {
        "name": name,
        "namespace": namespace,
        "version": version,
        "status": "deployed",
        "chartName": CHART,
        "chartVersion": CHART_VERSION,
        "appVersion": CHART_VERSION,
        "configDigest": config,
        "digest": "sha256:" + hashlib.sha256(f"{namespace}/{name}.v{version}".encode()).hexdigest(),
        "firstDeployed": history[-1].get("firstDeployed", stamp) if history else stamp,
        "lastDeployed": stamp,
    }


class FluxDouble(Applier):
    def __init__(
        self, *args: Any, namespace: str = "flux-system", source: str = "fleet",
        honour_interval: bool = False, **kwargs: Any,
    ) -> None:  # fmt: skip
        """`honour_interval`: as source-controller, fetch only once spec.interval has passed or a new
        `requestedAt` asks; by default every pass fetches."""
        super().__init__(*args, **kwargs)
        self.namespace, self.source_name, self.kustomization = namespace, source, "tenants"
        self.honour_interval = honour_interval
        self._fetched_at: float | None = None

    def reconcile(self) -> None:
        """One pass of every controller."""
        with self.lock:
            self.fetch()
            self.apply()
            self.uninstall_releases()
            self.start_releases()
            self.finish_releases()

    # --- source-controller -----------------------------------------------------------------------

    def bootstrap(self) -> None:
        """What `flux bootstrap` and the gitops-template put in flux-system."""
        if self.kube.get("v1", "Namespace", None, self.namespace) is None:
            self.kube.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": self.namespace}})
        meta = {"namespace": self.namespace, "labels": _LABELS}
        repo_spec = {
            "interval": "1m",
            "url": f"file://{self.source.repo}",
            "ref": {"branch": self.source.branch},
        }
        ks_spec = {
            "interval": "10m",
            "sourceRef": {"kind": "GitRepository", "name": self.source_name},
            "path": "./tenants",
            "prune": True,
            "deletionPolicy": "Orphan",
            "wait": False,
        }
        for api, kind, name, spec in (
            (GIT_API, "GitRepository", self.source_name, repo_spec),
            (KS_API, "Kustomization", self.kustomization, ks_spec),
        ):
            if self.kube.get(api, kind, self.namespace, name) is None:
                self.kube.create(
                    {"apiVersion": api, "kind": kind, "metadata": {"name": name, **meta}, "spec": spec}
                )

    def fetch(self) -> str:
        """The GitRepository's artifact at the branch head; returns `<branch>@sha1:<sha>`."""
        self.bootstrap()
        repo = self.kube.get(GIT_API, "GitRepository", self.namespace, self.source_name)
        assert repo is not None
        status = dict(repo.get("status") or {})
        stored = (status.get("artifact") or {}).get("revision")
        if stored is not None and not self._fetch_due(repo, status):
            return str(stored)
        self._fetched_at = time.monotonic()
        sha = self.source.head()
        revision = self.source.revision(sha)
        generation = repo["metadata"]["generation"]
        if (status.get("artifact") or {}).get("revision") != revision:
            path = f"gitrepository/{self.namespace}/{self.source_name}/{sha}.tar.gz"
            status["artifact"] = {
                "revision": revision,
                "digest": "sha256:" + hashlib.sha256(sha.encode()).hexdigest(),
                "path": path,
                "url": f"http://source-controller.{self.namespace}.svc.cluster.local./{path}",
                "lastUpdateTime": now(),
                "size": 0,
            }
        message = f"stored artifact for revision '{revision}'"
        ready = [
            condition(kind, "True", "Succeeded", message, generation)
            for kind in ("Ready", "ArtifactInStorage")
        ]
        status["conditions"] = with_conditions(status.get("conditions") or [], *ready)
        status["observedGeneration"] = generation
        self._handle_request(repo, status)
        self._write_status(repo, status)
        return revision

    def _fetch_due(self, repo: Obj, status: Obj) -> bool:
        if not self.honour_interval or self._fetched_at is None:
            return True
        requested = (repo["metadata"].get("annotations") or {}).get(REQUESTED_AT)
        if requested and requested != status.get("lastHandledReconcileAt"):
            return True  # a changed requestedAt asks for a reconcile now
        return time.monotonic() - self._fetched_at >= seconds_of(repo["spec"]["interval"])

    def _handle_request(self, obj: Obj, status: Obj) -> None:
        requested = (obj["metadata"].get("annotations") or {}).get(REQUESTED_AT)
        if requested:
            status["lastHandledReconcileAt"] = requested

    def _write_status(self, obj: Obj, status: Obj) -> None:
        if status != (obj.get("status") or {}):
            self.kube.write_status(obj, status)

    # --- kustomize-controller --------------------------------------------------------------------

    def apply(self) -> None:
        """Apply every store directory at the source's revision, then prune what is gone."""
        self.bootstrap()
        repo = self.kube.get(GIT_API, "GitRepository", self.namespace, self.source_name)
        ks = self.kube.get(KS_API, "Kustomization", self.namespace, self.kustomization)
        assert repo is not None and ks is not None
        revision = ((repo.get("status") or {}).get("artifact") or {}).get("revision")
        if revision is None:
            return  # no artifact yet: the real controller waits for the source
        applied: list[Obj] = []
        for store in self.source.store_dirs(revision.rsplit(":", 1)[1]).values():
            for obj in self._labelled(store.objects(store.kustomize_resources())):
                try:
                    self.kube.apply(obj)
                except ApiException as error:
                    # As the controller: this revision was attempted, not applied, and nothing is pruned.
                    self._kustomization_failed(ks, revision, obj, error)
                    return
                applied.append(_inventory_id(obj))
        self._prune(ks, applied)
        self._kustomization_status(ks, revision, applied)

    def _labelled(self, objects: list[Obj]) -> list[Obj]:
        """In kustomize's order (Namespaces before what goes in them), with the labels Flux adds."""
        owner = {
            "kustomize.toolkit.fluxcd.io/name": self.kustomization,
            "kustomize.toolkit.fluxcd.io/namespace": self.namespace,
        }
        for obj in objects:
            obj["metadata"].setdefault("labels", {}).update(owner)
        return sorted(objects, key=lambda o: o["kind"] != "Namespace")

    def _kustomization_failed(self, ks: Obj, revision: str, obj: Obj, error: ApiException) -> None:
        status = dict(ks.get("status") or {})
        body = json.loads(error.body or "{}") if (error.body or "").startswith("{") else {}
        meta = obj["metadata"]
        where = f"{obj['kind']}/{meta.get('namespace', '')}/{meta['name']}".replace("//", "/")
        message = (
            f"{where} dry-run failed ({body.get('reason', error.reason)}): {body.get('message', error.body)}"
        )
        failed = condition("Ready", "False", "ReconciliationFailed", message, ks["metadata"]["generation"])
        status["conditions"] = with_conditions(status.get("conditions") or [], failed)
        status["lastAttemptedRevision"] = revision
        self._handle_request(ks, status)
        self._write_status(ks, status)

    def _prune(self, ks: Obj, applied: list[Obj]) -> None:
        before = ((ks.get("status") or {}).get("inventory") or {}).get("entries") or []
        kept = {entry["id"] for entry in applied}
        gone = [_from_inventory(entry) for entry in before if entry["id"] not in kept]
        # what lives in a namespace first (the HelmRelease), then the namespace
        for obj in sorted(gone, key=lambda o: o["kind"] == "Namespace"):
            self.kube.delete(obj)

    def _kustomization_status(self, ks: Obj, revision: str, applied: list[Obj]) -> None:
        status = dict(ks.get("status") or {})
        generation = ks["metadata"]["generation"]
        message = f"Applied revision: {revision}"
        ready = condition("Ready", "True", "ReconciliationSucceeded", message, generation)
        status["conditions"] = with_conditions(status.get("conditions") or [], ready, drop=("Reconciling",))
        status.update(
            observedGeneration=generation,
            lastAppliedRevision=revision,
            lastAttemptedRevision=revision,
            inventory={"entries": sorted(applied, key=lambda entry: str(entry["id"]))},
        )
        self._handle_request(ks, status)
        self._write_status(ks, status)

    # --- helm-controller -------------------------------------------------------------------------

    def _releases(self, store_id: str | None) -> list[Obj]:
        return [
            hr
            for hr in self.kube.list_objects(HR_API, "HelmRelease", store_id)
            if store_id in (None, hr["metadata"]["name"])
        ]

    def break_running(self, store_id: str, message: str) -> None:
        with self.lock:
            for hr in self._releases(store_id):
                status, generation = dict(hr["status"]), hr["metadata"]["generation"]
                failed = condition("Ready", "False", "ArtifactFailed", message, generation)
                status["conditions"] = with_conditions(status.get("conditions") or [], failed)
                self.kube.write_status(hr, status)

    def drift(self, store_id: str, *, corrected: bool = True) -> None:
        """As helm-controller's drift detection does when a store's object was changed by hand:
        a `DriftDetected` Event on the HelmRelease, then `DriftCorrected` (or, failing,
        `DriftCorrectionFailed`), with the release and the objects in the message."""
        with self.lock:
            for hr in self._releases(store_id):
                namespace, name = hr["metadata"]["namespace"], hr["metadata"]["name"]
                release = f"{namespace}/{name}.v{len((hr.get('status') or {}).get('history') or []) or 1}"
                subject = f"Deployment/{namespace}/{name}-web"
                self._event(hr, "Warning", "DriftDetected",
                            f"Cluster state of release {release} has drifted from the desired state:\n"
                            f"{subject} changed (0 additions, 1 changes, 0 removals)")  # fmt: skip
                if corrected:
                    done = f"Cluster state of release {release} has been corrected:\n{subject} configured"
                    self._event(hr, "Normal", "DriftCorrected", done)
                else:
                    failed = f"Failed to correct cluster state of release {release}:\n{subject} forbidden"
                    self._event(hr, "Warning", "DriftCorrectionFailed", failed)

    def _event(self, hr: Obj, kind: str, reason: str, message: str) -> None:
        meta = hr["metadata"]
        self.kube.create({
            "apiVersion": "v1", "kind": "Event",
            "metadata": {"name": f"{meta['name']}.{time.time_ns():x}", "namespace": meta["namespace"]},
            "involvedObject": {"apiVersion": HR_API, "kind": "HelmRelease", "name": meta["name"],
                               "namespace": meta["namespace"], "uid": meta.get("uid")},
            "reason": reason, "type": kind, "message": message, "count": 1,
            "firstTimestamp": now(), "lastTimestamp": now(), "source": {"component": "helm-controller"},
        })  # fmt: skip

    def heal_running(self, store_id: str) -> None:
        """As helm-controller's next reconciliation does: an upgrade of the same generation."""
        with self.lock:
            for hr in self._releases(store_id):
                self._begin(hr, dict(hr["status"]))
            self.finish_releases(store_id)

    def start_releases(self, store_id: str | None = None) -> list[str]:
        """Begin an install or upgrade for each HelmRelease that needs one (Reconciling=True,
        Ready=Unknown); returns their names. Releases with nothing to do only record a request."""
        started: list[str] = []
        for hr in self._releases(store_id):
            if hr["metadata"].get("deletionTimestamp"):
                continue
            status = dict(hr.get("status") or {})
            self._take_reset(hr, status)
            if self._needs_action(hr, status):
                self._add_finalizer(hr)
                self._begin(hr, status)
                started.append(hr["metadata"]["name"])
            else:
                self._handle_request(hr, status)
                self._write_status(hr, status)
        return started

    def _begin(self, hr: Obj, status: Obj) -> None:
        """Reconciling=True and Ready=Unknown, both `Running '<action>' action with timeout of <t>`."""
        history = status.get("history") or []
        released = any(h.get("status") in ("deployed", "superseded") for h in history)
        action = "upgrade" if released else "install"
        generation = hr["metadata"]["generation"]
        message = f"Running '{action}' action with timeout of {go_duration(hr['spec'].get('timeout', '5m'))}"
        progressing = [
            condition(kind, value, "Progressing", message, generation)
            for kind, value in (("Reconciling", "True"), ("Ready", "Unknown"))
        ]
        status["conditions"] = with_conditions(
            status.get("conditions") or [], *progressing, drop=("Stalled",)
        )
        values = json.dumps(hr["spec"].get("values"), sort_keys=True).encode()
        status.update(
            lastAttemptedGeneration=generation,
            lastAttemptedReleaseAction=action,
            lastAttemptedRevision=CHART_VERSION,
            lastAttemptedConfigDigest=f"sha256:{hashlib.sha256(values).hexdigest()}",
            helmChart=f"{self.namespace}/{hr['metadata']['namespace']}-{hr['metadata']['name']}",
            storageNamespace=hr["metadata"]["namespace"],
        )
        self.kube.write_status(hr, status)

    @staticmethod
    def _take_reset(hr: Obj, status: Obj) -> None:
        """`flux reconcile helmrelease --reset`: the failure counts start again, a stall ends."""
        token = (hr["metadata"].get("annotations") or {}).get(RESET_AT)
        if token and token != status.get("lastHandledResetAt"):
            status.update(lastHandledResetAt=token, installFailures=0, upgradeFailures=0, failures=0)
            status["conditions"] = [c for c in status.get("conditions") or [] if c["type"] != "Stalled"]

    @staticmethod
    def _needs_action(hr: Obj, status: Obj) -> bool:
        generation = hr["metadata"]["generation"]
        reconciling, stalled, ready = (
            get_condition({"status": status}, kind) for kind in ("Reconciling", "Stalled", "Ready")
        )
        if reconciling and reconciling["status"] == "True":
            return bool(reconciling["reason"] == "ProgressingWithRetry")  # a retry is due; else under way
        if stalled and stalled["status"] == "True" and status.get("lastAttemptedGeneration") == generation:
            return False
        return not (status.get("observedGeneration") == generation and ready and ready["status"] == "True")

    def _add_finalizer(self, hr: Obj) -> None:
        finalizers = hr["metadata"].get("finalizers") or []
        if HELM_FINALIZER not in finalizers:
            self.kube.merge_patch(hr, {"metadata": {"finalizers": [*finalizers, HELM_FINALIZER]}})

    def finish_releases(self, store_id: str | None = None) -> list[str]:
        """End every install or upgrade under way: succeeded (the chart's objects, Ready=True), or
        failed as `fail()` asked (Ready=False; Stalled once the remediation retries are spent)."""
        finished = []
        for hr in self._releases(store_id):
            reconciling = get_condition(hr, "Reconciling")
            if (
                hr["metadata"].get("deletionTimestamp")
                or not reconciling
                or reconciling["reason"] != "Progressing"
            ):
                continue
            failure = self._take_failure(hr["metadata"]["name"], hr["spec"]["chart"]["spec"]["chart"])
            if failure is None:
                release = Release.from_values(hr["spec"]["values"])
                refused = self.refused.get(release.store_id, set())
                deploy(self.kube, release, generate_secret=True, state="ready", refused=refused)
                self._succeeded(hr)
            else:
                self._failed(hr, failure.message)
            finished.append(hr["metadata"]["name"])
        return finished

    def _succeeded(self, hr: Obj) -> None:
        status = dict(hr["status"])
        action, generation = status["lastAttemptedReleaseAction"], hr["metadata"]["generation"]
        history = [
            {**h, "status": "superseded"} if h.get("status") == "deployed" else h
            for h in status.get("history") or []
        ]
        version = max((int(h.get("version", 0)) for h in history), default=0) + 1
        ns, name = hr["metadata"]["namespace"], hr["spec"].get("releaseName") or hr["metadata"]["name"]
        message = (
            f"Helm {action} succeeded for release {ns}/{name}.v{version} with chart {CHART}@{CHART_VERSION}"
        )
        entry = _history_entry(ns, name, version, status.get("lastAttemptedConfigDigest"), history)
        reason = f"{action.capitalize()}Succeeded"
        done = [condition(kind, "True", reason, message, generation) for kind in ("Ready", "Released")]
        status["conditions"] = with_conditions(
            status.get("conditions") or [], *done, drop=("Reconciling", "Stalled")
        )
        status.update(observedGeneration=generation, history=[entry, *history][:5])
        self._handle_request(hr, status)
        self.kube.write_status(hr, status)

    def _failed(self, hr: Obj, error: str) -> None:
        status = dict(hr["status"])
        action, generation = status["lastAttemptedReleaseAction"], hr["metadata"]["generation"]
        counter = f"{action}Failures"
        status[counter] = int(status.get(counter) or 0) + 1
        status["failures"] = int(status.get("failures") or 0) + 1
        retries = int(((hr["spec"].get(action) or {}).get("remediation") or {}).get("retries") or 0)
        ns, name = hr["metadata"]["namespace"], hr["spec"].get("releaseName") or hr["metadata"]["name"]
        message = f"Helm {action} failed for release {ns}/{name} with chart {CHART}@{CHART_VERSION}: {error}"
        reason = f"{action.capitalize()}Failed"
        failed = [condition(kind, "False", reason, message, generation) for kind in ("Ready", "Released")]
        conditions = with_conditions(status.get("conditions") or [], *failed)
        if status[counter] > retries:
            stalled = condition(
                "Stalled",
                "True",
                "RetriesExceeded",
                f"Failed to {action} after {status[counter]} attempt(s)",
                generation,
            )
            conditions = with_conditions(conditions, stalled, drop=("Reconciling",))
            status["observedGeneration"] = generation
        else:  # the controller will try again: still reconciling, with a retry pending
            retrying = next(c for c in conditions if c["type"] == "Reconciling")
            retrying["reason"] = "ProgressingWithRetry"
        status["conditions"] = conditions
        self._handle_request(hr, status)
        self.kube.write_status(hr, status)

    def uninstall_releases(self) -> list[str]:
        """HelmReleases being deleted: uninstall (the credentials Secret stays), release the finalizer."""
        removed = []
        for hr in self._releases(None):
            finalizers = hr["metadata"].get("finalizers") or []
            if hr["metadata"].get("deletionTimestamp") and HELM_FINALIZER in finalizers:
                remove(self.kube, Release.from_values(hr["spec"]["values"]))
                rest = [f for f in finalizers if f != HELM_FINALIZER]
                self.kube.merge_patch(hr, {"metadata": {"finalizers": rest or None}})
                removed.append(hr["metadata"]["name"])
        return removed
