"""A move of a store to another cluster as data (docs/clusters.md "Moving a store"). No I/O.

A move is a sub-state of a store that keeps serving, `ready`, from its source cluster while the move
runs (as a rotation of its admin password is): its status says how the store is, the move's stage
says how far the copy on the target has come. Stages, each ended by a commit of the platform's or a
fact the target cluster's watcher observes:

- `backing_up`: an on-demand Velero Backup of the source was created; it ends when the Backup shows
  `Completed` in the target cluster (Velero syncs backups from the shared storage location), and
  the platform commits the store's directory under the target's root, declaring a Restore of it;
- `restoring`: ends when that Restore is `Completed`; the platform commits the restore done (the
  release comes into the target directory);
- `starting`: ends when the target's release is ready at that spec; the platform commits the source
  directory's removal, and the store's cluster is the target from then on (`done`).

Any failure or timeout ends it `failed`: the target directory, if committed, is removed (a commit),
and the store stays as it was on the source.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any


class MoveStage(StrEnum):
    BACKING_UP = "backing_up"
    RESTORING = "restoring"
    STARTING = "starting"
    DONE = "done"
    FAILED = "failed"


IN_FLIGHT = frozenset({MoveStage.BACKING_UP, MoveStage.RESTORING, MoveStage.STARTING})
# The stage after each stage in flight, each reached by one commit of the platform's.
NEXT_STAGE: dict[MoveStage, MoveStage] = {
    MoveStage.BACKING_UP: MoveStage.RESTORING,
    MoveStage.RESTORING: MoveStage.STARTING,
    MoveStage.STARTING: MoveStage.DONE,
}
MOVE_COLUMNS = (
    "id, store_id, source_cluster_id, source_cluster, target_cluster_id, target_cluster, stage, backup,"
    " restore, source_spec_hash, target_spec, target_created, outbox_id, message, reason, requested_by,"
    " created_at, stage_changed_at, ended_at"
)


@dataclass(frozen=True, slots=True)
class StoreMove:
    id: int
    store_id: str
    source_cluster_id: str | None
    source_cluster: str | None  # the source cluster's name (None: no cluster was registered)
    target_cluster_id: str
    target_cluster: str  # the target cluster's name
    stage: MoveStage
    backup: str
    restore: str
    source_spec_hash: str
    target_spec: dict[str, Any] | None
    target_created: bool
    outbox_id: int | None
    message: str | None
    reason: str | None
    requested_by: str
    created_at: datetime
    stage_changed_at: datetime
    ended_at: datetime | None

    @property
    def in_flight(self) -> bool:
        return self.stage in IN_FLIGHT


def store_move(**columns: Any) -> StoreMove:
    return StoreMove(**{**columns, "stage": MoveStage(columns["stage"])})
