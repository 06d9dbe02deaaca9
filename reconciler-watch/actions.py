"""The cluster writes and requests a `Decision` carries (pure data). `decide` says which are due; the
act step (`apply.StoreUpdater`) makes them, and `Observed` tells which already succeeded, so each is
asked for again only while it has not."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class EnsureCredentials:
    """Argo CD renders the chart without cluster access: create the store's credentials Secret (and
    its namespace, when it does not exist yet) before the chart's pods need it."""

    create_namespace: bool


@dataclass(frozen=True)
class StartSetup:
    """Create the post-install setup Job for `key` under `generation` (a new generation is recorded
    before the Job is created)."""

    key: str
    generation: int


@dataclass(frozen=True)
class PublishStorefrontKey:
    """Medusa: keep the publishable key the setup Job reported in Secret `<store>-storefront-key`."""

    job_name: str
    key: str = field(repr=False)


@dataclass(frozen=True)
class RequestRetry:
    """Ask the applier to act on the retry with this token (Flux reset, Argo CD sync operation)."""

    token: str


@dataclass(frozen=True)
class AdvanceRestore:
    """Commit the next stage of the in-place restore `name`, which the store's spec has at `stage`
    (docs/backups.md): after `clearing`, the Velero Restore; after `restoring`, the restore done. The
    stage is checked again in the transaction that queues the commit, so it is queued once."""

    name: str
    stage: str
    # A store created from a backup, at its restore's last commit: the setup key its restored data
    # counts as set up for (no setup Job runs over it, a later retry included).
    setup_done_key: str | None = None


@dataclass(frozen=True)
class QueueRemoval:
    """A store deleted with `keep_backup` whose final backup `backup` completed: queue its removal
    (checked again in the transaction that queues it, so it is queued once)."""

    backup: str


Action = EnsureCredentials | StartSetup | PublishStorefrontKey | RequestRetry | AdvanceRestore | QueueRemoval
