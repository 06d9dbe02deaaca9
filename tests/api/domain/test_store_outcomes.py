"""Provisioning duration and failures are observed by the lifecycle service, the one door
every status change (the watcher's included) goes through."""

from __future__ import annotations

from typing import Any

import pytest
from prometheus_client import REGISTRY

from storefleet.api.core.actor import Actor
from storefleet.api.domain import lifecycle_service as lifecycle
from storefleet.api.domain import stores_repository as repository
from storefleet.api.domain.lifecycle import Event, StoreStatus
from storefleet.api.domain.lifecycle_service import Occurrence

pytestmark = pytest.mark.anyio
WATCHER = Actor.system("watcher")


@pytest.fixture
def conn(async_conn: Any) -> Any:
    return async_conn


def _sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


_EVENT_TO = {StoreStatus.READY: Event.CONVERGED, StoreStatus.UPDATING: Event.SPEC_CHANGED,
             StoreStatus.FAILED: Event.FAILED}  # fmt: skip


async def _move(conn: Any, store_id: str, target: StoreStatus, reason: str) -> None:
    store = await repository.get_store(conn, store_id)
    assert store is not None
    async with conn.transaction():
        await lifecycle.apply(conn, Occurrence(store, _EVENT_TO[target], detail={"reason": reason}), WATCHER)


async def test_first_ready_observes_the_time_since_creation(
    conn: Any, tenant: Any, new_store: Any, set_status: Any, db: Any
) -> None:
    store = new_store(tenant)
    set_status(store["id"], "provisioning")
    db.execute("UPDATE stores SET created_at = now() - interval '200 seconds' WHERE id = %s", (store["id"],))
    count = _sample("store_provisioning_duration_seconds_count", engine="woocommerce")
    below_120 = _sample("store_provisioning_duration_seconds_bucket", engine="woocommerce", le="120.0")
    await _move(conn, store["id"], StoreStatus.READY, "healthy")
    assert _sample("store_provisioning_duration_seconds_count", engine="woocommerce") == count + 1
    # 200 s lands above the 120 s bucket: the duration runs from created_at.
    assert (
        _sample("store_provisioning_duration_seconds_bucket", engine="woocommerce", le="120.0") == below_120
    )
    # An update's ready is not a provisioning.
    await _move(conn, store["id"], StoreStatus.UPDATING, "test")
    await _move(conn, store["id"], StoreStatus.READY, "healthy")
    assert _sample("store_provisioning_duration_seconds_count", engine="woocommerce") == count + 1


async def test_failures_are_counted_by_engine_and_reason(
    conn: Any, tenant: Any, new_store: Any, set_status: Any
) -> None:
    store = new_store(tenant, engine="medusa")
    set_status(store["id"], "provisioning")
    before = _sample("store_provisioning_failures_total", engine="medusa", reason="stalled")
    await _move(conn, store["id"], StoreStatus.FAILED, "stalled")
    assert _sample("store_provisioning_failures_total", engine="medusa", reason="stalled") == before + 1
