"""How the store endpoints answer: a store row, with the links the platform's settings give it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request

from storefleet.api.clusters.directory import ClusterDirectory
from storefleet.api.core.services import services
from storefleet.api.db.dependencies import DbConnection
from storefleet.api.domain.store_rows import StoreSummary
from storefleet.api.fleet.context import settings_profile
from storefleet.api.settings import Settings
from storefleet.api.stores.links import store_out
from storefleet.api.stores.schemas import StoreOut
from storefleet.renderer.profile import RenderProfile


def render_profile(settings: Settings) -> RenderProfile:
    """The render settings the store hosts and its Velero objects depend on (the fleet writer's)."""
    return settings_profile(settings)


async def _presenter(request: Request, conn: DbConnection) -> Callable[[StoreSummary], StoreOut]:
    # A coroutine although it awaits nothing: FastAPI runs a plain-function dependency in a worker
    # thread, and that hop (a thread wake-up and a GIL hand-over each way) on every store request
    # queued the event loop behind the thread under load.
    app_services = services(request)
    profile = app_services.render_profile
    if profile is None:  # built once per app from its settings (validating it is not free)
        profile = app_services.render_profile = render_profile(app_services.settings)
    directory = app_services.cluster_directory
    if directory is None:
        directory = app_services.cluster_directory = ClusterDirectory()
    # the request's own connection (a second one from the pool could wait on requests that wait on it)
    clusters = await directory.current(conn)
    if app_services.settings.demo_cluster:
        return lambda store: simulated(store_out(store, profile, clusters))
    return lambda store: store_out(store, profile, clusters)


SIMULATED = "simulated: "  # the watcher's own messages on a simulated cluster start so already


def simulated(answer: StoreOut) -> StoreOut:
    """A store of the demo cluster, said so in its message whoever wrote it (the API's "accepted; …"
    as much as the watcher's verdicts), so nobody takes it for a real shop."""
    message = answer.status_message
    if not message or message.startswith(SIMULATED):
        return answer
    return answer.model_copy(update={"status_message": SIMULATED + message})


# An endpoint's way to turn a store row into its answer.
Presenter = Annotated[Callable[[StoreSummary], StoreOut], Depends(_presenter)]
