"""B7: a chart-version rollout to 10,000 stores in waves of 1 % / 10 % / 50 % / 100 %.

In one process, like B2, so the figures isolate the rollout path. Real parts: an embedded PostgreSQL
(temp dir, migrations applied), a local bare fleet repo seeded from the gitops-template, and N stores
`ready` at their own commit: their rows by COPY, their rendered directories committed in one
`build_commits` batch (as B2 fills its large repo), both by a child process so that the set-up's
memory is not counted below. The writer's state records the seeded head as its last push, as a
writer that had pushed them would.

Then the product's code runs the rollout, with its defaults, step by step and back to back (no
controller tick, no writer wake-up in between):

- wave 1 is queued as `POST /api/v1/rollouts` does: `service.plan_rollout` (chart checks, selection,
  overlap, the wave plan) and `service.create_rollout`, in one transaction (no fleet reader: the
  packaged chart version, whose files the first wave's group commits before the stores);
- every wave is committed by ONE `FleetWriter.drain_once` (batch size at its default: a commit group
  is never cut), and a `RolloutController.drive_once` pass records the commit (committing -> gating);
- the watcher's verdicts are simulated: the wave's stores are set `ready` by SQL, all but one, a
  controller pass (the gate waits), then the last one; the next controller pass is the gate
  evaluation timed: it passes the wave and, but for the last wave, queues the next one
  (`waves.enqueue_wave`, timed on its own). So a later wave's "queue" is that whole pass.

Per wave: validate + queue + commit (target <= 2 s for the largest wave, 5,000 stores at full size);
the gate pass once the wave's last store is ready (target <= 1 s for the last, 5,000-store wave);
this process's VmRSS, sampled, during each wave and VmHWM over the rollout (target <= 200 MB): the
in-process figure of the rollout path, API-side queueing and the writer in one process with the
platform's code loaded (`storefleet.api.app` imported) but no HTTP server; git's fast-import and
PostgreSQL are processes of their own and not counted. Also, where the time goes (the product's
functions timed in place: rendering, git, recording, lifecycle events, the gate's `evaluate`).

    .venv/bin/python bench/b7_rollout_waves.py [--stores 10000] [--tenants 100] [--steps 1%,10%,50%,100%]

Prints tables with PASS/FAIL against the targets; the exit code is 0 whatever the figures, and 1 when
a wave is not exactly one commit touching exactly its stores' directories (plus, for the first, the
chart's own commit), its outbox group is not recorded with that commit, a gate does not pass, or the
rollout does not end `succeeded` with every store at the version in the database and in git.
`--smoke`: 200 stores, a few seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import gc
import importlib
import inspect
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from unittest import mock

import psycopg
from _harness import bench_main, print_machine, proc_status, verdict
from b2_commit_latency_vs_repo_size import ME, PREPARED_CHANGE_IDS, PROFILE, spec_for, store_change
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb
from psycopg_pool import AsyncConnectionPool

from storefleet.api.core.actor import Actor
from storefleet.api.db.embedded import EmbeddedPostgres
from storefleet.api.db.migrate import apply_migrations
from storefleet.api.domain import lifecycle_service
from storefleet.api.fleet import repository as fleet_repository
from storefleet.api.fleet import service as fleet_service
from storefleet.api.fleet import writer as fleet_writer
from storefleet.api.fleet.git_repo import FleetRepo
from storefleet.api.fleet.local_remote import ensure_local_fleet_repo
from storefleet.api.fleet.repo import CommitBatch
from storefleet.api.fleet.writer import FleetWriter, WriterConfig
from storefleet.api.rollouts import controller as rollout_controller
from storefleet.api.rollouts import service, waves
from storefleet.api.rollouts.charts import packaged_version
from storefleet.api.rollouts.controller import RolloutController
from storefleet.api.rollouts.schemas import CreateRolloutRequest
from storefleet.api.settings import Settings
from storefleet.renderer.model import DirectoryChange
from storefleet.renderer.profile import GitOpsEngine, versioned_chart_path
from storefleet.renderer.template import instantiate_template

WAVE_TARGET_S = 2.0
GATE_TARGET_S = 1.0
RSS_TARGET_MB = 200.0
# No API runs, so no guardrail applies; the writer and the controller run with the product's defaults.
# `--smoke`: 200 stores over 20 tenants, a few seconds (the test suite runs it).
SMOKE = {"stores": 200, "tenants": 20}
BRANCH = "main"
ADMIN = Actor(id="u-benchadmin", name="bench-admin", role="admin")
READY_MESSAGE = "store is ready"
_STORE_COLUMNS = (
    "id, owner_id, name, engine, theme, plan, status, status_message, spec, spec_hash, last_commit_sha,"
    " committed_at, status_changed_at"
)


def product_default(name: str) -> Any:
    """A setting's default, so the writer and the controller run as `storefleet up` runs them."""
    return Settings.model_fields[name].default


