"""Rendering a big batch on two cores: a helper process renders the batch's tail while the writer's
thread renders its head and hands each store's files to git.

Rendering is pure Python, so the writer's threads share one core; a 5,000-store rollout wave spent
most of its commit rendering. A process of our own renders part of it at the same time. It is
started by the first batch big enough to use it (not at start-up: most platforms never commit such a
batch, and the process costs ~50 MB), and until it is ready every batch renders in the thread as
before. A helper that dies or hangs is dropped and its part rendered in the thread: the batch never
depends on it.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import logging
import multiprocessing
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from storefleet.api.domain.outbox_repository import PendingChange
from storefleet.api.fleet.changes import Rendered, render_changes
from storefleet.renderer.model import DirectoryChange
from storefleet.renderer.profile import RenderProfile

log = logging.getLogger(__name__)

# A part the helper has not rendered in this long is rendered here instead (it renders ~10,000
# stores a second: only a stuck process takes this long).
_PART_TIMEOUT_S = 60.0
CPU_MAX = Path("/sys/fs/cgroup/cpu.max")  # cgroup v2: "<quota> <period>" or "max <period>"


def usable_cpus() -> float:
    """CPUs this process may use: its affinity, capped by a cgroup v2 CPU quota (a pod's limit)."""
    cpus = float(len(os.sched_getaffinity(0)))
    with contextlib.suppress(OSError, ValueError):
        quota, period = CPU_MAX.read_text().split()[:2]
        if quota != "max":
            cpus = min(cpus, int(quota) / int(period))
    return cpus


def default_processes() -> int:
    """One helper where a second CPU is there to run it; none on one CPU (it would only compete)."""
    return 1 if usable_cpus() >= 2 else 0


class RenderPool:
    """`render` a batch, splitting it with `processes` helper processes once it has `min_batch`
    changes (0 processes: always in the calling thread; None: `default_processes()`)."""

    def __init__(self, processes: int | None, min_batch: int) -> None:
        processes = default_processes() if processes is None else processes
        self._processes = processes
        self._min_batch = max(processes + 1, min_batch)
        self._executor: ProcessPoolExecutor | None = None
        self._ready: Future[list[Rendered]] | None = None
        self._lock = threading.Lock()

    def render(
        self,
        changes: Sequence[PendingChange],
        profile: RenderProfile,
        rendered_hook: Callable[[DirectoryChange], None] | None = None,
    ) -> list[Rendered]:
        """Each change's directory (or why it cannot be rendered), in order; `rendered_hook` gets
        every directory, the helpers' parts once they are back."""
        executor = self._executor_for(len(changes))
        if executor is None:
            return render_changes(changes, profile, rendered_hook)
        # One part per helper, sent at once (smaller parts cost more in pickling and in this
        # process's share of the executor's work than they gained by coming back earlier).
        share = len(changes) // (self._processes + 1)
        head = len(changes) - share * self._processes
        parts = [
            (part, self._submit(executor, part, profile))
            for part in (changes[start : start + share] for start in range(head, len(changes), share))
        ]
        results = render_changes(changes[:head], profile, rendered_hook)
        for part, future in parts:
            results += self._collect(part, future, profile, rendered_hook)
        return results

    def close(self) -> None:
        with self._lock:
            executor, self._executor, self._ready = self._executor, None, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)

    def ready(self) -> bool:
        """Whether helpers are started and ready: the next big batch is split."""
        ready = self._ready
        return ready is not None and ready.done() and ready.exception() is None

    def process_ids(self) -> list[int]:
        """The helpers' process ids (their memory is reported beside the writer's)."""
        executor = self._executor
        processes = getattr(executor, "_processes", None) or {}
        return sorted(processes)

    # ---- the helpers -------------------------------------------------------------------------------
    def _executor_for(self, size: int) -> ProcessPoolExecutor | None:
        """The helpers when they are ready for a batch of `size`; the first big batch starts them."""
        if self._processes <= 0 or size < self._min_batch:
            return None
        with self._lock:
            if self._executor is None:
                context = multiprocessing.get_context("spawn")  # no fork of a threaded process
                self._executor = ProcessPoolExecutor(self._processes, mp_context=context)
                # Importing the renderer is most of a helper's start: done ahead, off this batch.
                self._ready = self._executor.submit(render_changes, [], RenderProfile())
                log.info("fleet writer: starting %d render helper process(es)", self._processes)
            ready = self._ready
        if ready is None or not ready.done():
            return None
        if ready.exception() is not None:
            self._drop(f"it failed to start: {ready.exception()}")
            return None
        return self._executor

    def _submit(
        self, executor: ProcessPoolExecutor, part: Sequence[PendingChange], profile: RenderProfile
    ) -> Future[list[Rendered]] | None:
        try:
            return executor.submit(render_changes, list(part), profile)
        except (BrokenProcessPool, RuntimeError) as exc:
            self._drop(str(exc))
            return None

    def _collect(
        self,
        part: Sequence[PendingChange],
        future: Future[list[Rendered]] | None,
        profile: RenderProfile,
        rendered_hook: Callable[[DirectoryChange], None] | None,
    ) -> list[Rendered]:
        if future is not None:
            try:
                results = future.result(timeout=_PART_TIMEOUT_S)
            except (BrokenProcessPool, concurrent.futures.TimeoutError) as exc:
                self._drop(f"{type(exc).__name__}: {exc}")
            else:
                if rendered_hook is not None:
                    for result in results:
                        if isinstance(result, DirectoryChange):
                            rendered_hook(result)
                return results
        return render_changes(part, profile, rendered_hook)

    def _drop(self, why: str) -> None:
        log.warning("fleet writer: render helper dropped (%s); rendering in the writer's thread", why)
        with self._lock:
            executor, self._executor, self._ready = self._executor, None, None
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)
            for process in list((getattr(executor, "_processes", None) or {}).values()):
                process.kill()
