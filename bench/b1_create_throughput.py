"""B1: store-create throughput, API latency and commit+push rate, against the naive git loop.

Runs the real platform (`storefleet up`: embedded PostgreSQL, the API and the in-process fleet
writer, whose remote is the local bare repo `<state-dir>/fleet.git`) in a temporary state dir with
`PASSWORD_HASH_PROFILE=cheapest`. Registers an admin and 10 tenants through the API, then 10 client
threads (one per tenant, one keep-alive connection each) POST 100 stores each as fast as the server
answers. Meanwhile the main thread polls `git rev-list --count main` of the remote until all 1,000
stores have a commit there. Then it checks the remote (exactly one new commit per store, touching only
that store's directory), reads the server's RSS, stops it, and replays the same 1,000 store specs
through the loop a user would write (render, write files, `git add -A`, `git commit`, `git push`, one
change at a time) against a fresh bare remote, to compare.

    .venv/bin/python bench/b1_create_throughput.py [--tenants 10] [--per-tenant 100] [--naive 1000]

Prints a table with PASS/FAIL against the targets; the exit code is 0 whatever the figures.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psycopg
from _harness import (
    Account,
    Platform,
    pct,
    print_machine,
    proc_status,
    register,
    running_platform,
    verdict,
)

from storefleet.renderer.commit_message import ChangeRecord, commit_message
from storefleet.renderer.manifests import render_store, store_dir
from storefleet.renderer.profile import GitOpsEngine, RenderProfile
from storefleet.renderer.spec import StoreSpec
from storefleet.renderer.template import instantiate_template

P99_TARGET_MS = 50.0
RATIO_TARGET = 20.0
_GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "bench-user", "GIT_AUTHOR_EMAIL": "bench@localhost",
    "GIT_COMMITTER_NAME": "bench-user", "GIT_COMMITTER_EMAIL": "bench@localhost",
}  # fmt: skip


# ---- git helpers ---------------------------------------------------------------------------------
def git(*args: str, cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=120)
    if result.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)} failed: {result.stderr.strip()}")
    return result.stdout


def commit_count(remote: Path) -> int:
    return int(git("rev-list", "--count", "main", cwd=remote))


# ---- the load ------------------------------------------------------------------------------------
@dataclass
class WorkerResult:
    latencies_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    finished_at: float = 0.0


def store_body(tenant: int, index: int) -> dict[str, str]:
    """A DNS-label name unique per tenant; engines, themes and plans mixed like a real fleet."""
    body = {"name": f"shop-{tenant:02d}-{index:03d}", "engine": "medusa" if index % 3 == 2 else "woocommerce"}
    if body["engine"] == "woocommerce":
        body["theme"] = ("storefront", "astra")[index % 2]
    body["plan"] = ("small", "small", "medium", "small", "large")[index % 5]
    return body


def create_stores(
    base_url: str, account: Account, tenant: int, count: int, go: threading.Event, out: WorkerResult
) -> None:
    with httpx.Client(base_url=base_url, timeout=30.0, trust_env=False, headers=account.headers) as client:
        client.get("/api/v1/auth/me")  # open the keep-alive connection before the clock starts
        go.wait()
        for index in range(count):
            started = time.perf_counter()
            try:
                response = client.post("/api/v1/stores", json=store_body(tenant, index))
            except httpx.HTTPError as exc:
                out.errors.append(f"{type(exc).__name__}: {exc}")
                continue
            out.latencies_ms.append((time.perf_counter() - started) * 1000)
            if response.status_code != 202:
                out.errors.append(f"{response.status_code} {response.text[:200]}")
        out.finished_at = time.perf_counter()


@dataclass(frozen=True)
class LoadResult:
    latencies_ms: list[float]
    errors: list[str]
    accepted_s: float  # first request sent -> last response received
    committed_s: float | None  # first request sent -> the last store's commit on the remote's main


def run_load(plat: Platform, tenants: list[Account], per_tenant: int, budget_s: float) -> LoadResult:
    target = commit_count(plat.fleet_remote) + len(tenants) * per_tenant
    go = threading.Event()
    results = [WorkerResult() for _ in tenants]
    threads = [
        threading.Thread(target=create_stores, args=(plat.base_url, acc, i, per_tenant, go, results[i]))
        for i, acc in enumerate(tenants)
    ]
    for thread in threads:
        thread.start()
    time.sleep(0.5)  # every worker connected and waiting
    started = time.perf_counter()
    go.set()
    committed_at = wait_for_commits(plat.fleet_remote, target, started + budget_s)
    for thread in threads:
        thread.join()
    return LoadResult(
        latencies_ms=[ms for r in results for ms in r.latencies_ms],
        errors=[e for r in results for e in r.errors],
        accepted_s=max(r.finished_at for r in results) - started,
        committed_s=None if committed_at is None else committed_at - started,
    )


def wait_for_commits(remote: Path, target: int, deadline: float, interval_s: float = 0.02) -> float | None:
    """perf_counter() when the remote's main first holds `target` commits (None: deadline passed)."""
    while time.perf_counter() < deadline:
        if commit_count(remote) >= target:
            return time.perf_counter()
        time.sleep(interval_s)
    print(f"! the remote did not reach {target} commits in time", file=sys.stderr)
    return None