# ---- set-up (a child process) --------------------------------------------------------------------
@dataclass(frozen=True)
class Seeded:
    head: str
    render_s: float
    git_s: float
    db_s: float


def seed(root: str, conninfo: str, stores: int, tenants: int) -> Seeded:
    """The remote (the template's commit, then one commit per store, one batch, one push) and the
    stores' rows, `ready` at their commit. Runs in a child process: its memory is not the rollout's."""
    remote = Path(root) / "fleet.git"
    files = instantiate_template(GitOpsEngine.FLUX, "local", PROFILE.fleet_repo_url, BRANCH)
    ensure_local_fleet_repo(remote, BRANCH, ME, files)
    started = time.perf_counter()
    specs = [spec_for(n, min(tenants, stores)) for n in range(stores)]
    changes = [store_change(spec, PREPARED_CHANGE_IDS + n) for n, spec in enumerate(specs)]
    rendered = time.perf_counter()
    filler = FleetRepo(Path(root) / "filler.git", str(remote), BRANCH, ME).open()
    try:
        shas = filler.build_commits(filler.fetch(), changes)
        tip = shas[-1]
        assert tip is not None and all(shas)
        filler.push(tip)
    finally:
        filler.close()
    committed = time.perf_counter()
    now = datetime.now(UTC)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        with conn.cursor() as cur:
            users = [(ADMIN.id, ADMIN.name, "admin")]
            users += [(owner, owner, "tenant") for owner in sorted({spec.tenant for spec in specs})]
            cur.executemany(
                "INSERT INTO users (id, email, username, password_hash, role) VALUES (%s, %s, %s, %s, %s)",
                [(uid, f"{name}@example.com", name, "$argon2id$dummy", role) for uid, name, role in users],
            )
        with conn.cursor() as cur, cur.copy(f"COPY stores ({_STORE_COLUMNS}) FROM STDIN") as copy:
            for spec, sha in zip(specs, shas, strict=True):
                theme = spec.theme.value if spec.theme else None
                copy.write_row((spec.store_id, spec.tenant, spec.name, spec.engine.value, theme,
                                spec.plan.value, "ready", READY_MESSAGE, Jsonb(spec.to_document()),
                                spec.spec_hash, sha, now, now))  # fmt: skip
        conn.execute("ANALYZE")
    return Seeded(tip, rendered - started, committed - rendered, time.perf_counter() - committed)


def seed_in_child(root: Path, conninfo: str, args: argparse.Namespace) -> Seeded:
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(seed, str(root), conninfo, args.stores, args.tenants).result()


def git(*args: str, cwd: Path) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)} failed: {result.stderr.strip()}")
    return result.stdout


