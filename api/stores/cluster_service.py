"""Use cases that read a store from the Kubernetes cluster: its admin credentials and its objects.

Authorisation comes first and never depends on the cluster: someone else's store is `404` exactly as
for a missing one (`service.get_visible`), and an admin reads another tenant's credentials only with
an explicit `admin_access` flag. The cluster client is synchronous, so every call runs in a worker
thread under a deadline; whatever goes wrong in the cluster becomes a `503`, never a `500`.

The password is returned to the caller and nowhere else: it is never logged, never audited.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, NoReturn, TypeVar

import anyio
from anyio import to_thread

from storefleet.api.core.actor import Actor
from storefleet.api.core.bulkhead import Bulkhead
from storefleet.api.core.circuit import CircuitOpenError, RemoteCircuit
from storefleet.api.core.errors import Conflict, Forbidden, ServiceUnavailable
from storefleet.api.db.pool import Connection
from storefleet.api.domain import audit
from storefleet.api.domain.cluster_access import cluster_of_store
from storefleet.api.domain.lifecycle import StoreStatus
from storefleet.api.domain.store_rows import StoreRow
from storefleet.api.stores import readiness
from storefleet.api.stores.cluster_port import SecretLookup, StoreCluster
from storefleet.api.stores.cluster_schemas import StoreCredentials, StoreResources
from storefleet.api.stores.links import store_links
from storefleet.api.stores.service import get_visible
from storefleet.renderer.names import ADMIN_PASSWORD_KEY, credentials_secret_name
from storefleet.renderer.profile import RenderProfile
from storefleet.renderer.spec import Engine, StoreSpec

if TYPE_CHECKING:
    # The kubernetes client costs ~14 MB of memory at import: it is loaded only where a cluster is
    # configured (by the client built from the kubeconfig), never by a platform without one.
    from kubernetes.client.exceptions import ApiException

    from storefleet.api.core.services import AppServices

log = logging.getLogger(__name__)
T = TypeVar("T")

CLUSTER_DEADLINE_S = 15.0  # one use case's cluster calls, all together
RETRY_AFTER_S = 5.0
DEFAULT_ADMIN_USER = "admin"  # the chart's setup.adminUser; the renderer never overrides it
EVENT_CREDENTIALS_READ = "store.credentials_read"
EVENT_CREDENTIALS_DENIED = "store.credentials_denied"

_NOT_YET_INSTALLED = frozenset(
    {StoreStatus.REQUESTED, StoreStatus.PENDING_APPROVAL, StoreStatus.PROVISIONING}
)


class ClusterNotConfigured(ServiceUnavailable):
    code = "CLUSTER_NOT_CONFIGURED"


class ClusterUnavailable(ServiceUnavailable):
    code = "CLUSTER_UNAVAILABLE"


class AdminAccessFlagRequired(Forbidden):
    code = "ADMIN_ACCESS_FLAG_REQUIRED"


class CredentialsNotAvailable(Conflict):
    code = "CREDENTIALS_NOT_AVAILABLE"


# ---- calling the cluster ----------------------------------------------------------------------------
@dataclass(frozen=True)
class ClusterAccess:
    """The cluster client and what guards the API's calls to it: a circuit breaker (a failing cluster
    is not called again until its reset time) and a bulkhead (a slow one cannot tie up every worker)."""

    cluster: StoreCluster
    circuit: RemoteCircuit
    bulkhead: Bulkhead

    async def call(self, fn: Callable[..., T], *args: Any) -> T:
        """`fn(*args)` in a worker thread, bounded by `CLUSTER_DEADLINE_S`; cluster failures -> 503."""
        # Loaded with `self.cluster` already: importing them here keeps them out of a platform
        # without a cluster.
        from kubernetes.client.exceptions import ApiException
        from urllib3.exceptions import HTTPError as TransportError

        async with self.bulkhead.slot():
            try:
                with anyio.fail_after(CLUSTER_DEADLINE_S):
                    result: T = await to_thread.run_sync(self.circuit.call, fn, *args, abandon_on_cancel=True)
                    return result
            except CircuitOpenError as exc:
                raise _unavailable(
                    "The cluster failed repeatedly; the platform waits before calling it again.",
                    retry_after_s=self.circuit.retry_in(),
                ) from exc
            except TimeoutError as exc:
                raise _unavailable(
                    f"The cluster did not answer within {CLUSTER_DEADLINE_S:g} s; try again."
                ) from exc
            except ApiException as exc:
                raise _api_error(exc) from exc
            except (TransportError, OSError) as exc:
                log.warning("cluster unreachable: %s", type(exc).__name__)
                raise _unavailable("The cluster cannot be reached right now; try again.") from exc


def not_a_cluster_failure(exc: BaseException) -> bool:
    """The cluster answered, and refused this one request (4xx but 429): it is up."""
    # Asked only about what a configured cluster's client raised, so the import costs nothing then.
    from kubernetes.client.exceptions import ApiException

    return (
        isinstance(exc, ApiException)
        and exc.status is not None
        and 400 <= exc.status < 500
        and exc.status != 429
    )


def require_cluster(access: ClusterAccess | None) -> ClusterAccess:
    if access is None:
        raise ClusterNotConfigured(
            "No Kubernetes cluster is configured for this platform (set KUBECONFIG or KUBE_IN_CLUSTER=true), "
            "so it cannot read what runs in the cluster."
        )
    return access


def _unavailable(message: str, retry_after_s: float = RETRY_AFTER_S) -> ClusterUnavailable:
    return ClusterUnavailable(message, headers={"Retry-After": str(max(1, math.ceil(retry_after_s)))})


def _api_error(exc: ApiException) -> ClusterUnavailable:
    log.warning("cluster API error: HTTP %s %s", exc.status, exc.reason)
    if exc.status in (401, 403):
        return _unavailable(
            f"The cluster refused the platform's account (HTTP {exc.status}); "
            "an operator must grant it access."
        )
    return _unavailable(f"The cluster answered HTTP {exc.status or 'error'}; try again.")


# ---- credentials -------------------------------------------------------------------------------------
async def _refuse_admin(conn: Connection, actor: Actor, store: StoreRow) -> NoReturn:
    await audit.record(
        conn,
        EVENT_CREDENTIALS_DENIED,
        actor,
        store_id=store.id,
        tenant=store.owner_id,
        detail={"reason": AdminAccessFlagRequired.code, "admin_access": False},
    )
    raise AdminAccessFlagRequired(
        "This store belongs to another tenant. To read its credentials as an admin, repeat the request "
        "with `admin_access=true`; the read is audited as admin access."
    )


def _not_available(store: StoreRow, lookup: SecretLookup | None, secret: str, key: str) -> str:
    """Why there are no credentials to return (the 409's message)."""
    status = store.status
    if status is StoreStatus.DELETED:
        return "The store was deleted; its credentials were removed with it."
    if status is StoreStatus.DELETING:
        return "The store is being deleted; its credentials are no longer available."
    if lookup is not None and lookup.exists:
        return f"The store's credentials Secret has no '{key}' entry yet."
    if status in _NOT_YET_INSTALLED:
        return (
            f"The store is still being provisioned ({status.value}); "
            "its credentials exist once it is installed."
        )
    if status is StoreStatus.FAILED:
        return "The store failed before its credentials were created; retry it."
    return f"The store's credentials Secret '{secret}' was not found in the cluster."


async def read_credentials(
    conn: Connection,
    cluster: ClusterAccess | None,
    actor: Actor,
    store_id: str,
    *,
    admin_access: bool,
    profile: RenderProfile,
) -> StoreCredentials:
    """The store's admin login from the cluster Secret `<instance>-credentials` (the store id, or the
    instance a store created from a backup kept), audited."""
    store = await get_visible(conn, actor, store_id)
    is_owner = store.owner_id == actor.id
    if not is_owner and not admin_access:
        await _refuse_admin(conn, actor, store)
    spec = StoreSpec.model_validate(store.spec)
    secret, key = credentials_secret_name(spec.instance), ADMIN_PASSWORD_KEY[spec.engine.value]
    if StoreStatus(store.status) in (StoreStatus.DELETED, StoreStatus.DELETING):
        raise CredentialsNotAvailable(_not_available(store, None, secret, key))
    guarded = require_cluster(cluster)
    lookup = await guarded.call(guarded.cluster.read_secret_value, spec.store_id, secret, key)
    if lookup.value is None:
        raise CredentialsNotAvailable(_not_available(store, lookup, secret, key))
    access: Literal["owner", "admin"] = "owner" if is_owner else "admin"
    # Audited before the password leaves: if the audit row cannot be written, nothing is disclosed.
    await audit.record(
        conn,
        EVENT_CREDENTIALS_READ,
        actor,
        store_id=spec.store_id,
        tenant=store.owner_id,
        detail={"access": access, "admin_access": access == "admin", "secret": secret, "key": key},
    )
    links = store_links(spec, profile)
    email = f"admin@{links.host}"
    return StoreCredentials(
        store_id=spec.store_id,
        engine=spec.engine,
        store_url=links.store_url,
        admin_url=links.admin_url,
        username=DEFAULT_ADMIN_USER if spec.engine is Engine.WOOCOMMERCE else email,
        password=lookup.value,
        email=email,
        access=access,
    )


# ---- resources ---------------------------------------------------------------------------------------
async def read_resources(
    conn: Connection, cluster: ClusterAccess | None, actor: Actor, store_id: str
) -> StoreResources:
    """The store namespace's pods, deployments, statefulsets and ingresses, with readiness."""
    store = await get_visible(conn, actor, store_id)
    namespace = store.id
    guarded = require_cluster(cluster)
    found = await guarded.call(guarded.cluster.namespace_objects, namespace)
    return readiness.store_resources(
        store.id, namespace, found.namespace, found.objects, unreadable=found.forbidden
    )


async def access_of_store(app_services: AppServices, conn: Connection, store_id: str) -> ClusterAccess | None:
    """The client of the cluster the store runs on (the settings cluster's, or a registered cluster's
    from `cluster_clients.py`), with its guards; None when no cluster is configured."""
    clients = app_services.cluster_clients
    reach = await cluster_of_store(conn, store_id) if clients is not None else None
    if reach is None or reach.origin == "settings" or clients is None:
        if app_services.cluster is None:
            return None
        return ClusterAccess(app_services.cluster, app_services.kube_circuit, app_services.kube_bulkhead)
    reached = await to_thread.run_sync(clients.reach, reach)
    return ClusterAccess(reached.cluster, reached.circuit, app_services.kube_bulkhead)
