"""Velero's part, played over the Kubernetes API: its CRDs served, the backup controller moving each
new Backup through its documented phases (`New` → `InProgress` → `Completed`, or `Failed` /
`PartiallyFailed` with a reason on request), the schedule controller creating the Backups a Schedule
would, and the restore controller moving each new Restore the same way (`New` → `InProgress` →
`Completed`, or `Failed` / `PartiallyFailed` with a reason on request, `FailedValidation` for a
backup that is not there or not complete). Each step is callable on its own; nothing happens unless
a test calls one.

What a backup holds is the objects of its namespaces, of the kinds the doubles put there (`BACKED_UP`:
the chart's claims, Secrets, ConfigMaps, workloads, Pods, Service, Ingress, limits; Jobs), recorded
when the backup completes. A restore creates them again as Velero's restore reference describes it:
the kinds in `excludedResources` left out (by Velero's `<resource>.<group>` names), only the objects
the `labelSelector`'s `matchLabels` select, finished Pods left out, each in the namespace the
`namespaceMapping` maps its own to, under its own name and labels, without owner references (Velero
resets them) and labelled `velero.io/backup-name` and `velero.io/restore-name`. An object that exists
is skipped with a warning, as Velero skips an existing PVC (the double does not play
`existingResourcePolicy: update` on the others).
RestoreStatus fields: `phase`, `startTimestamp`, `completionTimestamp`,
`progress.{totalItems,itemsRestored}`, `warnings`, `errors`, `failureReason`, `validationErrors`.

Status fields follow velero.io/v1 (BackupStatus): `phase`, `startTimestamp`, `completionTimestamp`,
`expiration` (start + the spec's `ttl`), `progress.{totalItems,itemsBackedUp}`, `errors`, `warnings`,
`failureReason`, `version`, `formatVersion`. Velero's CRDs declare no status subresource: the
controller writes the whole object.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from storefleet_demo.kube.cluster import KubeCluster
from storefleet_demo.kube.flux_double import seconds_of
from storefleet_demo.kube.resources import ResourceType
from storefleet_demo.kube.rest import Kube

Obj = dict[str, Any]
API = "velero.io/v1"
SCHEDULE_NAME_LABEL = "velero.io/schedule-name"
TYPES = (
    ResourceType("velero.io", "v1", "backups", "Backup", crd=True),
    ResourceType("velero.io", "v1", "restores", "Restore", crd=True),
    ResourceType("velero.io", "v1", "schedules", "Schedule", crd=True),
)
ITEMS = 24  # what every backup of the double holds
FAILED_PHASES = ("Failed", "PartiallyFailed", "FailedValidation")
# (apiVersion, kind, Velero's resource name): what a backup of the double holds of a namespace.
BACKED_UP = (
    ("v1", "PersistentVolumeClaim", "persistentvolumeclaims"),
    ("v1", "Secret", "secrets"),
    ("v1", "ConfigMap", "configmaps"),
    ("v1", "ServiceAccount", "serviceaccounts"),
    ("v1", "ResourceQuota", "resourcequotas"),
    ("v1", "LimitRange", "limitranges"),
    ("v1", "Pod", "pods"),
    ("v1", "Service", "services"),
    ("apps/v1", "Deployment", "deployments.apps"),
    ("networking.k8s.io/v1", "Ingress", "ingresses.networking.k8s.io"),
    ("batch/v1", "Job", "jobs.batch"),
)
_RESOURCE = {kind: resource for _, kind, resource in BACKED_UP}
_KEPT_META = ("name", "namespace", "labels", "annotations", "ownerReferences")
_BODY = ("spec", "data", "stringData", "type")
_FINISHED_POD = ("Succeeded", "Failed")  # Velero does not restore a Pod that ran to its end


def stamp(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def install_crds(cluster: KubeCluster, kube: Kube | None = None) -> None:
    """Serve velero.io/v1 Backup, Restore and Schedule (as `velero install` registers them), and let
    `kube` (a doubles' client) name them."""

    def add(store: Any) -> None:
        for rt in TYPES:
            store.registry.add(rt)

    cluster.call(add)
    if kube is not None:
        for rt in TYPES:
            kube.registry.add(rt)


@dataclass
class Outcome:
    phase: str  # Completed, Failed, PartiallyFailed
    reason: str | None = None


@dataclass
class StorageLocation:
    """A BackupStorageLocation's object storage, which the Veleros of several clusters may share: what
    each finished backup uploaded there (its Backup object, `velero-backup.json`, and its contents)."""

    name: str = "default"
    backups: dict[str, Obj] = field(default_factory=dict)
    contents: dict[str, list[Obj]] = field(default_factory=dict)


class VeleroDouble:
    def __init__(
        self, cluster: KubeCluster, namespace: str = "velero", location: StorageLocation | None = None
    ) -> None:
        self.cluster, self.namespace = cluster, namespace
        self.location = location if location is not None else StorageLocation()
        self.kube = Kube(cluster.api_client())
        install_crds(cluster, self.kube)
        if self.kube.get("v1", "Namespace", None, namespace) is None:
            self.kube.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": namespace}})
        self._backup_outcomes: dict[str, Outcome] = {}
        self._restore_outcomes: dict[str, Outcome] = {}
        self._contents = self.location.contents  # backup name -> the objects it holds

    def reconcile(self) -> None:
        """One pass of the backup and restore controllers: start what is new, finish what is under way."""
        self.start_backups()
        self.finish_backups()
        self.start_restores()
        self.finish_restores()

    # --- backups --------------------------------------------------------------------------------

    def backups(self, schedule: str | None = None) -> list[Obj]:
        labels = f"{SCHEDULE_NAME_LABEL}={schedule}" if schedule else None
        return self.kube.list_objects(API, "Backup", self.namespace, labels=labels)

    def fail_backups(self, prefix: str, phase: str = "Failed", reason: str = "hook failed") -> None:
        """Backups whose name starts with `prefix` end in `phase` (Failed: with `reason` as the
        failureReason; PartiallyFailed: with one error)."""
        assert phase in ("Failed", "PartiallyFailed"), phase
        self._backup_outcomes[prefix] = Outcome(phase, reason)

    def start_backups(self) -> list[str]:
        """`New` (or no status yet) → `InProgress`, with its start, expiration and progress."""
        started = []
        for backup in self.backups():
            if (backup.get("status") or {}).get("phase", "New") != "New":
                continue
            start = datetime.now(UTC)
            ttl = seconds_of(str(backup["spec"].get("ttl") or "720h"))
            status = {
                "phase": "InProgress",
                "version": 1,
                "formatVersion": "1.1.0",
                "startTimestamp": stamp(start),
                "expiration": stamp(start + timedelta(seconds=ttl)),
                "progress": {"totalItems": ITEMS, "itemsBackedUp": 0},
            }
            self._write(backup, status)
            started.append(backup["metadata"]["name"])
        return started

    def finish_backups(self) -> list[str]:
        """`InProgress` → `Completed` (every item backed up) or the outcome `fail_backups` asked."""
        finished = []
        for backup in self.backups():
            status = copy.deepcopy(backup.get("status") or {})
            if status.get("phase") != "InProgress":
                continue
            name = backup["metadata"]["name"]
            outcome = next(
                (o for prefix, o in self._backup_outcomes.items() if name.startswith(prefix)),
                Outcome("Completed"),
            )
            status.update(phase=outcome.phase, completionTimestamp=stamp(datetime.now(UTC)))
            if outcome.phase == "Failed":
                status["failureReason"] = outcome.reason
                status["progress"] = {"totalItems": ITEMS, "itemsBackedUp": ITEMS // 2}
            else:
                status["progress"] = {"totalItems": ITEMS, "itemsBackedUp": ITEMS}
            if outcome.phase == "PartiallyFailed":
                status["errors"] = 1
            if outcome.phase != "Failed":
                self._contents[name] = self._objects_of(backup["spec"].get("includedNamespaces") or [])
            self._write(backup, status)
            self.location.backups[name] = _uploaded(backup, status)
            finished.append(name)
        return finished

    def sync_backups(self) -> list[str]:
        """Velero's backup sync controller: each backup in the storage location that this cluster has
        no Backup object of gets one, as it was uploaded (its spec, labels and status), labelled with
        the location's name; the objects of the ones it has are left alone."""
        synced = []
        for name, uploaded in self.location.backups.items():
            if self.kube.get(API, "Backup", self.namespace, name) is not None:
                continue
            backup = copy.deepcopy(uploaded)
            backup["metadata"]["labels"] = {
                **backup["metadata"].get("labels", {}),
                "velero.io/storage-location": self.location.name,
            }
            status = backup.pop("status")
            self._write(self.kube.create(backup), status)
            synced.append(name)
        return synced

    def _objects_of(self, namespaces: list[str]) -> list[Obj]:
        return [
            _backed_up(obj)
            for namespace in namespaces
            for api, kind, _ in BACKED_UP
            for obj in self.kube.list_objects(api, kind, namespace)
        ]

    def contents(self, backup: str) -> list[Obj]:
        """What the backup holds (its objects as recorded; a Pod with its phase)."""
        return copy.deepcopy(self._contents.get(backup, []))

    # --- restores ---------------------------------------------------------------------------------

    def restores(self) -> list[Obj]:
        return self.kube.list_objects(API, "Restore", self.namespace)

    def fail_restores(self, prefix: str, phase: str = "Failed", reason: str = "restore failed") -> None:
        """Restores whose name starts with `prefix` end in `phase` (Failed: nothing restored, `reason`
        as the failureReason; PartiallyFailed: one claim restored, one error)."""
        assert phase in ("Failed", "PartiallyFailed"), phase
        self._restore_outcomes[prefix] = Outcome(phase, reason)

    def start_restores(self) -> list[str]:
        """`New` (or no status) → `InProgress`; `FailedValidation` when its backup is missing or not
        complete (the messages are the double's own)."""
        started = []
        for restore in self.restores():
            if (restore.get("status") or {}).get("phase", "New") != "New":
                continue
            name = restore["spec"].get("backupName")
            backup = self.kube.get(API, "Backup", self.namespace, name) if name else None
            phase = ((backup or {}).get("status") or {}).get("phase")
            if phase not in ("Completed", "PartiallyFailed"):
                problem = (
                    f"backup {name} not found" if backup is None else f"backup {name} is {phase or 'New'}"
                )
                self._write(restore, {"phase": "FailedValidation", "validationErrors": [problem]})
                continue
            total = len(_selected(restore, self._contents.get(name, [])))
            status = {"phase": "InProgress", "startTimestamp": stamp(datetime.now(UTC)),
                      "progress": {"totalItems": total, "itemsRestored": 0}}  # fmt: skip
            self._write(restore, status)
            started.append(restore["metadata"]["name"])
        return started

    def finish_restores(self) -> list[str]:
        """`InProgress` → `Completed` with the backup's objects the Restore selects created (or the
        outcome asked for)."""
        finished = []
        for restore in self.restores():
            status = copy.deepcopy(restore.get("status") or {})
            if status.get("phase") != "InProgress":
                continue
            name = restore["metadata"]["name"]
            outcome = next(
                (o for prefix, o in self._restore_outcomes.items() if name.startswith(prefix)),
                Outcome("Completed"),
            )
            items = _selected(restore, self._contents.get(restore["spec"]["backupName"], []))
            if outcome.phase == "Failed":
                items, status["failureReason"] = [], outcome.reason
            elif outcome.phase == "PartiallyFailed":
                items, status["errors"] = items[:1], 1
            restored, skipped = self._restore_items(restore, items)
            if skipped:
                status["warnings"] = skipped
            status.update(phase=outcome.phase, completionTimestamp=stamp(datetime.now(UTC)))
            status["progress"] = {"totalItems": status["progress"]["totalItems"], "itemsRestored": restored}
            self._write(restore, status)
            finished.append(name)
        return finished

    def _restore_items(self, restore: Obj, items: list[Obj]) -> tuple[int, int]:
        """(objects created, objects skipped because they exist)."""
        mapping = restore["spec"].get("namespaceMapping") or {}
        labels = {"velero.io/backup-name": restore["spec"]["backupName"],
                  "velero.io/restore-name": restore["metadata"]["name"]}  # fmt: skip
        restored = skipped = 0
        for item in items:
            obj = copy.deepcopy(item)
            obj.pop("status", None)
            meta = obj["metadata"]
            meta.pop("ownerReferences", None)  # Velero resets them: the owner is restored anew, if at all
            meta["namespace"] = mapping.get(meta["namespace"], meta["namespace"])
            meta["labels"] = {**(meta.get("labels") or {}), **labels}
            if self.kube.get("v1", "Namespace", None, meta["namespace"]) is None:
                self.kube.create(
                    {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": meta["namespace"]}}
                )
            if self.kube.get(obj["apiVersion"], obj["kind"], meta["namespace"], meta["name"]) is not None:
                skipped += 1
                continue
            created = self.kube.create(obj)
            if obj["kind"] == "PersistentVolumeClaim":
                self.kube.write_status(created, {"phase": "Bound"})
            restored += 1
        return restored, skipped

    # --- the schedule controller ------------------------------------------------------------------

    def run_schedule(self, name: str, at: datetime | None = None) -> Obj:
        """The Backup the Schedule `name` creates at `at`: `<schedule>-<YYYYMMDDHHMMSS>`, its
        template as the spec, the template's labels and `velero.io/schedule-name`."""
        schedule = self.kube.get(API, "Schedule", self.namespace, name)
        assert schedule is not None, f"no Schedule {name}"
        when = (at or datetime.now(UTC)).astimezone(UTC)
        template = copy.deepcopy(schedule["spec"]["template"])
        labels = {**((template.pop("metadata", None) or {}).get("labels") or {}), SCHEDULE_NAME_LABEL: name}
        backup = {
            "apiVersion": API,
            "kind": "Backup",
            "metadata": {
                "name": f"{name}-{when.strftime('%Y%m%d%H%M%S')}",
                "namespace": self.namespace,
                "labels": labels,
            },
            "spec": template,
        }
        return self.kube.create(backup)

    def _write(self, obj: Obj, status: Obj) -> None:
        # no status subresource: the controller updates the object (a merge patch of its status)
        self.kube.merge_patch(obj, {"status": status})


def _uploaded(backup: Obj, status: Obj) -> Obj:
    """The Backup as Velero uploads it to the storage location when it finishes."""
    meta = backup["metadata"]
    return {
        "apiVersion": API,
        "kind": "Backup",
        "metadata": {
            "name": meta["name"],
            "namespace": meta["namespace"],
            "labels": dict(meta.get("labels") or {}),
        },
        "spec": copy.deepcopy(backup["spec"]),
        "status": copy.deepcopy(status),
    }


def _backed_up(obj: Obj) -> Obj:
    """An object as a backup records it: its identity, labels, annotations and owners, its content;
    of its status, only a Pod's phase (which says whether a restore brings it back)."""
    recorded: Obj = {"apiVersion": obj["apiVersion"], "kind": obj["kind"]}
    recorded["metadata"] = {k: v for k, v in obj["metadata"].items() if k in _KEPT_META}
    recorded.update({k: copy.deepcopy(obj[k]) for k in _BODY if k in obj})
    if obj["kind"] == "Pod":
        recorded["status"] = {"phase": (obj.get("status") or {}).get("phase", "Pending")}
    return recorded


def _selected(restore: Obj, items: list[Obj]) -> list[Obj]:
    """The backed-up objects a Restore brings back: not of an excluded resource, selected by its
    `labelSelector.matchLabels` (when it has one), not a Pod that ran to its end."""
    spec = restore["spec"]
    excluded = set(spec.get("excludedResources") or [])
    wanted = (spec.get("labelSelector") or {}).get("matchLabels") or {}
    return [
        item for item in items
        if _RESOURCE[item["kind"]] not in excluded
        and all((item["metadata"].get("labels") or {}).get(k) == v for k, v in wanted.items())
        and (item.get("status") or {}).get("phase") not in _FINISHED_POD
    ]  # fmt: skip
