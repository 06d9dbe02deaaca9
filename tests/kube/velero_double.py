"""Velero's part, played over the Kubernetes API: its CRDs served, the backup controller moving each
new Backup through its documented phases (`New` → `InProgress` → `Completed`, or `Failed` /
`PartiallyFailed` with a reason on request), the schedule controller creating the Backups a Schedule
would, and the restore controller moving each new Restore the same way (`New` → `InProgress` →
`Completed`, or `Failed` / `PartiallyFailed` with a reason on request, `FailedValidation` for a
backup that is not there or not complete). Each step is callable on its own; nothing happens unless
a test calls one.

What a backup holds is modelled by its PersistentVolumeClaims (the volumes, what a restore in place
is about): recorded when the backup completes, created again by a restore, in the namespace the
Restore maps them to, labelled `velero.io/backup-name` and `velero.io/restore-name` as Velero labels
what it restores; a claim that exists is skipped with a warning, as Velero skips an existing PVC.
RestoreStatus fields: `phase`, `startTimestamp`, `completionTimestamp`,
`progress.{totalItems,itemsRestored}`, `warnings`, `errors`, `failureReason`, `validationErrors`.

Status fields follow velero.io/v1 (BackupStatus): `phase`, `startTimestamp`, `completionTimestamp`,
`expiration` (start + the spec's `ttl`), `progress.{totalItems,itemsBackedUp}`, `errors`, `warnings`,
`failureReason`, `version`, `formatVersion`. Velero's CRDs declare no status subresource: the
controller writes the whole object.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.kube.cluster import KubeCluster
from tests.kube.flux_double import seconds_of
from tests.kube.resources import ResourceType
from tests.kube.rest import Kube

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


class VeleroDouble:
    def __init__(self, cluster: KubeCluster, namespace: str = "velero") -> None:
        self.cluster, self.namespace = cluster, namespace
        self.kube = Kube(cluster.api_client())
        install_crds(cluster, self.kube)
        if self.kube.get("v1", "Namespace", None, namespace) is None:
            self.kube.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": namespace}})
        self._backup_outcomes: dict[str, Outcome] = {}
        self._restore_outcomes: dict[str, Outcome] = {}
        self._contents: dict[str, list[Obj]] = {}  # backup name -> the claims it holds

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
                self._contents[name] = self._claims_of(backup["spec"].get("includedNamespaces") or [])
            self._write(backup, status)
            finished.append(name)
        return finished

    def _claims_of(self, namespaces: list[str]) -> list[Obj]:
        kept = ("name", "namespace", "labels")
        return [
            {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "spec": claim.get("spec") or {},
             "metadata": {k: v for k, v in claim["metadata"].items() if k in kept}}
            for namespace in namespaces
            for claim in self.kube.list_objects("v1", "PersistentVolumeClaim", namespace)
        ]  # fmt: skip

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
            total = len(self._contents.get(name, []))
            status = {"phase": "InProgress", "startTimestamp": stamp(datetime.now(UTC)),
                      "progress": {"totalItems": total, "itemsRestored": 0}}  # fmt: skip
            self._write(restore, status)
            started.append(restore["metadata"]["name"])
        return started

    def finish_restores(self) -> list[str]:
        """`InProgress` → `Completed` with the backup's claims created (or the outcome asked for)."""
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
            claims = self._contents.get(restore["spec"]["backupName"], [])
            if outcome.phase == "Failed":
                claims, status["failureReason"] = [], outcome.reason
            elif outcome.phase == "PartiallyFailed":
                claims, status["errors"] = claims[:1], 1
            restored, skipped = self._restore_claims(restore, claims)
            if skipped:
                status["warnings"] = skipped
            status.update(phase=outcome.phase, completionTimestamp=stamp(datetime.now(UTC)))
            status["progress"] = {"totalItems": status["progress"]["totalItems"], "itemsRestored": restored}
            self._write(restore, status)
            finished.append(name)
        return finished

    def _restore_claims(self, restore: Obj, claims: list[Obj]) -> tuple[int, int]:
        """(claims created, claims skipped because they exist)."""
        mapping = restore["spec"].get("namespaceMapping") or {}
        labels = {"velero.io/backup-name": restore["spec"]["backupName"],
                  "velero.io/restore-name": restore["metadata"]["name"]}  # fmt: skip
        restored = skipped = 0
        for claim in claims:
            claim = copy.deepcopy(claim)
            meta = claim["metadata"]
            meta["namespace"] = mapping.get(meta["namespace"], meta["namespace"])
            meta["labels"] = {**(meta.get("labels") or {}), **labels}
            if self.kube.get("v1", "Namespace", None, meta["namespace"]) is None:
                self.kube.create(
                    {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": meta["namespace"]}}
                )
            if self.kube.get("v1", "PersistentVolumeClaim", meta["namespace"], meta["name"]) is not None:
                skipped += 1
                continue
            self.kube.write_status(self.kube.create(claim), {"phase": "Bound"})
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
