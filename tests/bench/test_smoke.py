"""Every benchmark still runs: each `bench/b*.py` at its `--smoke` size (a few stores, a few seconds),
as its own process, exits 0, prints its figures and passes its own correctness checks. The figures
themselves mean nothing at this size and are not judged."""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[2]
BENCH = REPO / "bench"

# script -> lines its output must contain: figures, then its correctness check
EXPECTED = {
    "b1_create_throughput.py": [
        "requests answered 202 / errors",
        "API latency p50 / p99 / max ms",
        "platform / naive (stores/s)",
        "remote check: OK",
    ],
    "b2_commit_latency_vs_repo_size.py": ["p50 ratio 200 / 10 stores", "end to end", "remote check: OK"],
    "b3_watcher_events.py": [
        "total, first event emitted -> last effect in the DB",
        "per-event p99 <= 100 ms",
        "event check: OK",
    ],
    "b4_b5_store_list.py": [
        "admin, first page (limit=50), no total",
        "admin, deep page (row 100) by cursor, no total",
        "after B4 (B5 figure)",
        "list check: OK",
    ],
    "b7_rollout_waves.py": [
        "plan_waves gives waves of",
        "validate + queue + commit per wave",
        "gate after the last store ready, last wave",
        "VmRSS peak during the largest wave",
        "rollout check: OK",
    ],
    "b8_watcher_startup.py": [
        "every store judged (ready), from the watcher's start",
        "watcher VmHWM",
        "emulators' share, apart",
        "start-up check: OK",
    ],
    "b9_gitsync_catchup.py": [
        "sync_once: fetch + walk + apply, until the database reflects them all",
        "sync check: OK",
    ],
}


def test_every_benchmark_has_a_smoke_run_here() -> None:
    assert sorted(p.name for p in BENCH.glob("b*.py")) == sorted(EXPECTED)


@pytest.mark.slow
@pytest.mark.parametrize("script", sorted(EXPECTED))
def test_smoke_run(script: str) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "STOREFLEET_STATE_DIR")}
    result = subprocess.run(
        [sys.executable, str(BENCH / script), "--smoke", "--startup-timeout", "60"],
        capture_output=True, text=True, cwd=REPO, env=env, timeout=120, check=False,
    )  # fmt: skip
    output = result.stdout
    assert result.returncode == 0, f"exit {result.returncode}\n{output[-3000:]}\n{result.stderr[-3000:]}"
    for line in [*EXPECTED[script], "checks: OK"]:
        assert line in output, f"{line!r} not in the output:\n{output[-3000:]}"


# ---- the harness's command line -----------------------------------------------------------------
def harness() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_harness", BENCH / "_harness.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_a_failed_check_exits_1_and_figures_alone_never_do(capsys: pytest.CaptureFixture[str]) -> None:
    bench_main = harness().bench_main

    def no_options(add: Callable[..., object]) -> None:
        pass

    assert bench_main(None, no_options, lambda args: True, {}, argv=[]) == 0
    assert bench_main(None, no_options, lambda args: False, {}, argv=[]) == 1
    assert capsys.readouterr().out.splitlines() == ["checks: OK", "checks: FAILED"]


def test_smoke_sets_the_sizes_and_explicit_options_win() -> None:
    bench_main = harness().bench_main
    seen: list[tuple[int, int]] = []

    def options(add: Callable[..., object]) -> None:
        add("--stores", type=int, default=1000)
        add("--events", type=int, default=10000)

    def run(args: argparse.Namespace) -> bool:
        seen.append((args.stores, args.events))
        return True

    smoke = {"stores": 20, "events": 200}
    bench_main(None, options, run, smoke, argv=[])
    bench_main(None, options, run, smoke, argv=["--smoke"])
    bench_main(None, options, run, smoke, argv=["--smoke", "--stores", "30"])
    assert seen == [(1000, 10000), (20, 200), (30, 200)]
