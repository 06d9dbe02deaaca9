"""Argo CD's part, played over the Kubernetes API: the root Application `storefleet-tenants` applies
each store directory's namespace.yaml and application.yaml (and its Velero schedule.yaml and
restore.yaml, as the gitops-template's include glob names them) and prunes what left git; the application
controller refreshes, syncs (with the automated retries) and assesses the health of each store's
Application. Applications have no status subresource: status is written through the main endpoint."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

from storefleet_demo.kube.applier import Applier, Failure, now
from storefleet_demo.kube.workloads import Release, deploy, set_state

Obj = dict[str, Any]
API = "argoproj.io/v1alpha1"
ROOT = "storefleet-tenants"
RESOURCES_FINALIZER = "resources-finalizer.argocd.argoproj.io"
REFRESH = "argocd.argoproj.io/refresh"
TRACKING = "argocd.argoproj.io/tracking-id"
SYNCED_MESSAGE = "successfully synced (all tasks run)"
# The files of a store directory the root Application applies (gitops-template/argocd tenants.yaml)
ROOT_FILES = ("namespace.yaml", "application.yaml", "schedule.yaml", "restore.yaml")


def _op_state(app: Obj) -> Obj:
    return dict((app.get("status") or {}).get("operationState") or {})


def _tracking_id(obj: Obj) -> str:
    group = obj["apiVersion"].rpartition("/")[0]
    meta = obj["metadata"]
    return f"{ROOT}:{group}/{obj['kind']}:{meta.get('namespace', '')}/{meta['name']}"


class ArgoDouble(Applier):
    def __init__(self, *args: Any, namespace: str = "argocd", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.namespace = namespace

    def reconcile(self) -> None:
        """One pass: the root app, then every store app (deletion, refresh, sync, health)."""
        with self.lock:
            self.sync_root()
            self.remove_deleted_apps()
            self.refresh_apps()
            self.start_syncs()
            self.finish_syncs()
            self.assess_health()

    def _write(self, app: Obj, status: Obj) -> None:
        """The new status, the ended `operation` and the handled refresh annotation gone: one write."""
        ops: list[Obj] = []
        if status != (app.get("status") or {}):
            ops.append({"op": "add", "path": "/status", "value": status})
        ended = (status.get("operationState") or {}).get("phase") in ("Succeeded", "Failed", "Error")
        if "operation" in app and ended and _op_state(app).get("phase") == "Running":
            ops.append({"op": "remove", "path": "/operation"})  # as Argo CD: when the operation ends
        if REFRESH in (app["metadata"].get("annotations") or {}):
            ops.append({"op": "remove", "path": "/metadata/annotations/" + REFRESH.replace("/", "~1")})
        if ops:
            self.kube.json_patch(app, ops)

    # --- the root application --------------------------------------------------------------------

    def bootstrap(self) -> Obj:
        """The argocd namespace and the root Application of the gitops-template."""
        if self.kube.get("v1", "Namespace", None, self.namespace) is None:
            self.kube.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": self.namespace}})
        root = self.kube.get(API, "Application", self.namespace, ROOT)
        if root is not None:
            return root
        include = "{" + ",".join(f"*/{name}" for name in ROOT_FILES) + "}"
        spec = {
            "project": "storefleet-fleet",
            "source": {
                "repoURL": f"file://{self.source.repo}",
                "targetRevision": self.source.branch,
                "path": "tenants",
                "directory": {"recurse": True, "include": include},
            },
            "destination": {"server": "https://kubernetes.default.svc", "namespace": self.namespace},
            "syncPolicy": {"automated": {"prune": True, "selfHeal": True, "allowEmpty": True}},
        }
        labels = {"app.kubernetes.io/managed-by": "storefleet", "app.kubernetes.io/part-of": "storefleet"}
        meta = {"name": ROOT, "namespace": self.namespace, "labels": labels}
        return self.kube.create({"apiVersion": API, "kind": "Application", "metadata": meta, "spec": spec})

    def sync_root(self) -> str:
        """Apply every store's files the root includes at the branch head (its namespace first), prune
        the objects whose file is gone (Applications first); returns the commit."""
        root = self.bootstrap()
        sha = self.source.head()
        applied: list[Obj] = []
        for store in self.source.store_dirs(sha).values():
            for obj in sorted(store.objects(list(ROOT_FILES)), key=lambda o: o["kind"] != "Namespace"):
                obj["metadata"].setdefault("annotations", {})[TRACKING] = _tracking_id(obj)
                self.kube.apply(obj)
                applied.append(self._resource_ref(obj))
        listed = (root.get("status") or {}).get("resources") or []
        before = [{key: value for key, value in ref.items() if key != "status"} for ref in listed]
        for ref in sorted((r for r in before if r not in applied), key=lambda r: r["kind"] == "Namespace"):
            api = f"{ref['group']}/{ref['version']}" if ref["group"] else ref["version"]
            meta = {"name": ref["name"], "namespace": ref.get("namespace") or None}
            self.kube.delete({"apiVersion": api, "kind": ref["kind"], "metadata": meta})
        self._root_status(root, sha, applied)
        return sha

    @staticmethod
    def _resource_ref(obj: Obj) -> Obj:
        group, _, version = obj["apiVersion"].rpartition("/")
        meta = obj["metadata"]
        ref = {"group": group, "version": version, "kind": obj["kind"], "name": meta["name"]}
        return {**ref, "namespace": meta["namespace"]} if meta.get("namespace") else ref

    def _root_status(self, root: Obj, sha: str, applied: list[Obj]) -> None:
        status = copy.deepcopy(root.get("status") or {})
        refreshed = REFRESH in (root["metadata"].get("annotations") or {})
        resources = [{**ref, "status": "Synced"} for ref in applied]
        if (
            status.get("sync", {}).get("revision") == sha
            and status.get("resources") == resources
            and not refreshed
        ):
            return
        source = root["spec"]["source"]
        stamp = now()
        operation = {"sync": {"revision": sha, "prune": True}, "initiatedBy": {"automated": True}}
        status.update(
            sync={
                "status": "Synced",
                "revision": sha,
                "comparedTo": {"source": source, "destination": root["spec"]["destination"]},
            },
            health={"status": "Healthy"},
            resources=resources,
            reconciledAt=stamp,
            sourceType="Directory",
            operationState={
                "operation": operation,
                "phase": "Succeeded",
                "message": SYNCED_MESSAGE,
                "startedAt": stamp,
                "finishedAt": stamp,
                "syncResult": {"revision": sha, "source": source},
            },
        )
        self._write(root, status)

    # --- the store applications ------------------------------------------------------------------

    @staticmethod
    def _release(app: Obj) -> Release:
        return Release.from_values(app["spec"]["source"]["helm"]["valuesObject"])

    def _apps(self, store_id: str | None = None) -> list[Obj]:
        apps = self.kube.list_objects(API, "Application", self.namespace)
        return [
            a for a in apps if a["metadata"]["name"] != ROOT and store_id in (None, a["metadata"]["name"])
        ]

    def remove_deleted_apps(self) -> list[str]:
        """The resources finalizer: delete what the app deployed (its namespace), then let it go."""
        removed = []
        for app in self._apps():
            finalizers = app["metadata"].get("finalizers") or []
            if app["metadata"].get("deletionTimestamp") and RESOURCES_FINALIZER in finalizers:
                destination = app["spec"]["destination"]["namespace"]
                self.kube.delete({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": destination}})
                rest = [f for f in finalizers if f != RESOURCES_FINALIZER]
                self.kube.merge_patch(app, {"metadata": {"finalizers": rest or None}})
                removed.append(app["metadata"]["name"])
        return removed

    def refresh_apps(self, store_id: str | None = None) -> None:
        """Compare each app with git at the head: Synced when the last successful sync was of this
        source, else OutOfSync; a refresh annotation is handled and removed."""
        sha = self.source.head()
        for app in self._apps(store_id):
            if app["metadata"].get("deletionTimestamp"):
                continue
            status = copy.deepcopy(app.get("status") or {})
            state = _op_state(app)
            synced_source = (state.get("syncResult") or {}).get("source")
            in_sync = state.get("phase") == "Succeeded" and synced_source == app["spec"]["source"]
            compared = {"source": app["spec"]["source"], "destination": app["spec"]["destination"]}
            status["sync"] = {
                "status": "Synced" if in_sync else "OutOfSync",
                "revision": sha,
                "comparedTo": compared,
            }
            status.setdefault("health", {"status": "Missing"})
            status.setdefault("sourceType", "Helm")
            if REFRESH in (app["metadata"].get("annotations") or {}) or "reconciledAt" not in status:
                status["reconciledAt"] = now()
            self._comparison(app["metadata"]["name"], status)
            self._write(app, status)

    def _comparison(self, name: str, status: Obj) -> None:
        """A "comparison" failure: manifest generation fails, so sync.status is Unknown with no
        revision, and ComparisonError keeps its lastTransitionTime while it persists across refreshes."""
        failure = self._failures.get(name)
        others = [c for c in status.get("conditions") or [] if c.get("type") != "ComparisonError"]
        if failure is None or failure.mode != "comparison" or failure.remaining == 0:
            status["conditions"] = others
            return
        before = next((c for c in status.get("conditions") or [] if c.get("type") == "ComparisonError"), None)
        message = (
            f"Failed to load target state: failed to generate manifest for source 1 of 1: {failure.message}"
        )
        since = before["lastTransitionTime"] if before else now()
        status["conditions"] = [
            *others,
            {"type": "ComparisonError", "message": message, "lastTransitionTime": since},
        ]
        status["sync"] = {"status": "Unknown", "comparedTo": status["sync"]["comparedTo"]}
        status["reconciledAt"] = now()

    def start_syncs(self, store_id: str | None = None) -> list[str]:
        """Start a sync operation where one is due: an `operation` someone set (a manual sync), or
        the automated sync of an OutOfSync app (not again for a revision whose sync failed)."""
        started = []
        sha = self.source.head()
        for app in self._apps(store_id):
            status = copy.deepcopy(app.get("status") or {})
            state = _op_state(app)
            if app["metadata"].get("deletionTimestamp") or state.get("phase") == "Running":
                continue
            operation = app.get("operation")
            if operation is None:
                if not self._auto_sync_due(app, status, sha):
                    continue
                retry = (app["spec"].get("syncPolicy") or {}).get("retry")
                operation = {
                    "sync": {"revision": sha},
                    "initiatedBy": {"automated": True},
                    **({"retry": retry} if retry else {}),
                }
            status["operationState"] = {
                "operation": operation,
                "phase": "Running",
                "message": "one or more tasks are running",
                "startedAt": now(),
            }
            self._write(app, status)
            started.append(app["metadata"]["name"])
        return started

    @staticmethod
    def _auto_sync_due(app: Obj, status: Obj, sha: str) -> bool:
        if (
            "automated" not in (app["spec"].get("syncPolicy") or {})
            or status.get("sync", {}).get("status") != "OutOfSync"
        ):
            return False
        state = status.get("operationState") or {}
        last = state.get("syncResult") or {}
        failed_here = last.get("revision") == sha and last.get("source") == app["spec"]["source"]
        return not (state.get("phase") in ("Failed", "Error") and failed_here)

    def finish_syncs(self, store_id: str | None = None) -> list[str]:
        """Run each operation under way: the chart's objects applied (Succeeded), or the failure
        `fail()` asked for, retried as the operation's retry limit allows, then Failed."""
        finished = []
        for app in self._apps(store_id):
            if _op_state(app).get("phase") != "Running" or app["metadata"].get("deletionTimestamp"):
                continue
            failure = self._take_failure(app["metadata"]["name"], app["spec"]["source"]["path"])
            if failure is not None and failure.mode != "rollout":
                self._sync_failed(app, failure)
            else:
                self._sync_succeeded(app, degraded=failure is not None)
            finished.append(app["metadata"]["name"])
        return finished

    def _sync_succeeded(self, app: Obj, *, degraded: bool) -> None:
        release = Release.from_values(app["spec"]["source"]["helm"]["valuesObject"])
        secret = self.kube.get("v1", "Secret", release.store_id, release.secret_name)
        state = "degraded" if degraded else ("ready" if secret is not None else "waiting")
        refused = self.refused.get(release.store_id, set())
        deploy(self.kube, release, generate_secret=False, state=state, refused=refused)
        status = copy.deepcopy(app["status"])
        operation = status["operationState"]
        revision = operation["operation"].get("sync", {}).get("revision") or self.source.head()
        operation.update(
            phase="Succeeded",
            message=SYNCED_MESSAGE,
            finishedAt=now(),
            syncResult={"revision": revision, "source": app["spec"]["source"]},
        )
        status["sync"] = {**status.get("sync", {}), "status": "Synced", "revision": revision}
        status["health"], status["resources"] = self._health(release, state), self._resources(release, state)
        status["conditions"] = [c for c in status.get("conditions") or [] if c.get("type") != "SyncError"]
        self._write(app, status)

    @staticmethod
    def _health(release: Release, state: str) -> Obj:
        """As Argo CD 3 writes it: the status only (status.health.message is no longer set)."""
        health = {"ready": "Healthy", "waiting": "Progressing"}.get(state, "Degraded")
        return {"status": health, "lastTransitionTime": now()}

    @staticmethod
    def _resources(release: Release, state: str) -> list[Obj]:
        """status.resources: the Deployment with its health and the message that explains it."""
        health: Obj = {"status": "Healthy"}
        if state == "waiting":
            message = "Waiting for rollout to finish: 0 of 1 updated replicas are available..."
            health = {"status": "Progressing", "message": message}
        elif state != "ready":
            message = f'Deployment "{release.deployment}" exceeded its progress deadline'
            health = {"status": "Degraded", "message": message}
        ref = {"group": "apps", "version": "v1", "kind": "Deployment", "namespace": release.store_id}
        return [{**ref, "name": release.deployment, "status": "Synced", "health": health}]

    def _sync_failed(self, app: Obj, failure: Failure) -> None:
        status = copy.deepcopy(app["status"])
        operation = status["operationState"]
        error = f"one or more objects failed to apply, reason: {failure.message}"
        count = int(operation.get("retryCount") or 0)
        limit = int((operation["operation"].get("retry") or {}).get("limit") or 0)
        if failure.mode == "error":  # the operation itself broke (not a resource): no retry
            error = failure.message
        if count < limit and failure.mode != "error":  # the automated retry: the operation stays Running
            at = datetime.now(UTC).strftime("%H:%M:%S")
            operation.update(retryCount=count + 1, message=f"Retrying attempt #{count + 1} at {at}: {error}")
        else:
            revision = operation["operation"].get("sync", {}).get("revision") or self.source.head()
            message = f"{error} (retried {count} times)." if count else error
            operation.update(
                phase="Error" if failure.mode == "error" else "Failed",
                message=message,
                finishedAt=now(),
                syncResult={"revision": revision, "source": app["spec"]["source"]},
            )
            sync_error = {
                "type": "SyncError",
                "message": f"Failed sync attempt to {revision}: {message}",
                "lastTransitionTime": now(),
            }
            status["conditions"] = [
                *(c for c in status.get("conditions") or [] if c.get("type") != "SyncError"),
                sync_error,
            ]
        self._write(app, status)

    def break_running(self, store_id: str, message: str) -> None:
        """The app turns Degraded, and so do its Deployment and pod: a crash loop, which is what a
        Degraded app of a running store mostly means (both the applier and the pods say so)."""
        with self.lock:
            for app in self._apps(store_id):
                status = copy.deepcopy(app["status"])
                status["health"] = {"status": "Degraded", "message": message, "lastTransitionTime": now()}
                self._write(app, status)
                set_state(self.kube, self._release(app), "degraded")

    def heal_running(self, store_id: str) -> None:
        """Healthy again, with a pod that runs (as a rollout's new pod: no restarts)."""
        with self.lock:
            for app in self._apps(store_id):
                status = copy.deepcopy(app["status"])
                status["health"] = {"status": "Healthy", "lastTransitionTime": now()}
                self._write(app, status)
                set_state(self.kube, self._release(app), "ready")

    def assess_health(self, store_id: str | None = None) -> None:
        """An app waiting for its credentials Secret becomes Healthy once the Secret is there."""
        for app in self._apps(store_id):
            health = (app.get("status") or {}).get("health") or {}
            if health.get("status") != "Progressing" or _op_state(app).get("phase") != "Succeeded":
                continue
            release = Release.from_values(app["spec"]["source"]["helm"]["valuesObject"])
            if self.kube.get("v1", "Secret", release.store_id, release.secret_name) is None:
                continue
            set_state(self.kube, release, "ready")
            status = copy.deepcopy(app["status"])
            status["health"], status["resources"] = (
                self._health(release, "ready"),
                self._resources(release, "ready"),
            )
            self._write(app, status)
