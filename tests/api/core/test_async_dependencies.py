"""No endpoint or dependency is a plain function: FastAPI runs those in a worker thread, and that hop on
every request (a thread wake-up and a GIL hand-over each way) queues the event loop behind the
thread under load. A plain-function store presenter did that on every store request and halved the
create throughput (docs/benchmarks.md, B1 second wave)."""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Iterator
from typing import Any

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from storefleet.api.app import create_app
from storefleet.api.settings import Settings


def api_routes(routes: Iterable[Any]) -> Iterator[APIRoute]:
    for route in routes:
        included = getattr(route, "original_router", None)  # an included router, walked into
        if included is not None:
            yield from api_routes(included.routes)
        elif isinstance(route, APIRoute):
            yield route


def runs_on_the_loop(call: Any) -> bool:
    return (
        inspect.iscoroutinefunction(call)
        or inspect.isasyncgenfunction(call)
        or inspect.iscoroutinefunction(getattr(call, "__call__", None))  # noqa: B004 - security classes
    )


def plain_dependencies(dependant: Dependant) -> Iterator[str]:
    for sub in dependant.dependencies:
        if sub.call is not None and not runs_on_the_loop(sub.call):
            yield getattr(sub.call, "__qualname__", repr(sub.call))
        yield from plain_dependencies(sub)


def test_every_endpoint_and_dependency_is_a_coroutine() -> None:
    app = create_app(Settings(DATABASE_URL="postgresql://x@localhost/none", JWT_SECRET="x" * 48))
    routes = list(api_routes(app.routes))
    assert len(routes) > 20  # the walk found the API
    threaded = {
        f"{','.join(sorted(route.methods))} {route.path}: {name}"
        for route in routes
        for name in ([route.name] if not runs_on_the_loop(route.endpoint) else [])
        + list(plain_dependencies(route.dependant))
    }
    assert not threaded, sorted(threaded)
