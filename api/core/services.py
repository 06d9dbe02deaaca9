"""The services one app serves with: built by the composition root (`storefleet.api.app`), stored once
on `app.state.services`, and reached by endpoints and dependencies through `services(request)`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends, Request
from starlette.applications import Starlette

if TYPE_CHECKING:
    # Types only: the slices import this module, so importing theirs at run time would be circular.
    from psycopg_pool import AsyncConnectionPool

    from storefleet.api.auth.credentials import Passwords, Tokens
    from storefleet.api.auth.guardrails import AuthLimits
    from storefleet.api.core.bulkhead import Bulkhead
    from storefleet.api.core.circuit import RemoteCircuit
    from storefleet.api.db.pool import Connection
    from storefleet.api.fleet.reader import FleetReader
    from storefleet.api.fleet.runtime import FleetRuntime
    from storefleet.api.health.checks import HealthCheck
    from storefleet.api.outbox.doorbell import OutboxDoorbell
    from storefleet.api.ratelimit.limiter import ApiLimiter
    from storefleet.api.settings import Settings
    from storefleet.api.stores.cluster_port import StoreCluster
    from storefleet.renderer.profile import RenderProfile


@dataclass
class Lifecycle:
    """Shared with the server runner: set when a shutdown signal arrives, so readiness turns 503
    while in-flight requests drain."""

    shutting_down: bool = False


@dataclass(slots=True, eq=False)
class AppServices:
    """What the endpoints use beyond the request: configuration, clients and their guards."""

    settings: Settings
    tokens: Tokens
    passwords: Passwords
    auth_limits: AuthLimits
    lifecycle: Lifecycle
    # The cluster the API reads for credentials and resources (the watcher may run elsewhere); None
    # without a configured cluster. Calls to it pass its circuit breaker and its bulkhead.
    cluster: StoreCluster | None
    kube_circuit: RemoteCircuit
    kube_bulkhead: Bulkhead
    # Reads of the fleet repo clone: a bounded queue waits, the rest are refused (503).
    fleet_bulkhead: Bulkhead
    # The API request limits; None when every class is off (then nothing is counted).
    api_limiter: ApiLimiter | None = None
    # Built from the settings on first use (validating it is not free).
    render_profile: RenderProfile | None = None
    cluster_directory: Any = None  # the clusters slice's cache of cluster names (clusters/directory.py)
    # The API's clients of the registered clusters other than the settings one (stores/cluster_clients.py)
    cluster_clients: Any = None
    # Filled by the lifespan, which opens the pool and starts the fleet runtime: name -> check.
    health_checks: dict[str, HealthCheck] = field(default_factory=dict)
    fleet: FleetRuntime | None = None  # None: no fleet repo configured
    fleet_reader: FleetReader | None = None
    # Set by the lifespan before the first request; reading either earlier raises AttributeError.
    pool: AsyncConnectionPool[Connection] = field(init=False)
    outbox_doorbell: OutboxDoorbell = field(init=False)


def app_services(app: Starlette) -> AppServices:
    """The services the composition root stored on `app`."""
    installed: AppServices = app.state.services
    return installed


def services(request: Request) -> AppServices:
    """The services of the app serving `request`: an attribute read, nothing built per request."""
    installed: AppServices = request.app.state.services
    return installed


async def _injected_services(request: Request) -> AppServices:
    # A coroutine: FastAPI would run a plain-function dependency in a worker thread.
    return services(request)


# For an endpoint parameter: `svc: Services`.
Services = Annotated[AppServices, Depends(_injected_services)]
