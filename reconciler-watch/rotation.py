"""What to do next for a rotation of a store's admin password, as one pure function:
`decide_rotation(due, observed) -> RotationStep | None` (None: wait).

The order of the writes makes a rotation safe to take up again wherever a watcher stopped
(docs/architecture.md, "Rotating a store's admin password"):

1. `StartRotation`: a new password is generated in the cluster into the credentials Secret's staging
   key (once: a staged one is reused), the rotation is recorded `running`, and its Job is created
   (under a name fixed by the rotation's number, so a second create finds the first).
2. The Job sets the staged password in the shop (its last step, so a failed Job changed nothing).
3. `CommitRotation`: one write of the Secret makes the staged value its admin password and removes
   the staging key; then the rotation is recorded `done`. A running rotation whose staging key is
   gone was committed already, so a restart only records it.
4. `AbandonRotation`: the rotation is recorded `failed` first, then the staging key is removed: the
   Secret's admin password, and the shop's, stay the old ones.

Nothing here changes the store's status: a rotation is not a lifecycle event.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from storefleet.api.domain.credentials_rotation import ROTATABLE, DueRotation, RotationState
from storefleet.api.domain.lifecycle import StoreStatus
from storefleet.reconciler_watch.credentials import ADMIN_PASSWORD_KEY, credentials_secret_name
from storefleet.reconciler_watch.decision import clip
from storefleet.reconciler_watch.observed import SetupJob
from storefleet.reconciler_watch.rotation_job import rotation_job_name, staging_key

_GONE = frozenset({StoreStatus.FAILED, StoreStatus.DELETING, StoreStatus.DELETED})
MAX_REASON = 1000


@dataclass(frozen=True)
class RotationObserved:
    """The cluster as one rotation needs it: the credentials Secret's key names (never its values;
    None when the Secret does not exist), the rotation's Job, and why the applier would put the old
    password back (Flux drift correction; None: it would not)."""

    secret_keys: frozenset[str] | None
    job: SetupJob | None = None
    reverted_by: str | None = None


@dataclass(frozen=True)
class StartRotation:
    """Stage a new password (unless one is staged), record the rotation running, create its Job."""

    job_name: str


@dataclass(frozen=True)
class CommitRotation:
    """Make the staged password the Secret's admin password (unless done already), record it done."""

    message: str


@dataclass(frozen=True)
class AbandonRotation:
    """Record the rotation failed, then drop the staged password: the old one stays valid."""

    reason: str


RotationStep = StartRotation | CommitRotation | AbandonRotation


def decide_rotation(due: DueRotation, observed: RotationObserved) -> RotationStep | None:
    rotation = due.rotation
    job = observed.job
    if rotation.state is RotationState.REQUESTED:
        if job is not None:  # never ours: a rotation is recorded running before its Job is created
            return AbandonRotation(
                f"a Job {job.name} exists from before this rotation (was the platform's database restored?);"
                " nothing was changed: rotate again"
            )
        return _start(due, observed)
    if rotation.state is not RotationState.RUNNING:
        return None
    secret = credentials_secret_name(due.instance)
    if job is None:  # not created yet, or finished and removed (ttlSecondsAfterFinished)
        if observed.secret_keys is None:
            return AbandonRotation(f"the store's credentials Secret {secret} is gone")
        if staging_key(due.engine) in observed.secret_keys:
            return StartRotation(rotation_job_name(due.store_id, rotation.generation))
        return CommitRotation(_done(secret))  # the staged password was committed before a restart
    if job.failed:
        tail = f"\n{job.log_tail.strip()}" if job.log_tail.strip() else ""
        reason = f"the Job {job.name} failed: {job.failure_reason or 'see its log'}{tail}"
        return AbandonRotation(clip(reason + "; the old password still works", MAX_REASON))
    if job.succeeded:
        return CommitRotation(_done(secret))
    return None


def _start(due: DueRotation, observed: RotationObserved) -> RotationStep | None:
    status = due.store_status
    if status in _GONE:
        return AbandonRotation(f"the store is {status.value}; its password was not changed")
    if status not in ROTATABLE:
        return None  # updating, restoring: the rotation waits until the store runs again
    if observed.secret_keys is None:
        return AbandonRotation(
            f"the store's credentials Secret {credentials_secret_name(due.instance)} is missing"
        )
    if observed.reverted_by is not None:
        return AbandonRotation(observed.reverted_by)
    return StartRotation(rotation_job_name(due.store_id, due.rotation.generation))


def _done(secret: str) -> str:
    return f"the shop and Secret {secret} hold the new password; the old one no longer works"


def flux_reverts_password(drift_detection: dict[str, Any] | None, instance: str, engine: str) -> str | None:
    """Why helm-controller would put the old admin password back after a rotation, or None. Its drift
    correction re-applies the Secret as Helm last rendered it, so the HelmRelease must ignore the
    admin password key (the renderer adds that rule; a HelmRelease rendered before it lacks it)."""
    drift = drift_detection or {}
    if drift.get("mode") != "enabled":
        return None
    secret, key = credentials_secret_name(instance), ADMIN_PASSWORD_KEY[engine]
    for rule in drift.get("ignore") or []:
        target = rule.get("target") or {}
        if target.get("kind", "Secret") != "Secret" or target.get("name", secret) != secret:
            continue
        if any(_covers(path, f"/data/{key}") for path in rule.get("paths") or []):
            return None
    return (
        f"Flux would put the old password back: the store's HelmRelease corrects drift of Secret {secret}"
        f" without ignoring /data/{key} (it was rendered before password rotation); roll out a chart"
        " version or change the store, then rotate again"
    )


def _covers(path: str, pointer: str) -> bool:
    prefix = path.rstrip("/")
    return pointer == path or pointer.startswith(prefix + "/")
