"""What the watcher observed in the cluster (and the store's row), reduced to what `decide` needs.
Pure: parsing only.

The parsers take what the watcher's caches hold (a HelmRelease or a Job as its typed record, `wire.py`;
an Application as raw JSON) and keep the fields the read-path semantics in docs/architecture.md depend
on. Anything missing parses to "unknown", which `decide` treats as still working.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from storefleet.api.domain.store_rows import ConvergingStore
from storefleet.reconciler_watch.decision import StoreView
from storefleet.reconciler_watch.final_backup import VeleroBackup
from storefleet.reconciler_watch.namespace_limits import NamespaceLimits, expected_limits
from storefleet.reconciler_watch.pod_health import ContainerCrash
from storefleet.reconciler_watch.restore import Clearing, VeleroRestore
from storefleet.reconciler_watch.setup_job import setup_key
from storefleet.reconciler_watch.timestamps import parse_time as parse_time  # re-exported
from storefleet.reconciler_watch.wire import HelmReleaseObject, JobObject, WireCondition
from storefleet.renderer.manifests import ANNOTATION_SPEC_HASH
from storefleet.renderer.names import chart_instance

# The name of the operation.info item that carries the platform's retry token on a retry's sync.
RETRY_INFO = "storefleet.io/retry-token"


@dataclass(frozen=True)
class Condition:
    type: str
    status: str  # "True" | "False" | "Unknown"
    reason: str = ""
    message: str = ""
    observed_generation: int | None = None
    last_transition: datetime | None = None

    @property
    def is_true(self) -> bool:
        return self.status == "True"

    @property
    def is_false(self) -> bool:
        return self.status == "False"


@dataclass(frozen=True)
class FluxRelease:
    """A HelmRelease, plus whether the tenants Kustomization applied the store's commit."""

    generation: int
    observed_generation: int | None
    conditions: dict[str, Condition]
    # Whether the revision the Kustomization applied contains the store's commit (an ancestor check the
    # I/O step makes in the fleet repo); None when nothing was applied yet or the check was impossible.
    # Progress messages only: another kind's cache may be ahead of this HelmRelease's.
    contains_commit: bool | None
    last_handled_reconcile_at: str | None = None
    deleting: bool = False
    spec_hash: str | None = None  # the store spec this HelmRelease was rendered from (its annotation)


@dataclass(frozen=True)
class ArgoApp:
    sync_status: str | None  # Synced | OutOfSync | Unknown
    health_status: str | None  # Healthy | Progressing | Degraded | Suspended | Missing | Unknown
    health_message: str
    operation_phase: str | None  # Running | Succeeded | Failed | Error | Terminating; None: no operation
    operation_message: str
    operation_started_at: datetime | None
    error_conditions: tuple[Condition, ...]
    # Whether status.sync.revision contains the store's commit (see FluxRelease.contains_commit).
    contains_commit: bool | None
    deleting: bool = False
    # The platform's retry token, when the operation is the sync a retry asked for (operation.info).
    operation_retry_token: str | None = None
    spec_hash: str | None = None  # the store spec this Application was rendered from (its annotation)
    # Whether the status is about the Application's current spec.source: the last comparison
    # (status.sync.comparedTo) was of that source, and so was the last sync (operationState.syncResult).
    compared_with_spec: bool = False
    status_of_spec: bool = False
    reconciled_at: datetime | None = None  # status.reconciledAt: the last refresh


@dataclass(frozen=True)
class SetupJob:
    name: str
    succeeded: bool
    failed: bool
    failure_reason: str = ""
    log_tail: str = ""

    @property
    def ended(self) -> bool:
        return self.succeeded or self.failed


