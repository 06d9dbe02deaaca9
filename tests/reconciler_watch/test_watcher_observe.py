"""Observing only reads: where actions are due (an Argo CD store without its credentials Secret, a
Medusa setup's key to keep, a retry to ask for), `_observe` gathers the facts and writes nothing; the
actions come from `decide` and run in the act step, which remembers them for the next observation."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta
from typing import Any, cast

import psycopg
import pytest
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool

from storefleet.reconciler_watch.decide import Decision, EnsureCredentials, PublishStorefrontKey, decide
from storefleet.reconciler_watch.observed import Observed, store_view
from storefleet.reconciler_watch.setup_job import setup_key
from storefleet.reconciler_watch.watcher import ClusterWatcher, WatcherConfig
from tests.reconciler_watch.recording_cluster import RecordingCluster, setup_job, sync
from tests.reconciler_watch.rows import NOW, insert_store, store_row

pytestmark = pytest.mark.anyio
TOKEN = "2026-11-22T11:58:00.000000Z"


@pytest.fixture
def cluster() -> RecordingCluster:
    return RecordingCluster()


def argo_watcher(cluster: RecordingCluster, pool: Any = None) -> ClusterWatcher:
    """A watcher whose informers hold what `cluster` lists (no git: no store has a commit here)."""
    watcher = ClusterWatcher(pool, "", cast(Any, cluster), cast(Any, None), WatcherConfig(engine="argocd"))
    sync(watcher.informers)
    return watcher


def medusa_key_row() -> dict[str, Any]:
    return store_row("st-medusakey1", engine="medusa")


def situations(cluster: RecordingCluster) -> list[dict[str, Any]]:
    """Stores for which an action is due, and the cluster as they see it."""
    medusa = medusa_key_row()
    medusa_key = setup_key(medusa.spec)
    broken = store_row("st-brokensetup")
    broken_key = setup_key(broken.spec)
    cluster.objects["jobs"] = [
        setup_job(medusa.id, medusa_key, 0, ended="Complete"),
        setup_job(broken.id, broken_key, 0, ended="Failed"),
    ]
    cluster.logs = {
        cluster.objects["jobs"][0]["metadata"]["name"]: "seeded 8 products\npublishable-key=pk_01KEY\n",
        cluster.objects["jobs"][1]["metadata"]["name"]: "Error: could not reach the database\n",
    }
    return [
        store_row("st-nosecret01"),
        medusa,
        broken,
        store_row("st-retrying01", retry_token=TOKEN, retry_requested_at=NOW),
        store_row("st-deleting01", status="deleting", status_changed_at=NOW - timedelta(hours=1)),
    ]


async def observe(watcher: ClusterWatcher, row: dict[str, Any]) -> Observed:
    return await watcher._observe(row, store_view(row), NOW)


async def test_observing_writes_nothing_even_where_actions_are_due(cluster: RecordingCluster) -> None:
    rows = situations(cluster)
    watcher = argo_watcher(cluster)
    seen = {row.id: await observe(watcher, row) for row in rows}

    assert cluster.writes == []
    reads = {call[:3] for call in cluster.calls}
    jobs = [job["metadata"]["name"] for job in cluster.objects["jobs"]]
    assert reads == {
        ("job_log_tail", "st-medusakey1", jobs[0]),
        ("job_log_tail", "st-brokensetup", jobs[1]),
        ("leftovers", "st-deleting01"),
    }
    assert not seen["st-nosecret01"].credentials_ready and not seen["st-nosecret01"].namespace_present
    key_seen = seen["st-medusakey1"]
    assert key_seen.setup_job is not None and key_seen.setup_job.succeeded
    assert (key_seen.storefront_key, key_seen.key_published) == ("pk_01KEY", False)
    broken = seen["st-brokensetup"].setup_job
    assert broken is not None and broken.failed and "could not reach the database" in broken.log_tail
    assert not seen["st-retrying01"].retry_nudged
    assert seen["st-deleting01"].leftovers == ("PVC data-st-deleting01-0",)


async def test_the_actions_decided_run_in_the_act_step_and_are_observed_as_done(
    cluster: RecordingCluster,
) -> None:
    row = store_row("st-nosecret01")
    watcher = argo_watcher(cluster)
    observed = await observe(watcher, row)
    decision = decide(observed, store_view(row))
    assert decision is not None and decision.actions == (EnsureCredentials(create_namespace=True),)

    acted = await watcher.updater.act([(row, store_view(row), decision, observed)])
    assert acted.unblocked == {"st-nosecret01"}
    assert cluster.writes == [
        ("create_namespace", "st-nosecret01"),
        ("create_secret", "st-nosecret01", "st-nosecret01-credentials"),
    ]
    cluster.calls.clear()

    again = await observe(watcher, row)
    assert again.credentials_ready
    assert decide(again, store_view(row)) is not None  # now judged on the cluster: waiting for it
    assert cluster.writes == []


async def test_a_medusa_key_is_kept_by_the_act_step_and_its_log_not_read_again(
    cluster: RecordingCluster,
) -> None:
    situations(cluster)
    watcher = argo_watcher(cluster)
    row = medusa_key_row()
    observed = await observe(watcher, row)
    job = observed.setup_job
    assert job is not None
    publish = PublishStorefrontKey(job.name, "pk_01KEY")
    decision = Decision(None, "running the post-install setup", "setup_publishing", actions=(publish,))
    acted = await watcher.updater.act([(row, store_view(row), decision, observed)])
    assert acted.unblocked == {row.id}
    assert cluster.writes == [
        ("put_secret", row.id, f"{row.id}-storefront-key", {"publishable-key": "pk_01KEY"})
    ]
    cluster.calls.clear()

    again = await observe(watcher, row)
    assert again.key_published and again.storefront_key is None
    assert cluster.calls == []  # nothing to read from the log any more, nothing written


async def test_a_store_created_from_a_backup_names_its_objects_after_the_instance_it_kept(
    cluster: RecordingCluster,
) -> None:
    # the last stage of its creation: restored, its release back (Argo CD: the Secret not yet checked)
    origin = {"store_id": "st-oldoldold2", "backup": "storefleet-st-oldoldold2-20261201030700",
              "instance": "st-oldoldold2"}  # fmt: skip
    row = store_row("st-restored01", engine="medusa", status="restoring")
    row = replace(row, spec={**row.spec, "restored_from": origin})
    view = store_view(row)
    assert (view.chart_instance, view.restored_from_backup) == ("st-oldoldold2", True)
    watcher = argo_watcher(cluster)
    observed = await observe(watcher, row)
    decision = decide(observed, view)
    assert decision is not None and decision.actions == (EnsureCredentials(create_namespace=True),)
    publish = PublishStorefrontKey("st-restored01-setup-x-1", "pk_01KEY")
    keep = Decision(None, "running the post-install setup", "setup_publishing", actions=(publish,))
    await watcher.updater.act([(row, view, decision, observed), (row, view, keep, observed)])
    # the restored Secrets, made with the data: an existing one is kept (create, never overwrite)
    assert ("create_secret", row.id, "st-oldoldold2-credentials") in cluster.writes
    assert ("put_secret", row.id, "st-oldoldold2-storefront-key", {"publishable-key": "pk_01KEY"}) in (
        cluster.writes
    )


# ---- one evaluation, with the database ---------------------------------------------------------------
@pytest.fixture
async def pool(database_url: str, db: psycopg.Connection[Any]) -> AsyncIterator[AsyncConnectionPool[Any]]:
    kwargs = {"autocommit": True, "row_factory": dict_row}
    async with AsyncConnectionPool(database_url, min_size=1, max_size=2, kwargs=kwargs, open=False) as opened:
        yield opened


async def test_a_store_an_action_unblocked_is_judged_again_at_once(
    cluster: RecordingCluster, pool: AsyncConnectionPool[Any], db: psycopg.Connection[Any]
) -> None:
    row = store_row("st-unblocked1")
    insert_store(db, row)
    watcher = argo_watcher(cluster, pool)

    assert await watcher.evaluate(["st-unblocked1"]) == 1
    assert [call[0] for call in cluster.writes] == ["create_namespace", "create_secret"]
    assert "st-unblocked1" in watcher._dirty  # the next evaluation comes at once, not at the tick
    message = db.execute("SELECT status_message FROM stores WHERE id = 'st-unblocked1'").fetchone()
    assert message is not None and message["status_message"] == "preparing the store's credentials Secret"

    cluster.calls.clear()
    watcher._dirty.clear()
    await watcher.evaluate(["st-unblocked1"])
    assert cluster.writes == [] and watcher._dirty == set()
    message = db.execute("SELECT status_message FROM stores WHERE id = 'st-unblocked1'").fetchone()
    assert message is not None and message["status_message"] == "committed; waiting for the cluster to apply"
