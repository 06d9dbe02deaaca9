"""Request and answer shapes of the clusters API.

No field takes a kubeconfig, a token or any other credential: access names *where* the platform finds
a kubeconfig (a Secret's key, or a file on the platform's pods), and every text field is held to a
pattern (names, paths without line breaks), so a pasted kubeconfig or token is a 422.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, model_validator

DNS_LABEL = r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$"
_DNS_SUBDOMAIN = r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$"
_LABEL_NAME = re.compile(r"^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$")
_LABEL_PREFIX = re.compile(_DNS_SUBDOMAIN)
_LABEL_VALUE = re.compile(r"^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$")
MAX_LABELS = 64

Applier = Literal["flux", "argocd"]
ClusterState = Literal["active", "cordoned", "draining"]
ClusterName = Annotated[str, StringConstraints(pattern=DNS_LABEL, max_length=63)]
Region = Annotated[
    str, StringConstraints(pattern=r"^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$", max_length=63)
]
# a kubeconfig context's name: printable, one line
_Context = Annotated[
    str, StringConstraints(pattern=r"^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$", max_length=253)
]


def _label_key(key: str) -> str:
    prefix, _, name = key.rpartition("/")
    if "/" in key and (not prefix or len(prefix) > 253 or not _LABEL_PREFIX.match(prefix)):
        raise ValueError(
            f"label key {key[:80]!r}: the prefix must be a DNS subdomain of at most 253 characters"
        )
    if not _LABEL_NAME.match(name):
        raise ValueError(
            f"label key {key[:80]!r}: the name must be 1-63 characters, alphanumeric at both ends, "
            "with '-', '_' or '.' between"
        )
    return key


def _label_value(value: str) -> str:
    if not _LABEL_VALUE.match(value):
        raise ValueError(
            f"label value {value[:80]!r}: at most 63 characters, alphanumeric at both ends, "
            "with '-', '_' or '.' between (or empty)"
        )
    return value


LabelKey = Annotated[str, StringConstraints(max_length=317), AfterValidator(_label_key)]
LabelValue = Annotated[str, StringConstraints(max_length=63), AfterValidator(_label_value)]


class InClusterAccess(BaseModel):
    """The cluster the platform runs in, through its pods' service account."""

    model_config = ConfigDict(extra="forbid")
    kind: Literal["in_cluster"]


class KubeconfigSecretAccess(BaseModel):
    """A kubeconfig kept in a Kubernetes Secret of the cluster the platform runs in: the platform reads
    the key when it connects; the database holds only this reference."""

    model_config = ConfigDict(extra="forbid")
    kind: Literal["kubeconfig_secret"]
    namespace: Annotated[str, StringConstraints(pattern=DNS_LABEL, max_length=63)]
    name: Annotated[str, StringConstraints(pattern=_DNS_SUBDOMAIN, max_length=253)]
    key: Annotated[str, StringConstraints(pattern=r"^[-._a-zA-Z0-9]+$", max_length=253)] = Field(
        default="value", description="The Secret's key that holds the kubeconfig (Flux's convention: `value`)"
    )
    context: _Context | None = Field(
        default=None, description="A context of the kubeconfig (default: its current one)"
    )


class KubeconfigFileAccess(BaseModel):
    """A kubeconfig file on the platform's pods (e.g. a mounted Secret): an absolute path. It need not
    exist when the cluster is registered; the platform reads it when it connects."""

    model_config = ConfigDict(extra="forbid")
    kind: Literal["kubeconfig_file"]
    path: Annotated[str, StringConstraints(pattern=r"^/[\x20-\x7e]*$", max_length=1024)] = Field(
        description="An absolute path, one line"
    )
    context: _Context | None = Field(
        default=None, description="A context of the kubeconfig (default: its current one)"
    )


Access = Annotated[
    InClusterAccess | KubeconfigSecretAccess | KubeconfigFileAccess, Field(discriminator="kind")
]