@dataclass(frozen=True)
class Observed:
    """One store's slice of the cluster at one moment, and what the watcher itself already did for
    the store (its actions' memory): the facts `decide` judges, gathered without writing anything."""

    now: datetime
    applier: FluxRelease | ArgoApp | None  # None: the HelmRelease/Application does not exist
    namespace_present: bool = True
    setup_job: SetupJob | None = None  # the Job of the store's pending setup change
    leftovers: tuple[str, ...] = field(default_factory=tuple)  # what still blocks a deletion
    revision: str | None = None  # the fleet revision the applier reports (audited with transitions)
    # Whether the store's credentials Secret is known to exist: always for Flux (the chart makes it);
    # for Argo CD once the watcher created it (or found it) in this process.
    credentials_ready: bool = True
    # The store's other setup Jobs that have not ended (an earlier change's): a new one waits for them.
    setup_jobs_active: tuple[str, ...] = ()
    # Medusa: the publishable key in the succeeded setup Job's log tail, and whether the watcher
    # already keeps it in the storefront's Secret.
    storefront_key: str | None = field(default=None, repr=False)
    key_published: bool = False
    retry_nudged: bool = False  # the applier was asked to retry for the store's current retry token
    # restoring (docs/backups.md): at stage clearing, what of the release is left (read fresh; None:
    # not read); at stage restoring, the Velero Restore the spec names (from its cache; None: unseen)
    clearing: Clearing | None = None
    restore: VeleroRestore | None = None
    # deleting with a final backup: that Backup, read fresh by name (None: not there, or not read)
    final_backup: VeleroBackup | None = None
    # the post-install check (namespace_limits.py): the namespace's ResourceQuota and LimitRange, read
    # fresh when `decide` asks for them (reason `limits_unread`); None: not read
    namespace_limits: NamespaceLimits | None = None
    # a running store's HTTP probe (probe.py): why it says the store is down; None: up, or no probe
    probe_failure: str | None = None
    # a running store (ready, degraded): its pods' containers that restarted after ending, from the
    # pod cache (pod_health.py); empty when the crash-loop signal is off
    pod_crashes: tuple[ContainerCrash, ...] = ()


def parse_conditions(raw: Any) -> dict[str, Condition]:
    conditions: dict[str, Condition] = {}
    for item in raw if isinstance(raw, list) else []:
        if not isinstance(item, dict) or not isinstance(item.get("type"), str):
            continue
        generation = item.get("observedGeneration")
        conditions[item["type"]] = Condition(
            type=item["type"],
            status=str(item.get("status", "Unknown")),
            reason=str(item.get("reason") or ""),
            message=str(item.get("message") or ""),
            observed_generation=generation if isinstance(generation, int) else None,
            last_transition=parse_time(item.get("lastTransitionTime")),
        )
    return conditions


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _spec_hash(meta: dict[str, Any]) -> str | None:
    value = _mapping(meta.get("annotations")).get(ANNOTATION_SPEC_HASH)
    return value if isinstance(value, str) and value else None


def parse_helmrelease(obj: HelmReleaseObject, contains_commit: bool | None) -> FluxRelease:
    meta, status = obj.metadata, obj.status
    return FluxRelease(
        generation=meta.generation,
        observed_generation=status.observedGeneration,
        conditions=_record_conditions(status.conditions),
        contains_commit=contains_commit,
        last_handled_reconcile_at=status.lastHandledReconcileAt,
        deleting=bool(meta.deletionTimestamp),
        spec_hash=meta.annotations.spec_hash or None,
    )


def _record_conditions(items: tuple[WireCondition, ...]) -> dict[str, Condition]:
    return {
        item.type: Condition(
            type=item.type,
            status=item.status,
            reason=item.reason,
            message=item.message,
            observed_generation=item.observedGeneration,
            last_transition=parse_time(item.lastTransitionTime),
        )
        for item in items
        if item.type
    }


def argo_revision(obj: dict[str, Any]) -> str | None:
    """The fleet commit an Application is synced to (status.sync.revision)."""
    revision = _mapping(_mapping(obj.get("status")).get("sync")).get("revision")
    return revision if isinstance(revision, str) and revision else None


def _retry_token(operation: dict[str, Any] | None) -> str | None:
    info = _mapping(_mapping(operation).get("operation")).get("info")
    for item in info if isinstance(info, list) else []:
        if isinstance(item, dict) and item.get("name") == RETRY_INFO and isinstance(item.get("value"), str):
            return str(item["value"])
    return None


def _compared_with_spec(obj: dict[str, Any]) -> bool:
    """A refresh can report Synced at a new revision for an Application whose spec the root app has
    not updated yet, and the spec can change after that refresh: only a status compared with the
    current spec.source speaks for it."""
    source = _mapping(obj.get("spec")).get("source")
    compared = _mapping(_mapping(_mapping(obj.get("status")).get("sync")).get("comparedTo"))
    return source is not None and compared.get("source") == source


