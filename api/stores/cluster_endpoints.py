"""HTTP for what the platform reads from the cluster about one store: its admin credentials and its
Kubernetes objects. Included in the stores router (same prefix, same tag)."""

from __future__ import annotations

from typing import Annotated

from anyio import to_thread
from fastapi import APIRouter, Path, Query, Request, Response

from storefleet.api.auth.dependencies import CurrentActor
from storefleet.api.core.openapi import error_responses
from storefleet.api.core.services import services
from storefleet.api.db.dependencies import DbConnection
from storefleet.api.db.pool import Connection
from storefleet.api.domain.cluster_access import watchable_clusters
from storefleet.api.stores import cluster_service
from storefleet.api.stores.cluster_schemas import StoreCredentials, StoreResources
from storefleet.api.stores.cluster_service import ClusterAccess
from storefleet.api.stores.drift_service import ClusterView
from storefleet.api.stores.presenter import render_profile

router = APIRouter(tags=["stores"])

StoreId = Annotated[str, Path(max_length=64, description="Store id, e.g. st-abcdefgh23")]

_ERRORS = error_responses(
    404,
    503,
    _404="`STORE_NOT_FOUND`: no such store, or another tenant's",
    _503="`CLUSTER_NOT_CONFIGURED` (no cluster configured), `CLUSTER_UNAVAILABLE` (the cluster "
    "cannot be reached, answered an error, or failed repeatedly and is not called until its circuit's "
    "reset time; with `Retry-After`) or `OVERLOADED` (too many requests waiting for the cluster; with "
    "`Retry-After`)",
)

AdminAccess = Annotated[
    bool,
    Query(
        description="Admins only: read the credentials of a store another tenant owns. Without it such "
        "a read is refused (`403 ADMIN_ACCESS_FLAG_REQUIRED`); with it the read is allowed and audited "
        "as admin access (`store.credentials_read`, `detail.access = admin`). Ignored for the owner."
    ),
]


def cluster_access(request: Request) -> ClusterAccess | None:
    """The settings cluster's client and guards (fleet-wide reads, and the stores it runs)."""
    app_services = services(request)
    cluster = app_services.cluster
    if cluster is None:
        return None
    return ClusterAccess(cluster, app_services.kube_circuit, app_services.kube_bulkhead)


async def store_cluster_access(request: Request, conn: Connection, store_id: str) -> ClusterAccess | None:
    """The client of the cluster the store runs on: the settings cluster's, or a registered
    cluster's (`cluster_clients.py`). Reading where a store runs tells nothing of whose it is: the
    caller's service checks that before any cluster call."""
    return await cluster_service.access_of_store(services(request), conn, store_id)


async def readable_clusters(request: Request, conn: Connection) -> list[ClusterView]:
    """Every registered cluster the platform has a way to read, with its client, for the fleet-wide
    reads (drift): the settings cluster through the platform's own client, the others through theirs."""
    app_services = services(request)
    clients = app_services.cluster_clients
    views: list[ClusterView] = []
    for reach in await watchable_clusters(conn):
        if reach.origin == "settings":
            access = cluster_access(request)
        elif clients is not None:
            reached = await to_thread.run_sync(clients.reach, reach)
            access = ClusterAccess(reached.cluster, reached.circuit, app_services.kube_bulkhead)
        else:
            access = None
        if access is not None:
            views.append(ClusterView(reach.id, reach.name, reach.applier, access))
    return views


@router.get(
    "/{store_id}/credentials",
    operation_id="getStoreCredentials",
    responses=_ERRORS
    | error_responses(
        403,
        409,
        _403="`ADMIN_ACCESS_FLAG_REQUIRED`: an admin who does not own the store, without "
        "`admin_access=true` (the attempt is audited)",
        _409="`CREDENTIALS_NOT_AVAILABLE`: not installed yet, deleted or being deleted, or "
        "the Secret lacks the password; the message says which",
    ),
)
async def get_store_credentials(
    store_id: StoreId,
    request: Request,
    response: Response,
    conn: DbConnection,
    actor: CurrentActor,
    admin_access: AdminAccess = False,
) -> StoreCredentials:
    """The store's admin login (URL, user name, password, e-mail), read from its credentials Secret in
    the cluster. The store's owner may read it; an admin may read another tenant's only with
    `admin_access=true`. Every read, and every refused admin attempt, is a security event in the
    audit trail (never with the password). The answer is never cached (`Cache-Control: no-store`)."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    profile = render_profile(services(request).settings)
    return await cluster_service.read_credentials(
        conn,
        await store_cluster_access(request, conn, store_id),
        actor,
        store_id,
        admin_access=admin_access,
        profile=profile,
    )


@router.get(
    "/{store_id}/resources",
    operation_id="getStoreResources",
    responses=_ERRORS,
)
async def get_store_resources(
    store_id: StoreId, request: Request, conn: DbConnection, actor: CurrentActor
) -> StoreResources:
    """The pods, deployments, statefulsets and ingresses in the store's namespace, as the cluster
    reports them now, with their readiness and a summary of what keeps the store from being ready.
    Before the namespace exists (or after deletion) the lists are empty and `namespace_present` is
    false. Pods of the post-install setup Job are listed with their phase but do not count."""
    access = await store_cluster_access(request, conn, store_id)
    return await cluster_service.read_resources(conn, access, actor, store_id)
