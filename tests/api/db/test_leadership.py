"""Leadership on the real database: one leader per role and name, a standby that takes over when the
leader stops, is cut off, or its process is killed (`kill -9`), and the leader named from the
database's own lock table."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path
from typing import Any

import psycopg
import pytest

from storefleet.api.db.leadership import Leadership, current_leader

pytestmark = pytest.mark.anyio
POLL_S = CHECK_S = 0.2


def _name() -> str:
    return f"cluster-{uuid.uuid4().hex[:8]}"


class Term:
    """A lead function that records its terms: when it started and whether it was told to end."""

    def __init__(self) -> None:
        self.started = asyncio.Event()
        self.ended = asyncio.Event()

    async def __call__(self, term: asyncio.Event) -> None:
        self.started.set()
        await term.wait()
        self.ended.set()


async def _leader(database_url: str, name: str) -> str | None:
    async with await psycopg.AsyncConnection.connect(
        database_url, autocommit=True, row_factory=psycopg.rows.dict_row
    ) as conn:
        leader = await current_leader(conn, "watcher", name)
    return leader.holder if leader else None


async def test_one_leads_the_other_stands_by_then_takes_over(database_url: str) -> None:
    name = _name()
    first = Leadership(database_url, "watcher", name, poll_s=POLL_S, check_s=CHECK_S, identity="a/1")
    second = Leadership(database_url, "watcher", name, poll_s=POLL_S, check_s=CHECK_S, identity="b/2")
    stop_first, stop_second = asyncio.Event(), asyncio.Event()
    a, b = Term(), Term()
    running_first = asyncio.create_task(first.run(stop_first, a))
    await asyncio.wait_for(a.started.wait(), 5)
    running_second = asyncio.create_task(second.run(stop_second, b))
    await asyncio.sleep(POLL_S * 4)
    assert (first.leading, second.leading, b.started.is_set()) == (True, False, False)
    assert await _leader(database_url, name) == "storefleet watcher a/1"
    assert await _leader(database_url, _name()) is None  # another cluster: nobody leads it

    stop_first.set()
    await asyncio.wait_for(running_first, 5)
    assert a.ended.is_set()
    await asyncio.wait_for(b.started.wait(), POLL_S * 10)
    assert await _leader(database_url, name) == "storefleet watcher b/2"
    stop_second.set()
    await asyncio.wait_for(running_second, 5)
    assert (first.terms, second.terms) == (1, 1)


async def test_a_leader_cut_off_from_the_database_stands_down(database_url: str) -> None:
    name = _name()
    cut = Leadership(database_url, "watcher", name, poll_s=30, check_s=CHECK_S, identity="cut/1")
    standby = Leadership(database_url, "watcher", name, poll_s=POLL_S, check_s=CHECK_S, identity="next/2")
    stop = asyncio.Event()
    a, b = Term(), Term()
    tasks = [asyncio.create_task(cut.run(stop, a))]
    await asyncio.wait_for(a.started.wait(), 5)
    tasks.append(asyncio.create_task(standby.run(stop, b)))
    async with await psycopg.AsyncConnection.connect(database_url, autocommit=True) as admin:
        await admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s",
            ("storefleet watcher cut/1",),
        )
    await asyncio.wait_for(a.ended.wait(), CHECK_S * 10)  # its term ends: it no longer acts
    await asyncio.wait_for(b.started.wait(), POLL_S * 10)
    assert (cut.leading, standby.leading) == (False, True)
    stop.set()
    await asyncio.wait_for(asyncio.gather(*tasks), 5)


async def test_a_lead_that_crashes_releases_the_lock_and_raises(database_url: str) -> None:
    lead = Leadership(database_url, "git-sync", _name(), poll_s=POLL_S, check_s=CHECK_S)

    async def crash(term: asyncio.Event) -> None:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        await asyncio.wait_for(lead.run(asyncio.Event(), crash), 5)
    assert not lead.leading


_PROCESS = textwrap.dedent(
    """
    import asyncio, sys
    from storefleet.api.db.leadership import Leadership

    async def main(url, name, marker):
        async def lead(term):
            open(marker, "a").write("lead\\n")
            await term.wait()
        await Leadership(url, "watcher", name, poll_s=0.2, check_s=0.2).run(asyncio.Event(), lead)

    asyncio.run(main(*sys.argv[1:]))
    """
)


async def test_kill_9_of_the_leading_process_hands_the_lead_over(database_url: str, tmp_path: Path) -> None:
    name = _name()
    markers = [tmp_path / "a", tmp_path / "b"]
    processes = [_spawn(database_url, name, marker) for marker in markers]
    try:
        leading = await _wait_marker(markers, lambda led: len(led) == 1)
        holder = await _leader(database_url, name)
        assert holder is not None and holder.endswith(f"/{processes[leading].pid}")
        processes[leading].send_signal(signal.SIGKILL)
        started = time.monotonic()
        other = await _wait_marker(markers, lambda led: len(led) == 2)
        assert other != leading and time.monotonic() - started < 5  # poll_s plus the session's end
        holder = await _leader(database_url, name)
        assert holder is not None and holder.endswith(f"/{processes[other].pid}")
    finally:
        for process in processes:
            process.kill()
            process.wait()


def _spawn(database_url: str, name: str, marker: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    return subprocess.Popen([sys.executable, "-c", _PROCESS, database_url, name, str(marker)], env=env)


async def _wait_marker(markers: list[Path], done: Any) -> int:
    """The index of the last process that started leading, once `done(set of leaders)` holds."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        led = [i for i, marker in enumerate(markers) if marker.exists()]
        if done(set(led)):
            return max(led, key=lambda i: markers[i].stat().st_mtime_ns)
        await asyncio.sleep(0.05)
    raise AssertionError("no process took the lead")
