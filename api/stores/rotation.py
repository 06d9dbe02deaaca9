"""Use case: rotate a store's admin password. The API only records the request (a rotation is not a
lifecycle event, so the store's status stays as it is); the cluster watcher, which has the cluster
access, generates the new password in the cluster, sets it in the shop by a Job and then in the
store's credentials Secret (docs/operations.md, "Rotating a store's admin password"). No password
passes through the API, the database, git or a log.
"""

from __future__ import annotations

from storefleet.api.core.actor import Actor
from storefleet.api.db.pool import Connection
from storefleet.api.domain import rotation_service
from storefleet.api.domain.credentials_rotation import CredentialsRotation
from storefleet.api.stores.cluster_service import ClusterNotConfigured
from storefleet.api.stores.service import get_visible


async def rotate_credentials(
    conn: Connection, actor: Actor, store_id: str, *, cluster_configured: bool
) -> CredentialsRotation:
    """Ask for a new admin password for the store (its owner, or an admin): 404 for another tenant's
    store, 503 without a cluster (no watcher could carry it out), 409 unless the store is ready or
    degraded and no other rotation is in progress. Audited."""
    async with conn.transaction():
        store = await get_visible(conn, actor, store_id, for_update=True)
        if not cluster_configured:
            raise ClusterNotConfigured(
                "No Kubernetes cluster is configured for this platform (set KUBECONFIG or "
                "KUBE_IN_CLUSTER=true), so nothing could change the store's password."
            )
        access = "owner" if store.owner_id == actor.id else "admin"
        return await rotation_service.request(conn, store, actor, access)
