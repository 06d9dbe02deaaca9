"""The act step: it runs the actions `decide` returned, remembers the ones that succeeded, leaves a
failed one to be asked for again, and records a setup start before creating its Job."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any, cast

import psycopg
import pytest
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool

from storefleet.api.domain import stores_repository as repository
from storefleet.api.domain.lifecycle import StoreStatus
from storefleet.reconciler_watch.apply import Acted, StoreUpdater
from storefleet.reconciler_watch.decide import (
    MSG_SETUP_RUNNING,
    Action,
    Decision,
    EnsureCredentials,
    PublishStorefrontKey,
    RequestRetry,
    StartSetup,
    StoreView,
)
from storefleet.reconciler_watch.nudge import Nudger
from storefleet.reconciler_watch.observed import Observed, store_view
from storefleet.reconciler_watch.setup_job import job_name, pending_setup_generation, setup_key
from storefleet.reconciler_watch.watcher import WatcherConfig
from tests.reconciler_watch.recording_cluster import RecordingCluster
from tests.reconciler_watch.rows import NOW, insert_store, store_row

pytestmark = pytest.mark.anyio
TOKEN = "2026-11-22T11:58:00.000000Z"


@pytest.fixture
def cluster() -> RecordingCluster:
    return RecordingCluster()


@pytest.fixture
async def pool(database_url: str, db: psycopg.Connection[Any]) -> AsyncIterator[AsyncConnectionPool[Any]]:
    kwargs = {"autocommit": True, "row_factory": dict_row}
    async with AsyncConnectionPool(database_url, min_size=1, max_size=2, kwargs=kwargs, open=False) as opened:
        yield opened


def updater(cluster: RecordingCluster, pool: Any = None, engine: str = "argocd") -> StoreUpdater:
    config = WatcherConfig(engine=engine)
    double = cast(Any, cluster)
    return StoreUpdater(pool, double, config, Nudger(double, config))


async def act(updater: StoreUpdater, row: dict[str, Any], *actions: Action) -> Acted:
    decision = Decision(None, "working on it", "working", actions=actions)
    return await updater.act([(row, store_view(row), decision, Observed(NOW, None))])


async def test_each_action_runs_and_what_succeeded_is_remembered(cluster: RecordingCluster) -> None:
    acting = updater(cluster)
    creds, medusa, retried = store_row("st-creds0001"), store_row("st-key000001"), store_row("st-retry0001")
    results = [
        await act(acting, creds, EnsureCredentials(create_namespace=False)),
        await act(acting, medusa, PublishStorefrontKey("st-key000001-setup-0123abcd-0", "pk_1")),
        await act(acting, retried, RequestRetry(TOKEN)),
    ]
    assert [call[:3] for call in cluster.writes] == [
        ("create_secret", "st-creds0001", "st-creds0001-credentials"),  # the namespace exists
        ("put_secret", "st-key000001", "st-key000001-storefront-key"),
        ("merge_patch", "applications", "argocd"),
    ]
    assert acting.credentials_ensured("st-creds0001") and not acting.credentials_ensured("st-key000001")
    assert acting.key_published("st-key000001-setup-0123abcd-0")
    assert acting._nudger.retry_sent(TOKEN)
    # credentials and a kept key unblock the store's next step; a retry waits for the applier
    assert [result.unblocked for result in results] == [{"st-creds0001"}, {"st-key000001"}, set()]
    assert all(result.decided for result in results)  # each message is new: written


async def test_a_failed_action_is_logged_not_remembered_and_asked_for_again(
    cluster: RecordingCluster, caplog: pytest.LogCaptureFixture
) -> None:
    acting = updater(cluster)
    row = store_row("st-refused01")
    cluster.refusing = {"create_secret", "put_secret"}
    cluster.absent = {"st-refused01"}  # the Application to ask for the retry is not there (yet)
    with caplog.at_level(logging.WARNING, logger="storefleet.reconciler_watch.apply"):
        results = [
            await act(acting, row, EnsureCredentials(create_namespace=True)),
            await act(acting, row, PublishStorefrontKey("st-refused01-setup-0123abcd-0", "pk_1")),
            await act(acting, row, RequestRetry(TOKEN)),
        ]
    assert not acting.credentials_ensured("st-refused01")
    assert not acting.key_published("st-refused01-setup-0123abcd-0")
    assert not acting._nudger.retry_sent(TOKEN)
    assert [result.unblocked for result in results] == [frozenset()] * 3
    assert "could not create its credentials Secret: create_secret refused" in caplog.text
    assert "could not store the storefront key: put_secret refused" in caplog.text

    cluster.refusing, cluster.absent = set(), set()
    await act(acting, row, RequestRetry(TOKEN))
    assert acting._nudger.retry_sent(TOKEN)


# ---- setup starts, with the database ------------------------------------------------------------------
def start_of(view: StoreView) -> Decision:
    start = StartSetup(view.setup_key, pending_setup_generation(view))
    return Decision(None, MSG_SETUP_RUNNING, "setup_started", actions=(start,))


async def read_row(pool: AsyncConnectionPool[Any], store_id: str) -> dict[str, Any]:
    async with pool.connection() as conn:
        (row,) = await repository.converging_stores(conn, [store_id])
    return row


async def test_a_setup_start_is_recorded_before_its_job_is_created(
    cluster: RecordingCluster, pool: AsyncConnectionPool[Any], db: psycopg.Connection[Any]
) -> None:
    """A done, now B: the start of B's Job stops A counting as done and takes a new generation, in
    the database before the cluster; a Job the cluster refused is asked for under the same name."""
    done_a = setup_key({"name": "st-setupstart", "engine": "woocommerce", "theme": "astra"})
    stored = store_row("st-setupstart", theme="storefront", setup_done_key=done_a, setup_started_key=done_a,
                       setup_generation=1)  # fmt: skip
    insert_store(db, stored)
    acting = updater(cluster, pool, engine="flux")
    row = await read_row(pool, "st-setupstart")
    key_b = setup_key(row.spec)
    cluster.refusing = {"create_job"}

    acted = await acting.act([(row, store_view(row), start_of(store_view(row)), Observed(NOW, None))])
    assert [d.message for _, _, d, _ in acted.decided] == [
        "post-install setup: waiting for the cluster to accept the Job"
    ]
    recorded = await read_row(pool, "st-setupstart")
    assert (recorded.setup_done_key, recorded.setup_started_key) == (None, key_b)
    assert recorded.setup_generation == 2

    cluster.refusing = set()
    await acting.act([(recorded, store_view(recorded), start_of(store_view(recorded)), Observed(NOW, None))])
    assert (await read_row(pool, "st-setupstart")).setup_generation == 2  # the same change: no new one
    created = [call for call in cluster.calls if call[0] == "create_job"]
    assert created == [("create_job", "st-setupstart", job_name("st-setupstart", key_b, 2))] * 2


async def test_a_store_that_moved_since_it_was_read_gets_no_job(
    cluster: RecordingCluster, pool: AsyncConnectionPool[Any], db: psycopg.Connection[Any]
) -> None:
    insert_store(db, store_row("st-movedaway1", setup_started_key="another-key"))
    acting = updater(cluster, pool, engine="flux")
    stale = await read_row(pool, "st-movedaway1")
    db.execute("UPDATE stores SET spec_hash = 'a newer spec' WHERE id = 'st-movedaway1'")

    acted = await acting.act([(stale, store_view(stale), start_of(store_view(stale)), Observed(NOW, None))])
    assert acted.decided == [] and acted.unblocked == {"st-movedaway1"}  # judged again at once
    assert cluster.writes == []
    assert (await read_row(pool, "st-movedaway1")).setup_started_key == "another-key"


async def test_a_chart_without_the_setup_template_fails_the_store(
    cluster: RecordingCluster, pool: AsyncConnectionPool[Any], db: psycopg.Connection[Any]
) -> None:
    insert_store(db, store_row("st-notemplate"))
    cluster.config_map = None
    acting = updater(cluster, pool, engine="flux")
    row = await read_row(pool, "st-notemplate")
    acted = await acting.act([(row, store_view(row), start_of(store_view(row)), Observed(NOW, None))])
    [(_, _, decision, _)] = acted.decided
    assert decision.status is StoreStatus.FAILED and decision.reason == "setup_unavailable"
    assert "ConfigMap st-notemplate-setup has no job.yaml" in decision.message
    assert cluster.writes == []
