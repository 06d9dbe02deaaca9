"""Request and answer shapes of the rollouts API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from storefleet.api.rollouts.states import RolloutState, WaveState
from storefleet.renderer.catalogue import Template
from storefleet.renderer.spec import CHART_VERSION_PATTERN, Engine, Plan

ChartVersion = Annotated[str, StringConstraints(pattern=CHART_VERSION_PATTERN, max_length=40)]
StoreIdText = Annotated[str, StringConstraints(pattern=r"^st-[a-z2-7]{10}$")]
StepText = Annotated[str, StringConstraints(pattern=r"^\s*[0-9]+(\.[0-9]+)?\s*%?\s*$", max_length=12)]


class Selector(BaseModel):
    """Which stores: every condition given must hold (an empty list is no condition). Pinned stores,
    deleted ones and stores already at the version are left out."""

    model_config = ConfigDict(extra="forbid")

    engines: list[Engine] = Field(default_factory=list, max_length=2)
    plans: list[Plan] = Field(default_factory=list, max_length=3)
    tenants: list[Annotated[str, StringConstraints(max_length=64)]] = Field(
        default_factory=list, max_length=500
    )
    templates: list[Template] = Field(default_factory=list, max_length=5)
    store_ids: list[StoreIdText] = Field(default_factory=list, max_length=10_000)
    all: bool = Field(default=False, description="Every store: required when no other condition is given")

    @model_validator(mode="after")
    def _not_empty(self) -> Selector:
        given = self.engines or self.plans or self.tenants or self.templates or self.store_ids
        if not given and not self.all:
            raise ValueError("the selector is empty: give a condition, or all=true for every store")
        return self


class Canary(BaseModel):
    model_config = ConfigDict(extra="forbid")

    store_ids: list[StoreIdText] = Field(default_factory=list, max_length=100)
    count: int = Field(default=0, ge=0, le=1000, description="Stores picked for the canary (when no ids)")


class GateRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    soak_seconds: float = Field(default=0, ge=0, le=86_400, description="Time every store must stay ready")
    probe_path: Annotated[str, StringConstraints(pattern=r"^/[A-Za-z0-9._~/-]*$", max_length=200)] | None = (
        None
    )
    canary_max_failures: int = Field(default=0, ge=0, description="Failed stores the canary may have")
    max_failure_percent: float = Field(
        default=5, ge=0, le=100, description="Later waves: failed stores allowed"
    )
    timeout_seconds: float | None = Field(
        default=None,
        gt=0,
        le=86_400,
        description="Stores not ready by then fail the gate (default: the store timeout)",
    )


class CreateRolloutRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    chart_version: ChartVersion
    selector: Selector
    canary: Canary = Field(default_factory=Canary)
    steps: list[StepText | int] = Field(
        default_factory=lambda: list[StepText | int](["10%", "50%", "100%"]),
        min_length=1,
        max_length=20,
        description='Cumulative reach of each wave after the canary: "10%" or a count of more stores',
    )
    gate: GateRequest = Field(default_factory=GateRequest)
    reason: Annotated[str, StringConstraints(max_length=500)] | None = None
    dry_run: bool = False


class ActionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Annotated[str, StringConstraints(max_length=500)] | None = None


class WaveStoreOut(BaseModel):
    store_id: str
    name: str
    tenant: str
    status: str
    chart_version: str | None
    from_version: str | None
    state: str  # pending | committed | skipped | reverted
    note: str | None = None
    error: str | None = None


class WaveOut(BaseModel):
    number: int
    state: WaveState
    attempt: int
    store_count: int
    max_failures: int
    commit_sha: str | None
    revert_sha: str | None
    reverted_by: str | None
    gate: dict[str, Any]
    committed_at: datetime | None
    ready_at: datetime | None
    finished_at: datetime | None
    stores: list[WaveStoreOut] | None = None


class RolloutOut(BaseModel):
    id: str
    state: RolloutState
    chart_version: str
    add_chart: bool
    selector: dict[str, Any]
    steps: list[Any]
    gate: dict[str, Any]
    reason: str | None
    failing: list[dict[str, Any]]
    created_by: str
    created_at: datetime
    updated_at: datetime
    finished_at: datetime | None
    store_count: int
    waves: list[WaveOut]


class PlannedWave(BaseModel):
    number: int
    store_count: int
    max_failures: int
    store_ids: list[str]


class RolloutPlanOut(BaseModel):
    """A dry run: what would be committed, and nothing is."""

    dry_run: bool = True
    chart_version: str
    add_chart: bool
    store_count: int
    skipped: list[dict[str, str]]
    waves: list[PlannedWave]
    diff: str = Field(description="A sample store's rendered files, before -> after (unified diff)")
    checks: list[str] = Field(description="The validations that ran")


class RolloutList(BaseModel):
    items: list[RolloutOut]
    total: int


class StoreRolloutOut(BaseModel):
    """A rollout as one store's page shows it."""

    id: str
    state: str
    chart_version: str
    wave: int
    store_state: str
    from_version: str | None
    commit_sha: str | None
    revert_sha: str | None
    created_at: datetime
