from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from storefleet.api.clusters.schemas import MAX_LABELS, LabelKey, LabelValue, Region
from storefleet.api.core.types import Text
from storefleet.api.domain.credentials_rotation import RotationState
from storefleet.api.domain.lifecycle import StoreStatus
from storefleet.renderer.catalogue import DEFAULT_TEMPLATE, TEMPLATE_NAMES, Branding, Template
from storefleet.renderer.spec import CLUSTER_NAME_PATTERN, Engine, Plan, Theme

_TEMPLATE_HELP = f"The catalogue the store starts with, seeded once: one of {', '.join(TEMPLATE_NAMES)}"


class PlacementRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    region: Region | None = Field(default=None, description="Only clusters of this region")
    labels: dict[LabelKey, LabelValue] = Field(
        default_factory=dict, max_length=MAX_LABELS, description="Only clusters carrying all these labels"
    )


class RestoreFrom(BaseModel):
    """A backup to create the store from (docs/backups.md)."""

    model_config = ConfigDict(extra="forbid")

    store_id: str = Field(
        max_length=64,
        pattern=r"^[a-z0-9-]+$",
        description="The store the backup is of: yours (an admin: any), deleted or not",
    )
    backup: str = Field(
        max_length=63,
        pattern=r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$",
        description="One of that store's Completed backups (a name from `GET /stores/{id}/backups`)",
    )


class CreateStoreRequest(BaseModel):
    # Unknown fields (e.g. an owner_id) are ignored: the owner is always the signed-in user.
    model_config = ConfigDict(extra="ignore")

    name: Text = Field(max_length=253, description="DNS-1123 label, 3-63 characters")
    engine: Engine
    theme: Theme | None = Field(default=None, description="WooCommerce only; default storefront")
    plan: Plan = Plan.SMALL
    template: Template = Field(default=DEFAULT_TEMPLATE, description=_TEMPLATE_HELP)
    branding: Branding | None = Field(default=None, description="Medusa only: the shop's name, colours, logo")
    cluster: str | None = Field(
        default=None,
        pattern=CLUSTER_NAME_PATTERN,
        description="The cluster to run on, by name (it must be active and have room); unset: the platform "
        "chooses by its placement policy",
    )
    placement: PlacementRequest | None = Field(
        default=None, description="Where the platform may place the store: a region and cluster labels"
    )
    restore_from: RestoreFrom | None = Field(
        default=None,
        description="Create the store from a backup of another store, with that store's data and its "
        "engine (which `engine` must name), theme, plan, template and branding (not to be set here). "
        "The store starts `restoring`.",
    )

    @field_validator("theme")
    @classmethod
    def _theme_only_for_woocommerce(cls, theme: Theme | None, info: ValidationInfo) -> Theme | None:
        if theme is not None and info.data.get("engine") is Engine.MEDUSA:
            raise ValueError("applies to WooCommerce stores only")
        return theme

    @field_validator("branding")
    @classmethod
    def _branding_only_for_medusa(cls, branding: Branding | None, info: ValidationInfo) -> Branding | None:
        if branding is not None and info.data.get("engine") is Engine.WOOCOMMERCE:
            raise ValueError("applies to Medusa stores only (a WooCommerce store's look is its theme)")
        return branding


class StoreCluster(BaseModel):
    name: str
    region: str | None


class StorePin(BaseModel):
    reason: str
    pinned_by: str = Field(description="The account that pinned it: `<username> (<id>)`")
    pinned_at: datetime


class PinRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Annotated[
        str,
        StringConstraints(
            strip_whitespace=True, min_length=3, max_length=500, pattern=r"^[^\x00-\x08\x0b-\x1f\x7f]+$"
        ),
    ] = Field(description="Why the store must keep what it runs (shown to admins and in the rollout)")