def _synced_from_spec(obj: dict[str, Any], operation: dict[str, Any] | None) -> bool:
    synced = _mapping(_mapping(operation).get("syncResult"))
    return "source" not in synced or synced["source"] == _mapping(obj.get("spec")).get("source")


def _resource_health(status: dict[str, Any]) -> str:
    """Argo CD 3 no longer writes status.health.message: the detail is on the resources, the first
    Degraded one first."""
    unwell = [
        item for item in status.get("resources") or [] if isinstance(item, dict)
        and _mapping(item.get("health")).get("message")
    ]  # fmt: skip
    unwell.sort(key=lambda item: _mapping(item.get("health")).get("status") != "Degraded")
    if not unwell:
        return ""
    first = unwell[0]
    return f"{first.get('kind', '')} {first.get('name', '')}: {first['health']['message']}".strip()


def parse_application(obj: dict[str, Any], contains_commit: bool | None) -> ArgoApp:
    status = _mapping(obj.get("status"))
    sync, health = _mapping(status.get("sync")), _mapping(status.get("health"))
    operation = status.get("operationState")
    operation = operation if isinstance(operation, dict) else None
    errors = tuple(
        condition for condition in parse_conditions(status.get("conditions")).values()
        if condition.type.endswith("Error")
    )  # fmt: skip
    return ArgoApp(
        sync_status=sync.get("status"),
        health_status=health.get("status"),
        health_message=str(health.get("message") or "") or _resource_health(status),
        operation_phase=operation.get("phase") if operation else None,
        operation_message=str(operation.get("message") or "") if operation else "",
        operation_started_at=parse_time(operation.get("startedAt")) if operation else None,
        error_conditions=errors,
        contains_commit=contains_commit,
        deleting=bool(_mapping(obj.get("metadata")).get("deletionTimestamp")),
        operation_retry_token=_retry_token(operation),
        spec_hash=_spec_hash(_mapping(obj.get("metadata"))),
        compared_with_spec=_compared_with_spec(obj),
        status_of_spec=_compared_with_spec(obj) and _synced_from_spec(obj, operation),
        reconciled_at=parse_time(status.get("reconciledAt")),
    )


def parse_job(obj: JobObject, log_tail: str = "") -> SetupJob:
    conditions = _record_conditions(obj.status.conditions)
    complete, failed = conditions.get("Complete"), conditions.get("Failed")
    return SetupJob(
        name=obj.metadata.name,
        succeeded=bool(complete and complete.is_true) or (obj.status.succeeded or 0) > 0,
        failed=bool(failed and failed.is_true),
        failure_reason=(failed.message or failed.reason) if failed and failed.is_true else "",
        log_tail=log_tail,
    )


def flux_revision_sha(revision: Any) -> str | None:
    """`main@sha1:<sha>` (Flux v2 source revisions) or a bare sha -> the sha."""
    if not isinstance(revision, str) or not revision:
        return None
    return revision.rsplit(":", 1)[-1] if ":" in revision else revision.rsplit("/", 1)[-1]


def store_view(row: ConvergingStore) -> StoreView:
    """The store as `decide` sees it, from its row."""
    restore = (row.spec or {}).get("restore") or {}
    since = row.status_changed_at
    if row.committed_at and row.committed_at > since:
        since = row.committed_at  # a change committed after the status changed restarts the clock
    return StoreView(
        id=row.id,
        status=row.status,
        last_commit_sha=row.last_commit_sha,
        since=since,
        setup_key=setup_key(row.spec),
        setup_done_key=row.setup_done_key,
        status_message=row.status_message,
        retry_token=row.retry_token,
        retry_requested_at=row.retry_requested_at,
        spec_hash=row.spec_hash,
        setup_generation=row.setup_generation,
        setup_started_key=row.setup_started_key,
        engine=row.engine,
        restore_name=restore.get("name"),
        restore_stage=restore.get("stage"),
        limits_expected=expected_limits(row.spec),
        instance=chart_instance(row.id, row.spec),
        restored_from_backup=bool((row.spec or {}).get("restored_from")),
        final_backup=row.final_backup,
    )
