"""B4/B5: store-list latency with 100,000 stores, and the API server's resident memory during it.

Runs the real platform (`storefleet up`: embedded PostgreSQL + the API in one Python process) in a
temporary state dir, registers an admin and a tenant through the API, seeds the `stores` table
directly with COPY (then VACUUM ANALYZE, as autovacuum leaves a long-lived table), then times
sequential `GET /api/v1/stores` requests over one keep-alive connection: the admin's first page and
a deep page reached by walking `next_cursor` (both without the count, `include_total=false`), a
tenant's first page (with its count), and for information the admin's first page with the count
and the old `offset` deep page. VmRSS/VmHWM of the `storefleet up` process come from /proc.

    .venv/bin/python bench/b4_b5_store_list.py [--stores 100000] [--requests 2000]

Prints a table with PASS/FAIL against the targets; the exit code is 0 whatever the figures, and 1
when a request fails, a page's `total` is not the database's count, or the page reached by cursor
is not the page at that offset. `--smoke`: 300 stores and a few dozen requests, in a few seconds.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg
from _harness import (
    Account,
    bench_main,
    pct,
    postmaster_pid,
    print_machine,
    proc_status,
    register,
    running_platform,
    verdict,
)

P99_TARGET_MS = 20.0
RSS_TARGET_MB = 150.0
# B5 measures what signing in costs in memory (argon2's default profile: 64 MiB per hash), so the
# hash profile stays at its default; only the per-person guards are lifted (two registrations from
# one IP would pass them anyway), by the harness for every run. Everything else: production defaults.
SERVER_ENV: dict[str, str] = {}
# `--count-api-limits`: every request counted against the API request limits (one statement each,
# what production pays), with limits too high to refuse any of the benchmark's requests.
COUNTED_API_LIMITS = {"API_RATE_LIMIT_READS": "1000000", "API_RATE_LIMIT_WRITES": "1000000"}
# `--smoke`: 300 stores, a few dozen requests per scenario, a few seconds (the test suite runs it).
SMOKE = {"stores": 300, "tenant_stores": 50, "deep_row": 100, "requests": 30, "warmup": 5}
_B32 = "abcdefghijklmnopqrstuvwxyz234567"
# Status mix of a long-lived fleet: mostly ready, a tail of in-flight, failed and deleted stores.
_STATUS_WEIGHTS = {
    "ready": 70, "provisioning": 4, "requested": 4, "pending_approval": 2, "updating": 3,
    "failed": 5, "deleting": 2, "deleted": 10,
}  # fmt: skip
_STATUS_MESSAGES = {
    "ready": "store is ready",
    "provisioning": "committed to the fleet repo; waiting for the cluster",
    "requested": "accepted; waiting for the fleet writer to commit it",
    "pending_approval": "waiting for an admin to approve the plan",
    "updating": "update committed; waiting for the cluster",
    "failed": "provisioning failed",
    "deleting": "deletion requested; waiting for the fleet writer to commit it",
    "deleted": "store deleted",
}
_STORE_COLUMNS = (
    "id", "owner_id", "name", "engine", "theme", "plan", "status", "status_message", "error", "spec",
    "spec_hash", "last_commit_sha", "created_at", "updated_at", "deleted_at",
)  # fmt: skip


# ---- data ----------------------------------------------------------------------------------------
def random_id(rng: random.Random, prefix: str, taken: set[str]) -> str:
    while True:
        candidate = f"{prefix}-{''.join(rng.choices(_B32, k=10))}"
        if candidate not in taken:
            taken.add(candidate)
            return candidate


def insert_filler_users(conn: psycopg.Connection[Any], rng: random.Random, count: int) -> list[str]:
    """Other tenants that own the rest of the fleet; they never sign in, so the hash is a dummy."""
    taken: set[str] = set()
    rows = [(random_id(rng, "u", taken), f"tenant{i:03d}") for i in range(count)]
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO users (id, email, username, password_hash, role) VALUES (%s, %s, %s, %s, 'tenant')",
            [(uid, f"{name}@example.com", name, "$argon2id$dummy") for uid, name in rows],
        )
    return [uid for uid, _ in rows]


def store_row(
    rng: random.Random, store_id: str, owner: str, index: int, created: datetime
) -> tuple[Any, ...]:
    engine = "woocommerce" if rng.random() < 0.65 else "medusa"
    theme = rng.choice(["storefront", "astra"]) if engine == "woocommerce" else None
    plan = rng.choices(["small", "medium", "large"], weights=[70, 25, 5])[0]
    status = rng.choices(list(_STATUS_WEIGHTS), weights=list(_STATUS_WEIGHTS.values()))[0]
    name = f"shop-{index:05d}"
    spec = {"api_version": "storefleet.io/v1", "store_id": store_id, "tenant": owner, "name": name,
            "engine": engine, "theme": theme, "plan": plan}  # fmt: skip
    spec_json = json.dumps(spec, sort_keys=True, separators=(",", ":"))
    updated = created + timedelta(minutes=rng.randint(1, 60 * 24 * 30))
    committed = status not in ("requested", "pending_approval")
    return (
        store_id, owner, name, engine, theme, plan, status, _STATUS_MESSAGES[status],
        "helm install timed out after 600s" if status == "failed" else None, spec_json,
        hashlib.sha256(spec_json.encode()).hexdigest(),
        hashlib.sha1(f"{store_id}{status}".encode()).hexdigest() if committed else None,
        created, updated, updated if status == "deleted" else None,
    )  # fmt: skip


def owners_for(
    rng: random.Random, count: int, tenant_id: str, tenant_stores: int, others: list[str]
) -> list[str]:
    owners = [tenant_id] * min(tenant_stores, count)
    owners += [rng.choice(others) for _ in range(count - len(owners))]
    rng.shuffle(owners)
    return owners


def seed_stores(conninfo: str, count: int, tenant_id: str, tenant_stores: int, filler_users: int) -> None:
    rng = random.Random(4)
    now = datetime.now(UTC)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        others = insert_filler_users(conn, rng, filler_users)
        owners = owners_for(rng, count, tenant_id, tenant_stores, others)
        taken: set[str] = set()
        with conn.cursor() as cur, cur.copy(f"COPY stores ({', '.join(_STORE_COLUMNS)}) FROM STDIN") as copy:
            for index, owner in enumerate(owners):
                created = now - timedelta(seconds=rng.uniform(0, 730 * 86400))
                copy.write_row(store_row(rng, random_id(rng, "st", taken), owner, index, created))
        # A fleet of 100,000 stores is old: autovacuum has set the visibility map an index-only scan
        # (the page's ids, the count) reads. Fresh from COPY it is unset until autovacuum comes by
        # in the middle of the run, so the figures would depend on when it did.
        conn.execute("VACUUM (ANALYZE) stores")
        conn.execute("ANALYZE users")


# ---- measuring -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Latency:
    label: str
    samples_ms: list[float]
    body_bytes: int
    total: int | None  # None: the page was asked without its count
    store_ids: list[str]
    informational: bool  # not judged against the target

    def pct(self, p: float) -> float:
        return pct(self.samples_ms, p)


@dataclass(frozen=True)
class Scenario:
    label: str
    url: str
    account: Account
    informational: bool = False


def time_requests(
    client: httpx.Client, scenario: Scenario, warmup: int, count: int, budget_s: float
) -> Latency:
    label, url, headers = scenario.label, scenario.url, scenario.account.headers
    first = client.get(url, headers=headers)
    if first.status_code != 200:
        raise RuntimeError(f"{url}: {first.status_code} {first.text[:500]}")
    for _ in range(warmup):
        client.get(url, headers=headers)
    samples: list[float] = []
    deadline = time.monotonic() + budget_s
    while len(samples) < count and time.monotonic() < deadline:
        started = time.perf_counter_ns()
        response = client.get(url, headers=headers)
        samples.append((time.perf_counter_ns() - started) / 1e6)
        if response.status_code != 200:
            raise RuntimeError(f"{url}: {response.status_code} {response.text[:500]}")
    if len(samples) < count:
        print(f"! {label}: {budget_s:.0f}s budget ran out after {len(samples)} requests", file=sys.stderr)
    body = first.json()
    ids = [store["id"] for store in body["stores"]]
    return Latency(label, samples, len(first.content), body["total"], ids, scenario.informational)


def postgres_memory(pgdata: Path) -> tuple[int, float, float]:
    """(processes, sum of RSS MB, sum of PSS MB) of the postmaster and its children.

    RSS counts shared_buffers once per process that touched them; PSS splits shared pages fairly.
    """
    root = postmaster_pid(pgdata)
    if root is None:
        return 0, 0.0, 0.0
    children = Path(f"/proc/{root}/task/{root}/children").read_text().split()
    pids = [root, *map(int, children)]
    rss = pss = 0.0
    for pid in pids:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith(("Rss:", "Pss:")):
                    kb = int(line.split()[1]) / 1024
                    rss, pss = (rss + kb, pss) if line.startswith("Rss:") else (rss, pss + kb)
    return len(pids), rss, pss


# ---- report --------------------------------------------------------------------------------------
def print_latency(results: list[Latency], args: argparse.Namespace) -> None:
    print(f"\nB4  GET /api/v1/stores, {args.stores} stores, {args.requests} sequential requests "
          f"after {args.warmup} warm-up, one keep-alive connection")  # fmt: skip
    print(f"{'scenario':<50}{'n':>6}{'total':>7}{'bytes':>7}{'p50':>8}{'p99':>8}{'max':>8}{'mean':>8}"
          f"{'req/s':>7}  p99<={P99_TARGET_MS:.0f}ms")  # fmt: skip
    for r in results:
        mean = statistics.fmean(r.samples_ms)
        judged = verdict(r.pct(99) <= P99_TARGET_MS)
        print(f"{r.label:<50}{len(r.samples_ms):>6}{'-' if r.total is None else r.total:>7}{r.body_bytes:>7}"
              f"{r.pct(50):>8.2f}{r.pct(99):>8.2f}{max(r.samples_ms):>8.2f}{mean:>8.2f}{1000 / mean:>7.0f}  "
              f"{f'({judged}, information)' if r.informational else judged}")  # fmt: skip
    print("(latencies in ms, measured in the client around each request, body read included;"
          " total '-': asked with include_total=false)")  # fmt: skip


def print_memory(pid: int, phases: list[tuple[str, dict[str, float]]], pg: tuple[int, float, float]) -> None:
    print(f"\nB5  API server memory (`storefleet up`, pid {pid})")
    print(f"{'phase':<34}{'VmRSS MB':>10}{'VmHWM MB':>10}")
    for name, mem in phases:
        print(f"{name:<34}{mem['VmRSS']:>10.1f}{mem['VmHWM']:>10.1f}")
    final = phases[-1][1]
    rss_ok, hwm_ok = final["VmRSS"] <= RSS_TARGET_MB, final["VmHWM"] <= RSS_TARGET_MB
    print(f"VmRSS after B4 <= {RSS_TARGET_MB:.0f} MB: {verdict(rss_ok)}"
          f"    VmHWM (peak) <= {RSS_TARGET_MB:.0f} MB: {verdict(hwm_ok)}")  # fmt: skip
    print(f"PostgreSQL (information, not B5): {pg[0]} processes, "
          f"RSS sum {pg[1]:.1f} MB, PSS sum {pg[2]:.1f} MB")  # fmt: skip


# ---- main ----------------------------------------------------------------------------------------
def cursor_at(client: httpx.Client, admin: Account, limit: int, row: int) -> tuple[str, float]:
    """The cursor of the page starting at `row` (a multiple of `limit`), reached as a client would:
    page after page by `next_cursor`. Also the seconds the walk took."""
    started = time.monotonic()
    page = f"/api/v1/stores?limit={limit}&include_total=false"
    cursor = ""
    for _ in range(row // limit):
        response = client.get(page + (f"&cursor={cursor}" if cursor else ""), headers=admin.headers)
        if response.status_code != 200 or response.json()["next_cursor"] is None:
            raise RuntimeError(f"walking to row {row}: {response.status_code} {response.text[:300]}")
        cursor = response.json()["next_cursor"]
    return cursor, time.monotonic() - started


def run_scenarios(
    client: httpx.Client, admin: Account, tenant: Account, args: argparse.Namespace
) -> list[Latency]:
    if args.deep_row % args.limit:
        raise SystemExit(f"--deep-row {args.deep_row} is not a multiple of --limit {args.limit}")
    page = f"/api/v1/stores?limit={args.limit}"
    cursor, walk_s = cursor_at(client, admin, args.limit, args.deep_row)
    print(f"walked to row {args.deep_row} by cursor in {walk_s:.1f}s ({args.deep_row // args.limit} pages)")
    uncounted = f"{page}&include_total=false"
    deep = args.deep_row
    scenarios = [
        Scenario(f"admin, first page (limit={args.limit}), no total", uncounted, admin),
        Scenario(f"admin, deep page (row {deep}) by cursor, no total", f"{uncounted}&cursor={cursor}", admin),
        Scenario(f"tenant ({args.tenant_stores} stores), first page", page, tenant),
        Scenario("admin, first page with total", page, admin, informational=True),
        Scenario(f"admin, deep page (offset={deep}) with total", f"{page}&offset={deep}", admin, True),
    ]
    return [time_requests(client, s, args.warmup, args.requests, args.budget) for s in scenarios]


def check_pages(conninfo: str, results: list[Latency], tenant_id: str) -> bool:
    """The pages' `total` is what the database holds (live stores, of everyone or of the tenant), and
    the page reached by cursor holds the stores of the page at that offset."""
    with psycopg.connect(conninfo, autocommit=True) as conn:
        everyone = conn.execute("SELECT count(*) FROM stores WHERE status <> 'deleted'").fetchone()
        own = conn.execute(
            "SELECT count(*) FROM stores WHERE status <> 'deleted' AND owner_id = %s", (tenant_id,)
        ).fetchone()
    counted = [(results[2], own), (results[3], everyone), (results[4], everyone)]
    problems = [f"{r.label}: total {r.total}, the database holds {want[0] if want else None}"
                for r, want in counted if not want or r.total != want[0]]  # fmt: skip
    problems += [f"{r.label}: asked without a total, got {r.total}"
                 for r in results[:2] if r.total is not None]  # fmt: skip
    by_cursor, by_offset = results[1], results[4]
    if not by_cursor.store_ids or by_cursor.store_ids != by_offset.store_ids:
        problems.append(f"{by_cursor.label}: not the stores of the page at that offset")
    print("list check: " + ("OK, every total is the database's count and the cursor page is the offset page"
                            if not problems else "PROBLEMS"))  # fmt: skip
    for problem in problems:
        print(f"  ! {problem}")
    return not problems


def _server_env(args: argparse.Namespace) -> dict[str, str]:
    return {**SERVER_ENV, **(COUNTED_API_LIMITS if args.count_api_limits else {})}


def run(args: argparse.Namespace) -> bool:
    print_machine()
    with (
        running_platform("sf-b4-", args.startup_timeout, _server_env(args)) as plat,
        httpx.Client(base_url=plat.base_url, timeout=10.0, trust_env=False) as client,
    ):
        phases = [("after start (healthy)", proc_status(plat.proc.pid))]
        admin, tenant = register(client, "bench-admin"), register(client, "bench-tenant")
        if admin.role != "admin" or tenant.role != "tenant":
            raise RuntimeError(f"unexpected roles: admin={admin.role} tenant={tenant.role}")
        started = time.monotonic()
        seed_stores(plat.conninfo, args.stores, tenant.id, args.tenant_stores, args.filler_users)
        print(f"seeded {args.stores} stores in {time.monotonic() - started:.1f}s (COPY + VACUUM ANALYZE)")
        phases.append(("after register + seed", proc_status(plat.proc.pid)))
        results = run_scenarios(client, admin, tenant, args)
        phases.append(("after B4 (B5 figure)", proc_status(plat.proc.pid)))
        pg = postgres_memory(plat.state_dir / "postgres")
        print_latency(results, args)
        print_memory(plat.proc.pid, phases, pg)
        return check_pages(plat.conninfo, results, tenant.id)


def add_options(add: Callable[..., argparse.Action]) -> None:
    add("--stores", type=int, default=100_000, help="stores to seed")
    add("--tenant-stores", type=int, default=1_000, help="how many of them the measured tenant owns")
    add("--filler-users", type=int, default=49, help="other tenants (SQL-inserted) owning the rest")
    add("--requests", type=int, default=2_000, help="timed sequential requests per scenario")
    add("--warmup", type=int, default=100, help="untimed requests before each scenario")
    add("--limit", type=int, default=50, help="page size")
    add("--deep-row", type=int, default=50_000, help="first row of the deep page (a multiple of --limit)")
    add("--budget", type=float, default=300.0, help="max seconds per scenario")
    add("--count-api-limits", action="store_true", help="count every request against the API limits")


if __name__ == "__main__":
    sys.exit(bench_main(__doc__, add_options, run, SMOKE))
