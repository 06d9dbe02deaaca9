"""Request and answer shapes of the rollouts API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from storefleet.api.rollouts.change import ChangeKind, FieldValue, RolloutChange, normalise
from storefleet.api.rollouts.states import RolloutState, WaveState
from storefleet.renderer.catalogue import Template
from storefleet.renderer.spec import CHART_VERSION_PATTERN, IMAGE_TAG_PATTERN, Engine, Plan
from storefleet.renderer.values_patch import patch_problems

ChartVersion = Annotated[str, StringConstraints(pattern=CHART_VERSION_PATTERN, max_length=40)]
ImageTag = Annotated[str, StringConstraints(pattern=IMAGE_TAG_PATTERN, max_length=128)]
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


class ImageChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    engine: Engine = Field(description="Whose application image: WordPress or Medusa")
    tag: ImageTag


class CreateRolloutRequest(BaseModel):
    """What to change (exactly one of `chart_version`, `image`, `values_patch`), on which stores, in
    which waves, gated how."""

    model_config = ConfigDict(extra="forbid")

    chart_version: ChartVersion | None = Field(default=None, description="A store chart version")
    image: ImageChange | None = Field(
        default=None, description="An engine's application image tag (only that engine's stores)"
    )
    values_patch: dict[str, Any] | None = Field(
        default=None,
        description="Chart values merged over each store's (JSON merge patch); {} removes a patch",
    )
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

    @model_validator(mode="after")
    def _one_change(self) -> CreateRolloutRequest:
        given = [self.chart_version is not None, self.image is not None, self.values_patch is not None]
        if sum(given) != 1:
            raise ValueError("give exactly one change: chart_version, image or values_patch")
        if self.values_patch is not None:
            problems = patch_problems(self.values_patch)
            if problems:
                raise ValueError(f"values_patch: {'; '.join(problems[:5])}")
        return self

    @property
    def change(self) -> RolloutChange:
        if self.image is not None:
            return RolloutChange(ChangeKind.IMAGE_TAG, self.image.tag)
        if self.values_patch is not None:
            return RolloutChange(ChangeKind.VALUES_PATCH, normalise(self.values_patch))
        return RolloutChange(ChangeKind.CHART_VERSION, self.chart_version)


class ActionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Annotated[str, StringConstraints(max_length=500)] | None = None


class WaveStoreOut(BaseModel):
    store_id: str
    name: str
    tenant: str
    status: str
    chart_version: str | None
    value: FieldValue = Field(description="The rollout's field in the store's spec now")
    from_value: FieldValue = Field(description="Its value before the store's wave (the revert's)")
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
    kind: ChangeKind = Field(description="The spec field the rollout sets")
    target: FieldValue = Field(description="The value it sets")
    change: str = Field(description="The change in a few words: `chart 0.3.0`, `image 6.7.2`, ...")
    chart_version: str | None = Field(description="Chart rollouts: the version")
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
    kind: ChangeKind
    target: FieldValue
    change: str
    chart_version: str | None
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
    kind: ChangeKind
    target: FieldValue
    change: str
    chart_version: str | None
    wave: int
    store_state: str
    from_value: FieldValue
    commit_sha: str | None
    revert_sha: str | None
    created_at: datetime
