"""Shapes of a store's move to another cluster (docs/clusters.md "Moving a store")."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from storefleet.api.domain.store_move import MoveStage
from storefleet.renderer.spec import CLUSTER_NAME_PATTERN


class MoveRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cluster: str = Field(max_length=63, pattern=CLUSTER_NAME_PATTERN, description="The target cluster's name")


class StoreMoveOut(BaseModel):
    """A move of the store to another cluster; the store keeps serving from its source meanwhile."""

    id: int
    store_id: str
    stage: MoveStage = Field(
        description="`backing_up` (a fresh backup of the source, until the target's Velero has it), "
        "`restoring` (the store's directory on the target, its Velero restore running), `starting` "
        "(its release starting on the target), then `done` (the source directory removed: the store "
        "runs on the target) or `failed` (the target's directory removed; the store is as it was)"
    )
    source_cluster: str | None = Field(description="The cluster it moves from")
    target_cluster: str = Field(description="The cluster it moves to")
    backup: str = Field(description="The Velero backup that carries its data")
    message: str | None = Field(description="What the move waits for, or how it ended")
    reason: str | None = Field(description="Why it failed")
    requested_by: str
    created_at: datetime
    stage_changed_at: datetime
    ended_at: datetime | None