class Capacity(BaseModel):
    """What the cluster may hold; a limit left out (null) is no limit of that kind."""

    model_config = ConfigDict(extra="forbid")
    max_stores: int | None = Field(default=None, gt=0, le=1_000_000)
    max_cpu_cores: float | None = Field(default=None, gt=0, le=1_000_000, description="CPU requests, cores")
    max_memory_gib: float | None = Field(
        default=None, gt=0, le=100_000_000, description="Memory requests, GiB"
    )


class CreateClusterRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: ClusterName = Field(description="A DNS label, unique among clusters; never changes")
    region: Region | None = None
    labels: dict[LabelKey, LabelValue] = Field(default_factory=dict, max_length=MAX_LABELS)
    capacity: Capacity = Field(default_factory=Capacity)
    applier: Applier = Field(description="What applies the fleet repo in this cluster: Flux or Argo CD")
    access: Access
    state: ClusterState = "active"


class UpdateClusterRequest(BaseModel):
    """Only the fields given change. `labels` is merged key by key (a null value removes the key);
    `capacity` likewise field by field (null removes that limit); `region: null` removes the region.
    A cluster from the settings keeps the applier and access the settings give it."""

    model_config = ConfigDict(extra="forbid")

    region: Region | None = None
    labels: dict[LabelKey, LabelValue | None] | None = Field(default=None, max_length=MAX_LABELS)
    capacity: Capacity | None = None
    applier: Applier | None = None
    access: Access | None = None
    state: ClusterState | None = None

    @model_validator(mode="after")
    def _no_null_where_a_value_is_needed(self) -> UpdateClusterRequest:
        nulled = [
            f
            for f in ("applier", "access", "state")
            if f in self.model_fields_set and getattr(self, f) is None
        ]
        if nulled:
            raise ValueError(f"{', '.join(nulled)}: may be left out, not null")
        return self


class AccessOut(BaseModel):
    kind: Literal["none", "in_cluster", "kubeconfig_secret", "kubeconfig_file"] = Field(
        description="`none`: the settings name no cluster to read (the settings cluster only)"
    )
    namespace: str | None = None
    name: str | None = None
    key: str | None = None
    path: str | None = None
    context: str | None = None


class Reserved(BaseModel):
    """What the cluster's live stores reserve: their plans' CPU and memory requests."""

    cpu_cores: float
    memory_gib: float


class Headroom(BaseModel):
    """Capacity left: null where the cluster has no limit of that kind; negative when over it."""

    stores: int | None
    cpu_cores: float | None
    memory_gib: float | None


class ClusterOut(BaseModel):
    id: str
    name: str
    region: str | None
    labels: dict[str, str]
    capacity: Capacity
    applier: Applier
    access: AccessOut
    access_checked: datetime | None = Field(
        default=None,
        description="When the watcher leading this cluster last had all its watches synced through this "
        "access (null: not reached since the access was set)",
    )
    access_error: str | None = Field(
        default=None,
        description="Why the platform could not reach the cluster at its last try (null: it could, or "
        "has not tried since the access was set); never holds credentials",
    )
    state: ClusterState = Field(
        description="`active`; `cordoned`: receives no new store; `draining`: the platform moves its stores"
        " off"
    )
    origin: Literal["api", "settings"] = Field(
        description="`settings`: the cluster the platform's settings name (CLUSTER_NAME, GITOPS_ENGINE, "
        "KUBECONFIG / KUBE_IN_CLUSTER), which own its applier and access; `api`: registered by an admin"
    )
    fleet_root: str = Field(
        description="Where its stores' directories are in the fleet repo: `tenants` for the home cluster "
        "(the first settings cluster: the single-cluster layout), `clusters/<name>/tenants` for the others"
    )
    stores: int = Field(description="Live stores on the cluster (every status but `deleted`)")
    reserved: Reserved
    headroom: Headroom
    version: int = Field(description="Bumped by every change; the `ETag` a PATCH may name in `If-Match`")
    created_by: str
    created_at: datetime
    updated_at: datetime


class ClusterList(BaseModel):
    items: list[ClusterOut]
