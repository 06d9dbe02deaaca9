"""HTTP for clusters (admins only): register, list, read, change and remove the clusters stores run on."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Header, Path, Response, status

from storefleet.api.auth.dependencies import AdminActor
from storefleet.api.clusters import directory, service
from storefleet.api.clusters.schemas import (
    DNS_LABEL,
    ClusterList,
    ClusterOut,
    CreateClusterRequest,
    UpdateClusterRequest,
)
from storefleet.api.core.errors import ValidationFailed
from storefleet.api.core.openapi import error_responses
from storefleet.api.db.dependencies import DbConnection

router = APIRouter(prefix="/api/v1/clusters", tags=["clusters"], responses=error_responses(401, 403, 422))

ClusterName = Annotated[str, Path(max_length=63, pattern=DNS_LABEL, description="The cluster's name")]
_NOT_FOUND = error_responses(404, _404="`CLUSTER_NOT_FOUND`")
_ETAG = {
    "ETag": {
        "description": "The cluster's version, e.g. `\"3\"`: name it in a PATCH's `If-Match`",
        "schema": {"type": "string"},
    }
}


def _etag(response: Response, cluster: ClusterOut) -> ClusterOut:
    response.headers["ETag"] = f'"{cluster.version}"'
    return cluster


@router.post(
    "",
    operation_id="createCluster",
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(409, _409="`CLUSTER_EXISTS`: a cluster of this name is registered")
    | {201: {"description": "Registered", "headers": _ETAG}},
)
async def create_cluster(
    body: CreateClusterRequest, response: Response, conn: DbConnection, actor: AdminActor
) -> ClusterOut:
    """Register a cluster. Its access names where the platform finds a kubeconfig — a Secret's key or a
    file on the platform's pods — never the kubeconfig itself; it is not checked now (`access_checked`
    null). Audited as `cluster.created`."""
    row = await service.create_cluster(conn, body, actor)
    directory.changed()  # committed: store answers name the cluster as it is now
    response.headers["Location"] = f"/api/v1/clusters/{row.name}"
    return _etag(response, await service.present_one(conn, row))


@router.get("", operation_id="listClusters")
async def list_clusters(conn: DbConnection, _admin: AdminActor) -> ClusterList:
    """Every cluster by name, with the live stores each holds, what they reserve and the room left."""
    return ClusterList(items=await service.list_clusters(conn))


@router.get(
    "/{name}",
    operation_id="getCluster",
    responses=_NOT_FOUND | {200: {"description": "The cluster", "headers": _ETAG}},
)
async def get_cluster(
    name: ClusterName, response: Response, conn: DbConnection, _admin: AdminActor
) -> ClusterOut:
    return _etag(response, await service.get_cluster(conn, name))


@router.patch(
    "/{name}",
    operation_id="updateCluster",
    responses=_NOT_FOUND
    | error_responses(
        409,
        _409="`CLUSTER_CHANGED`: `If-Match` names an older version; `CLUSTER_FROM_SETTINGS`: the settings "
        "own the applier and access of their cluster; `CLUSTER_HAS_STORES`: the applier of a cluster "
        "with stores",
    )
    | {200: {"description": "The cluster as changed", "headers": _ETAG}},
)
async def update_cluster(
    name: ClusterName,
    body: UpdateClusterRequest,
    response: Response,
    conn: DbConnection,
    actor: AdminActor,
    if_match: Annotated[
        str | None,
        Header(
            max_length=40,
            description='The version the change was made against (the `ETag`, e.g. `"3"`): refused with '
            "`CLUSTER_CHANGED` when the cluster has changed since. Without it, each field given is set "
            "over whatever the cluster holds then (labels key by key).",
        ),
    ] = None,
) -> ClusterOut:
    """Change the fields given. `state`: `cordoned` takes no new store, `draining` has its ready stores
    moved off by the platform, a few at a time (`DRAIN_CONCURRENCY`). Audited as `cluster.updated` with
    the changed fields before and after."""
    row = await service.update_cluster(conn, name, body, actor, if_match=_version(if_match))
    directory.changed()  # committed: store answers name the cluster as it is now
    return _etag(response, await service.present_one(conn, row))


_IF_MATCH = re.compile(r'^\s*(W/)?"?(\d{1,9})"?\s*$')


def _version(if_match: str | None) -> int | None:
    if if_match is None or if_match.strip() == "*":
        return None
    match = _IF_MATCH.match(if_match)
    if match is None:
        raise ValidationFailed('If-Match: give the ETag of the cluster, e.g. "3".')
    return int(match.group(2))


@router.delete(
    "/{name}",
    operation_id="deleteCluster",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=_NOT_FOUND
    | error_responses(
        409,
        _409="`CLUSTER_HAS_STORES`: it still holds stores; `CLUSTER_FROM_SETTINGS`: the cluster the "
        "settings name",
    ),
)
async def delete_cluster(name: ClusterName, conn: DbConnection, actor: AdminActor) -> None:
    """Remove a cluster that holds no store. Audited as `cluster.deleted`."""
    await service.delete_cluster(conn, name, actor)
    directory.changed()  # committed: store answers name the cluster as it is now