# ---- instruments ---------------------------------------------------------------------------------
class Clock:
    """Seconds spent in named product functions, per phase of the run (the phase is set as it goes)."""

    def __init__(self) -> None:
        self.phase = "set-up"
        self.spent: dict[tuple[str, str], float] = {}
        self._lock = threading.Lock()

    def add(self, name: str, seconds: float) -> None:
        with self._lock:
            key = (self.phase, name)
            self.spent[key] = self.spent.get(key, 0.0) + seconds

    def get(self, phase: str, name: str) -> float:
        return self.spent.get((phase, name), 0.0)

    @contextlib.contextmanager
    def measure(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.add(name, time.perf_counter() - started)

    def wrap(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        if inspect.iscoroutinefunction(fn):

            async def timed_async(*args: Any, **kwargs: Any) -> Any:
                with self.measure(name):
                    return await fn(*args, **kwargs)

            return functools.wraps(fn)(timed_async)

        def timed(*args: Any, **kwargs: Any) -> Any:
            with self.measure(name):
                return fn(*args, **kwargs)

        return functools.wraps(fn)(timed)


ENQUEUE = "waves.enqueue_wave"
# (module, attribute, label): product functions timed where they are looked up at call time
INSTRUMENTED = (
    (waves, "enqueue_wave", ENQUEUE),
    (lifecycle_service, "offer_many", "lifecycle_service.offer_many"),
    (lifecycle_service, "offer_with_writes", "lifecycle_service.offer_with_writes"),
    (fleet_writer, "plan_commits", "changes.plan_commits (render, files to git)"),
    (fleet_service, "complete_changes", "fleet.service.complete_changes"),
    (rollout_controller, "evaluate", "gate.evaluate"),
)
GIT_PARTS = ("git fetch", "git start_commits", "git build", "git publish")
GC = "garbage collection"


@contextlib.contextmanager
def instrumented(clock: Clock) -> Iterator[None]:
    with contextlib.ExitStack() as stack:
        for module, attribute, label in INSTRUMENTED:
            stack.enter_context(
                mock.patch.object(module, attribute, clock.wrap(label, getattr(module, attribute)))
            )
        stack.enter_context(collections_timed(clock))
        yield


@contextlib.contextmanager
def collections_timed(clock: Clock) -> Iterator[None]:
    """The cyclic garbage collector's passes, whichever thread they interrupt."""
    started: list[float] = []

    def callback(phase: str, _info: dict[str, int]) -> None:
        if phase == "start":
            started.append(time.perf_counter())
        elif started:
            clock.add(GC, time.perf_counter() - started.pop())

    gc.callbacks.append(callback)
    try:
        yield
    finally:
        gc.callbacks.remove(callback)


class TimedRepo(FleetRepo):
    """The writer's clone, its git steps timed."""

    def __init__(self, clock: Clock, path: Path, remote_url: str) -> None:
        super().__init__(path, remote_url, BRANCH, ME)
        self._clock = clock

    def fetch(self) -> str | None:
        with self._clock.measure(GIT_PARTS[0]):
            return super().fetch()

    def start_commits(self, base: str | None, directories: Iterable[str]) -> CommitBatch:
        with self._clock.measure(GIT_PARTS[1]):
            return TimedBatch(self._clock, super().start_commits(base, directories))

    def push(self, sha: str) -> None:
        with self._clock.measure(GIT_PARTS[3]):
            super().push(sha)


class TimedBatch(CommitBatch):
    """The writer's batch, its `build` timed: the commits, once the files are rendered and sent."""

    def __init__(self, clock: Clock, batch: CommitBatch) -> None:
        self._clock, self._batch = clock, batch

    def stage(self, change: DirectoryChange) -> None:
        self._batch.stage(change)

    def build(self, changes: Sequence[DirectoryChange]) -> list[str | None]:
        with self._clock.measure(GIT_PARTS[2]):
            return self._batch.build(changes)

    def close(self) -> None:
        self._batch.close()


class Memory:
    """This process's VmRSS every `interval_s` (a thread), and its VmHWM (reset by `reset_peak`)."""

    def __init__(self, interval_s: float) -> None:
        self.samples: list[tuple[float, float]] = []
        self._interval_s = interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)
        self.hwm_reset = False

    def _run(self) -> None:
        pid = os.getpid()
        while not self._stop.is_set():
            self.samples.append((time.monotonic(), proc_status(pid)["VmRSS"]))
            self._stop.wait(self._interval_s)

    def __enter__(self) -> Memory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(5)

    def peak(self, start: float, end: float) -> float:
        """The highest sample in [start, end] (in a window shorter than the interval: the last before)."""
        before = [rss for t, rss in self.samples if t <= end]
        inside = [rss for t, rss in self.samples if start <= t <= end]
        return max(inside or before[-1:] or [float("nan")])

    def reset_peak(self) -> None:
        """VmHWM := VmRSS (Linux >= 4.0), so the peak read later is the rollout's own."""
        with contextlib.suppress(OSError):
            Path("/proc/self/clear_refs").write_text("5")
            self.hwm_reset = True

    @staticmethod
    def now() -> dict[str, float]:
        status: dict[str, float] = proc_status(os.getpid())
        return status


# ---- the rollout, wave by wave -------------------------------------------------------------------
@dataclass
class Wave:
    number: int
    stores: int
    queue_s: float = 0.0  # wave 1: plan + create; later: the controller pass that queued it
    plan_s: float = 0.0  # wave 1 only: `plan_rollout` inside that
    enqueue_s: float = 0.0  # `waves.enqueue_wave` inside that
    commit_s: float = 0.0  # one writer drain
    record_s: float = 0.0  # the controller pass recording the commit
    waiting_s: float = 0.0  # the controller pass with all but one store ready (the gate waits)
    gate_s: float = 0.0  # the controller pass once the last store is ready (passes; queues the next)
    next_enqueue_s: float = 0.0  # `waves.enqueue_wave` of the next wave inside that
    queued_at: float = 0.0  # monotonic: the start of the pass or transaction that queued it
    last_ready_at: float = 0.0  # monotonic: the start of the pass once its last store was ready
    passed_at: float = 0.0
    commit: str | None = None

    @property
    def total_s(self) -> float:
        return self.queue_s + self.commit_s


@dataclass
class Outcome:
    rollout_id: str
    planned: list[int]
    add_chart: bool
    waves: list[Wave]
    problems: list[str] = field(default_factory=list)
    final_state: str = ""
    baseline: dict[str, float] = field(default_factory=dict)
    after: dict[str, float] = field(default_factory=dict)


class Run:
    def __init__(self, args: argparse.Namespace, root: Path, conninfo: str, clock: Clock) -> None:
        self.args = args
        self.remote = root / "fleet.git"
        self.work = root / "fleet-work.git"
        self.conninfo = conninfo
        self.clock = clock
        self.repo_key = f"{self.remote}#{BRANCH}"
        self.version = packaged_version()

    async def timed_pass(self, controller: RolloutController, phase: str) -> float:
        self.clock.phase = phase
        started = time.perf_counter()
        await controller.drive_once()
        return time.perf_counter() - started

    async def rollout(self, pool: AsyncConnectionPool[Any], head: str, memory: Memory) -> Outcome:
        async with pool.connection() as conn:
            await fleet_repository.get_state(conn, self.repo_key)
            await fleet_repository.set_state(conn, self.repo_key, last_pushed_sha=head)
        writer = FleetWriter(
            pool,
            self.conninfo,
            lambda: TimedRepo(self.clock, self.work, str(self.remote)),
            PROFILE,
            WriterConfig(
                repo_key=self.repo_key,
                batch_size=product_default("fleet_batch_size"),
                poll_interval_s=product_default("fleet_poll_interval_s"),
                push_retries=product_default("fleet_push_retries"),
            ),
        )
        controller = RolloutController(
            pool, PROFILE, default_timeout_s=product_default("provisioning_timeout_s")
        )
        request = CreateRolloutRequest.model_validate({
            "chart_version": self.version, "selector": {"all": True}, "reason": "bench B7",
            "steps": [step.strip() for step in self.args.steps.split(",")],
        })  # fmt: skip
        rollout_id = service.new_rollout_id()
        outcome = Outcome(rollout_id, [], False, [])
        memory.reset_peak()
        outcome.baseline = memory.now()

        self.clock.phase = "wave 1 queue"
        queued_at = time.monotonic()
        started = time.perf_counter()
        async with pool.connection() as conn, conn.transaction():
            plan = await service.plan_rollout(conn, None, PROFILE, request, rollout_id)
            planned_s = time.perf_counter() - started
            await service.create_rollout(conn, plan, ADMIN)
        queue_s = time.perf_counter() - started
        outcome.planned, outcome.add_chart = [len(w) for w in plan.waves], plan.add_chart
        first = Wave(1, len(plan.waves[0]), queue_s, planned_s, self.clock.get("wave 1 queue", ENQUEUE))
        first.queued_at = queued_at
        outcome.waves.append(first)

        for index, size in enumerate(outcome.planned):
            wave = outcome.waves[index]
            last = index == len(outcome.planned) - 1
            await self.commit_wave(pool, writer, controller, wave, outcome)
            await self.gate_wave(pool, controller, wave, outcome)
            wave.passed_at = time.monotonic()
            if not last:
                following = Wave(wave.number + 1, outcome.planned[index + 1], wave.gate_s)
                following.enqueue_s = wave.next_enqueue_s
                following.queued_at = wave.last_ready_at
                outcome.waves.append(following)
            assert wave.stores == size
        outcome.after = memory.now()
        async with pool.connection() as conn:
            cur = await conn.execute("SELECT state FROM rollouts WHERE id = %s", (rollout_id,))
            row = await cur.fetchone()
            outcome.final_state = row["state"] if row else "missing"
        return outcome

    async def commit_wave(
        self,
        pool: AsyncConnectionPool[Any],
        writer: FleetWriter,
        controller: RolloutController,
        wave: Wave,
        outcome: Outcome,
    ) -> None:
        before = git("rev-parse", BRANCH, cwd=self.remote).strip()
        self.clock.phase = f"wave {wave.number} commit"
        started = time.perf_counter()
        done = await writer.drain_once()
        wave.commit_s = time.perf_counter() - started
        after = git("rev-parse", BRANCH, cwd=self.remote).strip()
        if done != wave.stores:
            outcome.problems.append(
                f"wave {wave.number}: the writer completed {done} of {wave.stores} changes"
            )
        wave.record_s = await self.timed_pass(controller, f"wave {wave.number} record")
        state, group, recorded = await self.wave_row(pool, outcome.rollout_id, wave.number)
        if state != "gating":
            outcome.problems.append(f"wave {wave.number}: {state} after its commit was recorded, not gating")
        dirs = {f"tenants/{tenant}/{store}" for store, tenant in await self.members(pool, outcome, wave)}
        chart = wave.number == 1 and outcome.add_chart
        wave.commit, problems = self.check_commits(before, after, dirs, group, chart)
        if recorded != wave.commit:
            problems.append(f"recorded commit {recorded}, the remote's {wave.commit}")
        problems += await self.check_group(pool, group, wave)
        outcome.problems += [f"wave {wave.number}: {problem}" for problem in problems]

    async def gate_wave(
        self, pool: AsyncConnectionPool[Any], controller: RolloutController, wave: Wave, outcome: Outcome
    ) -> None:
        stores = [store for store, _ in await self.members(pool, outcome, wave)]
        await self.mark_ready(pool, stores[:-1])
        wave.waiting_s = await self.timed_pass(controller, f"wave {wave.number} gate waits")
        state, _, _ = await self.wave_row(pool, outcome.rollout_id, wave.number)
        if state != "gating":
            outcome.problems.append(f"wave {wave.number}: {state} with one store not ready, not gating")
        await self.mark_ready(pool, stores[-1:])
        phase = f"wave {wave.number} gate"
        wave.last_ready_at = time.monotonic()
        wave.gate_s = await self.timed_pass(controller, phase)
        wave.next_enqueue_s = self.clock.get(phase, ENQUEUE)
        state, _, _ = await self.wave_row(pool, outcome.rollout_id, wave.number)
        if state != "passed":
            outcome.problems.append(f"wave {wave.number}: {state} once every store was ready, not passed")

    # ---- database reads and writes (untimed) -----------------------------------------------------
    async def wave_row(
        self, pool: AsyncConnectionPool[Any], rollout_id: str, number: int
    ) -> tuple[str, str | None, str | None]:
        async with pool.connection() as conn:
            cur = await conn.execute(
                "SELECT state, commit_group, commit_sha FROM rollout_waves"
                " WHERE rollout_id = %s AND number = %s",
                (rollout_id, number),
            )
            row = await cur.fetchone()
        return (row["state"], row["commit_group"], row["commit_sha"]) if row else ("missing", None, None)

    async def members(
        self, pool: AsyncConnectionPool[Any], outcome: Outcome, wave: Wave
    ) -> list[tuple[str, str]]:
        """(store id, tenant) of the wave's stores, in id order; every one must have been committed."""
        async with pool.connection() as conn:
            cur = await conn.execute(
                "SELECT rs.store_id, s.owner_id, rs.state FROM rollout_stores rs JOIN stores s"
                " ON s.id = rs.store_id WHERE rs.rollout_id = %s AND rs.wave = %s ORDER BY rs.store_id",
                (outcome.rollout_id, wave.number),
            )
            rows = await cur.fetchall()
        skipped = [row["store_id"] for row in rows if row["state"] != "committed"]
        if skipped or len(rows) != wave.stores:
            outcome.problems.append(f"wave {wave.number}: {len(rows)} stores, {len(skipped)} not committed")
        return [(row["store_id"], row["owner_id"]) for row in rows]

    async def mark_ready(self, pool: AsyncConnectionPool[Any], stores: list[str]) -> None:
        """The watcher's verdict, simulated: the stores are ready at their new commit."""
        async with pool.connection() as conn:
            await conn.execute(
                "UPDATE stores SET status = 'ready', status_message = %s, error = NULL,"
                " status_changed_at = now(), updated_at = now() WHERE id = ANY(%s)",
                (READY_MESSAGE, stores),
            )

    async def check_group(self, pool: AsyncConnectionPool[Any], group: str | None, wave: Wave) -> list[str]:
        """Every outbox row of the wave's group is done, recorded with the wave's commit."""
        async with pool.connection() as conn:
            cur = await conn.execute(
                "SELECT count(*)::int AS n, count(*) FILTER (WHERE processed_at IS NULL)::int AS waiting,"
                " array_agg(DISTINCT commit_sha) AS shas FROM outbox WHERE commit_group = %s",
                (group,),
            )
            row = await cur.fetchone()
        assert row is not None
        if row["n"] != wave.stores or row["waiting"] or row["shas"] != [wave.commit]:
            return [f"outbox group {group}: {row['n']} rows, {row['waiting']} pending, commits {row['shas']}"]
        return []

    # ---- git (untimed) ---------------------------------------------------------------------------
    def check_commits(
        self, before: str, after: str, dirs: set[str], group: str | None, chart: bool
    ) -> tuple[str | None, list[str]]:
        """Exactly one new commit touching exactly `dirs` (and, with `chart`, the chart's own commit
        before it, touching only the chart version's directory); returns the store commit."""
        chart_dir = versioned_chart_path(PROFILE.chart_path, self.version) + "/"
        store_commits: list[tuple[str, set[str]]] = []
        charts, problems = 0, []
        for sha in git("rev-list", "--reverse", f"{before}..{after}", cwd=self.remote).split():
            paths = git("diff-tree", "--no-commit-id", "--name-only", "-r", "-z", sha, cwd=self.remote)
            files = [p for p in paths.split("\0") if p]
            if chart and files and all(p.startswith(chart_dir) for p in files):
                charts += 1
            elif files and all(p.startswith("tenants/") for p in files):
                store_commits.append((sha, {"/".join(p.split("/")[:3]) for p in files}))
            else:
                problems.append(f"commit {sha[:12]} touches {files[:3]}...")
        if charts != int(chart):
            problems.append(f"{charts} commits of the chart {chart_dir}, expected {int(chart)}")
        if len(store_commits) != 1:
            problems.append(f"{len(store_commits)} commits touching store directories, expected 1")
            return None, problems
        sha, touched = store_commits[0]
        if touched != dirs:
            problems.append(f"the commit touches {len(touched)} store directories, the wave has {len(dirs)}"
                            f" ({len(touched - dirs)} extra, {len(dirs - touched)} missing)")  # fmt: skip
        if f"Change-Group: {group}" not in git("log", "-1", "--format=%B", sha, cwd=self.remote):
            problems.append(f"commit {sha[:12]} lacks the trailer Change-Group: {group}")
        return sha, problems

    def stores_at_version_in_git(self) -> int:
        found = git("grep", "-l", "-F", f"chart_version: {self.version}", BRANCH, "--",
                    "tenants/*/store.yaml", cwd=self.remote)  # fmt: skip
        return len(found.splitlines())


async def run_rollout(run: Run, seeded: Seeded, memory: Memory) -> tuple[Outcome, int]:
    pool: AsyncConnectionPool[Any] = AsyncConnectionPool(
        run.conninfo,
        min_size=1,
        max_size=4,
        kwargs={"row_factory": dict_row, "autocommit": True},
        open=False,
        name="b7",
    )
    await pool.open(wait=True)
    try:
        outcome = await run.rollout(pool, seeded.head, memory)
        async with pool.connection() as conn:
            cur = await conn.execute(
                "SELECT count(*)::int AS n FROM stores WHERE spec->>'chart_version' = %s", (run.version,)
            )
            row = await cur.fetchone()
        return outcome, row["n"] if row else -1
    finally:
        await pool.close()


# ---- report --------------------------------------------------------------------------------------
def print_plan(outcome: Outcome, args: argparse.Namespace, version: str) -> None:
    waves_text = " / ".join(f"{n:,}" for n in outcome.planned)
    chart = "added by wave 1's group (the packaged chart)" if outcome.add_chart else "already in the repo"
    print(f"\nrollout {outcome.rollout_id}: chart {version} ({chart}) to {args.stores:,} stores, "
          f"steps {args.steps}: plan_waves gives waves of {waves_text} stores")  # fmt: skip


def print_waves(outcome: Outcome) -> None:
    largest = max(outcome.waves, key=lambda w: (w.stores, w.number))
    print(f"\nB7  validate + queue + commit per wave (target <= {WAVE_TARGET_S:.0f} s; seconds)")
    print(f"{'wave':<6}{'stores':>7}{'queue':>9}{'enqueue':>9}{'commit':>9}{'total':>9}{'record':>9}"
          "  verdict")  # fmt: skip
    for w in outcome.waves:
        mark = verdict(w.total_s <= WAVE_TARGET_S) + (" (the largest wave)" if w is largest else "")
        print(f"{w.number:<6}{w.stores:>7}{w.queue_s:>9.3f}{w.enqueue_s:>9.3f}{w.commit_s:>9.3f}"
              f"{w.total_s:>9.3f}{w.record_s:>9.3f}  {mark}")  # fmt: skip
    first = outcome.waves[0]
    print(f"queue: wave 1 = plan_rollout ({first.plan_s:.3f} s: chart checks, selection, overlap, wave plan)"
          " + create_rollout, one transaction; later waves = the controller pass that passed the previous"
          " wave's gate and queued it; enqueue = waves.enqueue_wave inside it. commit = one"
          " FleetWriter.drain_once. total = queue + commit. record = the controller pass that records"
          " the commit (not in total).")  # fmt: skip
    print(f"largest wave ({largest.stores:,} stores) validate + queue + commit: {largest.total_s:.3f} s "
          f"(target <= {WAVE_TARGET_S:.0f} s) {verdict(largest.total_s <= WAVE_TARGET_S)}")  # fmt: skip


def print_gates(outcome: Outcome) -> None:
    print("\nB7  gate: the controller pass once the last store of the wave is ready (seconds)")
    print(f"{'wave':<6}{'stores':>7}{'1 left':>9}{'last in':>9}{'next enq':>9}{'gate':>9}")
    for w in outcome.waves:
        print(f"{w.number:<6}{w.stores:>7}{w.waiting_s:>9.3f}{w.gate_s:>9.3f}{w.next_enqueue_s:>9.3f}"
              f"{w.gate_s - w.next_enqueue_s:>9.3f}")  # fmt: skip
    print("1 left = the pass with every store but one ready (the gate waits); last in = the pass once the"
          " last one is ready (passes the wave, and but for the last wave queues the next: next enq);"
          " gate = last in - next enq. The controller's tick (ROLLOUT_TICK_S) is not included.")  # fmt: skip
    last = outcome.waves[-1]
    print(f"gate after the last store ready, last wave ({last.stores:,} stores): {last.gate_s:.3f} s "
          f"(target <= {GATE_TARGET_S:.0f} s) {verdict(last.gate_s <= GATE_TARGET_S)}")  # fmt: skip


def print_memory(outcome: Outcome, memory: Memory) -> None:
    print("\nB7  memory of this process (MB): the rollout path in-process, API-side queueing + writer + "
          "controller, the platform's code loaded; git fast-import and PostgreSQL not counted")  # fmt: skip
    print(f"before the rollout: VmRSS {outcome.baseline['VmRSS']:.1f}")
    print(f"{'wave':<6}{'stores':>7}{'VmRSS peak':>12}  (sampled from its queueing to its gate passing)")
    for w in outcome.waves:
        print(f"{w.number:<6}{w.stores:>7}{memory.peak(w.queued_at, w.passed_at):>12.1f}")
    largest = max(outcome.waves, key=lambda w: (w.stores, w.number))
    peak = memory.peak(largest.queued_at, largest.passed_at)
    print(f"VmRSS peak during the largest wave ({largest.stores:,} stores): {peak:.1f} MB "
          f"(target <= {RSS_TARGET_MB:.0f} MB) {verdict(peak <= RSS_TARGET_MB)}")  # fmt: skip
    hwm = outcome.after["VmHWM"]
    scope = "since the rollout began (reset then)" if memory.hwm_reset else "since the process began"
    print(f"VmHWM {scope}: {hwm:.1f} MB (target <= {RSS_TARGET_MB:.0f} MB) {verdict(hwm <= RSS_TARGET_MB)}"
          f"; VmRSS at the end {outcome.after['VmRSS']:.1f} MB")  # fmt: skip


def print_breakdown(outcome: Outcome, clock: Clock) -> None:
    names = [label for _, _, label in INSTRUMENTED if label != ENQUEUE] + [*GIT_PARTS, GC]
    print("\nB7  where the time goes (seconds inside each product function, per step of each wave)")
    for w in outcome.waves:
        for step in ("queue", "commit", "record", "gate"):
            phase = f"wave {w.number} {step}"
            spent = [(name, clock.get(phase, name)) for name in (ENQUEUE, *names) if clock.get(phase, name)]
            if spent:
                print(f"  {phase:<16}" + ", ".join(f"{name} {seconds:.3f}" for name, seconds in spent))
    print(
        "  (wave N gate includes queueing wave N+1; lifecycle_service.offer_with_writes runs inside"
        " waves.enqueue_wave and inside fleet.service.complete_changes; garbage collection: its passes in"
        " any thread, the writer's render and git included)"
    )


def report_checks(outcome: Outcome, in_db: int, in_git: int, stores: int) -> bool:
    problems = list(outcome.problems)
    if outcome.final_state != "succeeded":
        problems.append(f"the rollout is {outcome.final_state}, not succeeded")
    if outcome.planned and sum(outcome.planned) != stores:
        problems.append(f"the waves hold {sum(outcome.planned)} stores, not {stores}")
    if in_db != stores or in_git != stores:
        problems.append(f"stores at the version: {in_db} in the database, {in_git} in git, of {stores}")
    print("\nrollout check: " + ("OK, each wave one commit of exactly its stores, every gate passed, every "
                                  "store at the version in the database and in git" if not problems
                                  else "PROBLEMS"))  # fmt: skip
    for problem in problems[:20]:
        print(f"  ! {problem}")
    return not problems


# ---- main ----------------------------------------------------------------------------------------
def run(args: argparse.Namespace) -> bool:
    print_machine()
    root = Path(tempfile.mkdtemp(prefix="sf-b7-"))
    try:
        with contextlib.ExitStack() as stack:
            pg = EmbeddedPostgres(root / "postgres")
            conninfo = pg.start()
            stack.callback(pg.stop)
            apply_migrations(conninfo)
            started = time.monotonic()
            seeded = seed_in_child(root, conninfo, args)
            took = time.monotonic() - started
            print(f"set up {args.stores:,} stores ready at their own commit in {took:.1f}s "
                  f"(render {seeded.render_s:.1f}s, git {seeded.git_s:.1f}s, database {seeded.db_s:.1f}s; "
                  "in a child process)")  # fmt: skip
            # The platform's code resident, as in `storefleet up` (the figure below is this process's),
            # and, as its lifespan does once started, out of the garbage collector's full passes.
            importlib.import_module("storefleet.api.app")
            gc.collect()
            gc.freeze()
            clock = Clock()
            rollout = Run(args, root, conninfo, clock)
            memory = stack.enter_context(Memory(args.sample_ms / 1000))
            with instrumented(clock):
                outcome, in_db = asyncio.run(run_rollout(rollout, seeded, memory))
            in_git = rollout.stores_at_version_in_git()
            print_plan(outcome, args, rollout.version)
            print_waves(outcome)
            print_gates(outcome)
            print_memory(outcome, memory)
            print_breakdown(outcome, clock)
            return report_checks(outcome, in_db, in_git, args.stores)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def add_options(add: Callable[..., argparse.Action]) -> None:
    add("--stores", type=int, default=10_000, help="stores in the fleet, all selected by the rollout")
    add("--tenants", type=int, default=100, help="tenants the stores are spread over")
    add("--steps", default="1%,10%,50%,100%", help="the rollout's steps (cumulative), comma-separated")
    add("--sample-ms", type=float, default=10.0, help="VmRSS sampling interval")


if __name__ == "__main__":
    sys.exit(bench_main(__doc__, add_options, run, SMOKE))
