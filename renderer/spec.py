"""StoreSpec: the platform's desired state for one store, as it is written to `store.yaml` (pure)."""

from __future__ import annotations

import hashlib
import json
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from storefleet.renderer.backup_policy import schedule_problem, ttl_problem
from storefleet.renderer.catalogue import Branding, Template
from storefleet.renderer.names import is_dns_label
from storefleet.renderer.values_patch import patch_problems

API_VERSION: Literal["storefleet.io/v1"] = "storefleet.io/v1"


class Engine(StrEnum):
    WOOCOMMERCE = "woocommerce"
    MEDUSA = "medusa"


class Theme(StrEnum):
    STOREFRONT = "storefront"
    ASTRA = "astra"


class Plan(StrEnum):
    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"


DEFAULT_THEME = Theme.STOREFRONT
DEFAULT_PLAN = Plan.SMALL
# Fields a spec written before they existed lacks: absent from the document when unset, so such a
# spec keeps its hash (and the cluster's record of it stays current).
_OMITTED_WHEN_UNSET = (
    "template", "branding", "chart_version", "image_tag", "values_patch", "backups", "restore",
    "restored_from", "cluster", "moved_from",
)  # fmt: skip
# A cluster's name (a DNS label: it names the cluster's root in the fleet repo).
CLUSTER_NAME_PATTERN = r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$"
# A store chart version as the fleet repo names its directory (`charts/ecommerce-store-<version>/`).
CHART_VERSION_PATTERN = r"^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.]+)?$"
# An OCI image tag (the distribution spec's grammar; also the chart schema's).
IMAGE_TAG_PATTERN = r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$"