class CredentialsRotationOut(BaseModel):
    """The latest rotation of the store's admin password (`POST /stores/{id}/credentials/rotate`)."""

    generation: int = Field(description="The store's rotation number: 1 for its first")
    state: RotationState = Field(
        description="`requested` (waiting for the cluster watcher), `running` (its Job sets the new "
        "password in the shop), `done` (the credentials return the new password; the old one no longer "
        "works) or `failed` (nothing changed: the old password still works)"
    )
    requested_at: datetime
    requested_by: str = Field(description="The account that asked for it: `<username> (<id>)`")
    changed_at: datetime = Field(description="When it entered its state")
    message: str | None = Field(description="What it waits for, or why it failed")


class StoreOut(BaseModel):
    id: str
    name: str
    engine: Engine
    theme: Theme | None
    plan: Plan
    template: Template = Field(description="The catalogue the store was seeded with")
    branding: Branding | None = Field(default=None, description="Medusa only: the shop's branding")
    status: StoreStatus
    status_message: str | None
    error: str | None
    owner_id: str
    spec_hash: str
    last_commit_sha: str | None
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None
    store_url: str | None = Field(default=None, description="The shop, once installed (ready or updating)")
    admin_url: str | None = Field(default=None, description="The shop's admin, once installed")
    pull_request_url: str | None = Field(
        default=None, description="Pull-request mode: the pull request that waits for review"
    )
    pin: StorePin | None = Field(
        default=None, description="Pinned: fleet-wide rollouts leave the store as it is"
    )
    cluster: StoreCluster | None = Field(
        default=None, description="Where the store runs (null: no cluster is registered on the platform)"
    )
    credentials_rotation: CredentialsRotationOut | None = Field(
        default=None, description="The latest rotation of the store's admin password, if it ever had one"
    )


class StoreList(BaseModel):
    stores: list[StoreOut]
    total: int | None = Field(description="Stores matching the filters; null with `include_total=false`")
    limit: int
    offset: int
    next_cursor: str | None = Field(
        default=None, description="Pass as `cursor` for the next page; null on the last page"
    )


class UpdateStoreRequest(BaseModel):
    """Change what the store runs; the name and engine are fixed at creation."""

    model_config = ConfigDict(extra="forbid")

    theme: Theme | None = Field(default=None, description="WooCommerce only")
    plan: Plan | None = None
    branding: Branding | None = Field(
        default=None, description="Medusa only; replaces the whole branding ({} clears it)"
    )
    template: Template | None = Field(
        default=None,
        description="Only the store's own template: a store's catalogue is seeded once (409 otherwise)",
    )


class TemplateOut(BaseModel):
    name: Template
    title: str
    description: str
    products: int = Field(description="Products the template seeds")
    categories: int = Field(description="Product categories the template seeds")


class TemplateList(BaseModel):
    templates: list[TemplateOut]


CommitSha = Annotated[str, StringConstraints(min_length=7, max_length=40, pattern=r"^[0-9a-f]+$")]


class RollbackRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    commit: CommitSha | None = Field(
        default=None,
        description="Revert this one commit of the store (full or abbreviated sha); default: its latest",
    )
    to_commit: CommitSha | None = Field(
        default=None,
        description="Instead, give the store the settings it had at this commit (every later change undone)",
    )

    @model_validator(mode="after")
    def _one_target(self) -> RollbackRequest:
        if self.commit is not None and self.to_commit is not None:
            raise ValueError("give either commit (revert it) or to_commit (restore it), not both")
        return self


class RollbackChange(BaseModel):
    field: str
    current: str | None
    after: str | None


class RollbackPreview(BaseModel):
    mode: Literal["revert", "restore"]
    commit: str = Field(description="The full sha of the commit reverted or restored")
    deletes_store: bool = Field(description="Reverting the store's creation deletes it")
    changes: list[RollbackChange]


class HistoryEntryOut(BaseModel):
    sha: str
    short_sha: str
    action: str
    summary: str
    actor: str
    time: datetime
    request_id: str | None
    change_id: int | None
    commit_url: str | None = Field(description="A web page of the commit (FLEET_COMMIT_URL), if configured")


class StoreHistory(BaseModel):
    commits: list[HistoryEntryOut]
