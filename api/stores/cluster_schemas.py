"""Response shapes of the endpoints that read a store from the cluster: its admin credentials and
its Kubernetes objects with their readiness."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from storefleet.renderer.spec import Engine


class StoreCredentials(BaseModel):
    """The store's admin login, read from the cluster (never stored by the platform)."""

    store_id: str
    engine: Engine
    store_url: str = Field(description="The storefront")
    admin_url: str = Field(
        description="WooCommerce: the wp-admin login page; Medusa: the Admin API base URL "
        "(sign in with the e-mail and password, `POST <store_url>/auth/user/emailpass`)"
    )
    username: str = Field(description="WooCommerce: the admin user name; Medusa: the admin e-mail")
    password: str = Field(repr=False)
    email: str
    access: Literal["owner", "admin"] = Field(
        description="`admin` when an admin read another tenant's store with `admin_access=true`"
    )


class ContainerOut(BaseModel):
    name: str
    init: bool = Field(description="An init container")
    ready: bool
    state: Literal["running", "waiting", "terminated", "unknown"]
    reason: str | None = Field(description="e.g. CrashLoopBackOff, ImagePullBackOff, Completed, OOMKilled")
    message: str | None
    restarts: int
    exit_code: int | None = None
    last_termination_reason: str | None = Field(
        default=None, description="Why the previous run ended (a crash loop's cause)"
    )


class PodOut(BaseModel):
    name: str
    phase: str
    status: str = Field(description="One word, as `kubectl get pods` shows it (Running, CrashLoopBackOff…)")
    ready: bool
    restarts: int
    component: str | None = Field(description="`app.kubernetes.io/component`")
    job: str | None = Field(description="The Job that ran this pod (the post-install setup), if any")
    containers: list[ContainerOut]


class WorkloadOut(BaseModel):
    """A Deployment or a StatefulSet."""

    name: str
    replicas: int = Field(description="Wanted (spec.replicas)")
    ready_replicas: int
    updated_replicas: int
    ready: bool = Field(description="Every wanted replica is ready and updated, at the current generation")


class IngressOut(BaseModel):
    name: str
    hosts: list[str]
    class_name: str | None = Field(serialization_alias="class", description="The IngressClass")
    address: str | None = Field(description="The load balancer's IPs/hostnames, comma-separated")
    tls: bool


class ResourceSummary(BaseModel):
    ready: bool = Field(
        description="The namespace exists, every kind could be read, there is at least one workload, and "
        "every Deployment, StatefulSet and (non-Job) pod is ready"
    )
    pods: int
    pods_ready: int
    deployments: int
    deployments_ready: int
    statefulsets: int
    statefulsets_ready: int
    ingresses: int
    problems: list[str] = Field(description="What keeps the store from being ready, one line each")


class StoreResources(BaseModel):
    store_id: str
    namespace: str
    namespace_present: bool = Field(description="False before the applier created it, or after deletion")
    namespace_phase: str | None = Field(description="Active or Terminating")
    unreadable: list[str] = Field(
        description="Kinds the platform's cluster account may not list in the namespace (RBAC)"
    )
    summary: ResourceSummary
    deployments: list[WorkloadOut]
    statefulsets: list[WorkloadOut]
    pods: list[PodOut]
    ingresses: list[IngressOut]