class BackupPolicy(BaseModel):
    """A store's own backup schedule and retention, over its plan's (either may be left out)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    schedule: str | None = Field(
        default=None, max_length=100, description="cron (5 fields, UTC), `@daily`-style, or `@every 6h`"
    )
    ttl: str | None = Field(default=None, max_length=40, description="retention, a duration: `168h`")

    @field_validator("schedule")
    @classmethod
    def _cron(cls, value: str | None) -> str | None:
        problem = schedule_problem(value) if value is not None else None
        if problem:
            raise ValueError(problem)
        return " ".join(value.split()) if value is not None else None

    @field_validator("ttl")
    @classmethod
    def _duration(cls, value: str | None) -> str | None:
        problem = ttl_problem(value) if value is not None else None
        if problem:
            raise ValueError(problem)
        return value


class RestoreStage(StrEnum):
    """Where an in-place restore is (docs/backups.md): each stage is one commit of the platform's.

    `clearing`: the store's directory keeps its namespace but not its HelmRelease/Application, so
    the applier uninstalls the release and its volumes (Velero restores a volume's data only into a
    PVC it creates). `restoring`: still no release, and the Velero Restore (restore.yaml). The
    restore ends with a commit that drops `restore` from the spec: the release comes back over the
    restored volumes."""

    CLEARING = "clearing"
    RESTORING = "restoring"


class RestoreRequest(BaseModel):
    """The restore the store's directory declares: Velero's Restore `name` of backup `backup`, taken
    of namespace `source_namespace` (another store's, for a store created from a backup), at
    `stage`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(max_length=63)
    backup: str = Field(max_length=63)
    source_namespace: str = Field(max_length=63)
    stage: RestoreStage = RestoreStage.CLEARING

    @field_validator("name", "backup", "source_namespace")
    @classmethod
    def _dns_label(cls, value: str) -> str:
        if not is_dns_label(value):
            raise ValueError(f"{value!r} is not a DNS-1123 label")
        return value


class RestoredFrom(BaseModel):
    """Where a store created from a backup got its data (docs/backups.md), for its whole life: the
    store `store_id` whose backup `backup` Velero restored into this store's namespace, and the chart
    `instance` the restored objects carry (the source store's id, or the instance it kept itself when
    it was created from a backup). The store keeps that instance's object names and
    `app.kubernetes.io/instance` label, so its release takes over the restored objects."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    store_id: str = Field(max_length=63)
    backup: str = Field(max_length=63)
    instance: str = Field(max_length=63)

    @field_validator("store_id", "backup", "instance")
    @classmethod
    def _dns_label(cls, value: str) -> str:
        if not is_dns_label(value):
            raise ValueError(f"{value!r} is not a DNS-1123 label")
        return value


class MovedFrom(BaseModel):
    """Where a store moved from (docs/clusters.md "Moving a store"): the root of cluster `cluster`
    (None: the home cluster's `tenants/`) and the backup `backup` its data came through. Written with
    the store's directory under the target's root; while both directories exist, this is what lets
    the fleet repo hold the store twice (`storefleet fleet validate`). Kept afterwards as a record."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    cluster: str | None = Field(default=None, pattern=CLUSTER_NAME_PATTERN)
    backup: str = Field(max_length=63)

    @field_validator("backup")
    @classmethod
    def _dns_label(cls, value: str) -> str:
        if not is_dns_label(value):
            raise ValueError(f"{value!r} is not a DNS-1123 label")
        return value


class StoreSpec(BaseModel):
    """What a tenant asked for. Identity fields (store_id, tenant) never change after creation."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    api_version: Literal["storefleet.io/v1"] = API_VERSION
    store_id: str
    tenant: str
    name: str
    engine: Engine
    theme: Theme | None = None
    plan: Plan = DEFAULT_PLAN
    # The catalogue the setup seeded; unset (specs older than templates): the classic one.
    template: Template | None = None
    branding: Branding | None = None
    # The store chart version a rollout moved the store to; unset: the fleet repo's default chart.
    chart_version: str | None = Field(default=None, pattern=CHART_VERSION_PATTERN, max_length=40)
    # The engine's application image tag (WordPress / Medusa) a rollout set; unset: the chart's.
    image_tag: str | None = Field(default=None, pattern=IMAGE_TAG_PATTERN, max_length=128)
    # Chart values a rollout set over the derived ones (see values_patch.py); unset: none.
    values_patch: dict[str, Any] | None = None
    # The store's own backup schedule/retention (the platform's BACKUPS_ENABLED turns backups on).
    backups: BackupPolicy | None = None
    # A restore from a Velero backup that the store directory declares (restore.yaml).
    restore: RestoreRequest | None = None
    # The cluster the store runs on, when it is not the home cluster (whose root is `tenants/`): its
    # directory is then under that cluster's root, `clusters/<cluster>/tenants/` (docs/fleet-repo.md).
    cluster: str | None = Field(default=None, pattern=CLUSTER_NAME_PATTERN)
    # Set for a store created from a backup (of another store): its data's origin and chart instance.
    restored_from: RestoredFrom | None = None
    # Set for a store moved from another cluster's root (its last move).
    moved_from: MovedFrom | None = None

    @model_validator(mode="after")
    def _engine_specific_fields(self) -> StoreSpec:
        if self.engine is Engine.MEDUSA and self.theme is not None:
            raise ValueError("theme applies to WooCommerce stores only")
        if self.engine is Engine.WOOCOMMERCE and self.theme is None:
            object.__setattr__(self, "theme", DEFAULT_THEME)
        if self.engine is Engine.WOOCOMMERCE and self.branding is not None:
            raise ValueError("branding applies to Medusa stores only (WooCommerce: the theme)")
        if self.branding is not None and self.branding.is_empty:
            object.__setattr__(self, "branding", None)
        if self.backups is not None and self.backups.schedule is None and self.backups.ttl is None:
            object.__setattr__(self, "backups", None)
        if self.values_patch is not None:
            problems = patch_problems(self.values_patch)
            if problems:
                raise ValueError(f"values_patch: {problems[0]}")
            if not self.values_patch:
                object.__setattr__(self, "values_patch", None)
        return self

    @property
    def catalogue(self) -> Template:
        return self.template or Template.CLASSIC

    @property
    def instance(self) -> str:
        """The chart instance: the release's object names and `app.kubernetes.io/instance` label."""
        return self.restored_from.instance if self.restored_from else self.store_id

    def to_document(self) -> dict[str, Any]:
        document = self.model_dump(mode="json")
        for key in _OMITTED_WHEN_UNSET:
            if document[key] is None:
                del document[key]
        for key in ("branding", "backups"):
            if document.get(key) is not None:
                document[key] = {k: v for k, v in document[key].items() if v is not None}
        return document

    @property
    def spec_hash(self) -> str:
        """sha256 of the canonical JSON form: equal specs hash equal, whatever their field order."""
        return document_hash(self.to_document())


def document_hash(document: dict[str, Any]) -> str:
    """`StoreSpec.spec_hash` of the spec whose `to_document()` is `document`, for a caller that holds
    the document already (a rollout wave's thousands: the dump is most of the hash's cost)."""
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()
