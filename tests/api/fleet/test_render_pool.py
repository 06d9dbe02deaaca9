"""The writer's render helpers: a big batch rendered partly in a helper process gives exactly what the
writer's thread alone gives, in order, every directory handed to git once; a helper that dies is
replaced by the thread; small batches never start one."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from storefleet.api.domain.outbox_repository import PendingChange
from storefleet.api.fleet import render_pool
from storefleet.api.fleet.changes import render_changes
from storefleet.api.fleet.render_pool import RenderPool
from storefleet.renderer.model import DirectoryChange
from storefleet.renderer.profile import RenderProfile
from storefleet.renderer.spec import StoreSpec

PROFILE = RenderProfile()


def _change(number: int, *, broken: bool = False) -> PendingChange:
    spec = StoreSpec(
        store_id=f"st-{number:010d}",
        tenant=f"u-{number % 3:010d}",
        name=f"shop-{number}",
        engine="medusa" if number % 2 else "woocommerce",
    ).to_document()
    if broken:
        spec["plan"] = "enormous"
    return PendingChange(
        id=number, store_id=spec["store_id"], tenant=spec["tenant"], action="update", spec=spec,
        spec_hash=None, params={}, request_id=None, actor_id=None, created_at=datetime.now(UTC),
        attempts=0, store_name=spec["name"], engine=spec["engine"], store_last_commit="0" * 40,
    )  # fmt: skip


def _warm(pool: RenderPool, size: int) -> None:
    """The first big batch starts the helper; wait until it is ready."""
    pool.render([_change(n) for n in range(size)], PROFILE)
    deadline = time.monotonic() + 60
    while not pool.ready() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert pool.ready()


@pytest.fixture
def pool() -> Iterator[RenderPool]:
    pool = RenderPool(processes=1, min_batch=8)
    yield pool
    pool.close()


def test_a_batch_split_with_a_helper_renders_what_the_thread_alone_renders(pool: RenderPool) -> None:
    _warm(pool, 8)
    changes = [_change(n, broken=n == 17) for n in range(20)]  # the broken one is in the helper's half
    staged: list[DirectoryChange] = []

    results = pool.render(changes, PROFILE, staged.append)

    assert pool.process_ids(), "the helper ran"
    assert results == render_changes(changes, PROFILE)
    assert isinstance(results[17], str) and "enormous" in results[17]
    # every rendered directory handed to git exactly once, the thread's part first
    assert staged == [r for r in results if isinstance(r, DirectoryChange)]


def test_small_batches_never_start_a_helper() -> None:
    pool = RenderPool(processes=1, min_batch=8)
    try:
        results = pool.render([_change(n) for n in range(7)], PROFILE)
        assert len(results) == 7 and not pool.process_ids() and not pool.ready()
    finally:
        pool.close()
    off = RenderPool(processes=0, min_batch=2)
    assert len(off.render([_change(n) for n in range(50)], PROFILE)) == 50
    assert not off.process_ids()


def test_until_the_helper_is_ready_the_thread_renders_everything(pool: RenderPool) -> None:
    changes = [_change(n) for n in range(10)]
    assert pool.render(changes, PROFILE) == render_changes(changes, PROFILE)  # starts it, waits for none


def test_a_dead_helper_is_replaced_by_the_thread_and_started_again(pool: RenderPool) -> None:
    _warm(pool, 8)
    for pid in pool.process_ids():
        os.kill(pid, signal.SIGKILL)
    changes = [_change(n) for n in range(12)]
    staged: list[DirectoryChange] = []

    assert pool.render(changes, PROFILE, staged.append) == render_changes(changes, PROFILE)
    assert len(staged) == 12
    _warm(pool, 8)  # a later big batch starts a new one
    assert pool.render(changes, PROFILE) == render_changes(changes, PROFILE)


def test_the_default_counts_the_cpus_a_pod_limit_leaves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0, 1, 2, 3})
    cpu_max = tmp_path / "cpu.max"
    monkeypatch.setattr(render_pool, "CPU_MAX", cpu_max)
    assert render_pool.usable_cpus() == 4  # no cgroup file: the affinity
    cpu_max.write_text("max 100000\n")
    assert render_pool.usable_cpus() == 4 and render_pool.default_processes() == 1
    cpu_max.write_text("100000 100000\n")  # limits: cpu: "1"
    assert render_pool.usable_cpus() == 1 and render_pool.default_processes() == 0
    unset = RenderPool(None, 8)  # FLEET_RENDER_PROCESSES unset in such a pod: no helper, ever
    assert len(unset.render([_change(n) for n in range(9)], PROFILE)) == 9
    assert not unset.ready() and not unset.process_ids()
