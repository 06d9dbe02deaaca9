"""B1: store-create throughput, API latency and commit+push rate, against the naive git loop.

Runs the real platform (`storefleet up`: embedded PostgreSQL, the API and the in-process fleet
writer, whose remote is the local bare repo `<state-dir>/fleet.git`) in a temporary state dir with
`PASSWORD_HASH_PROFILE=cheapest` (it measures creates, not sign-in) and the per-person guardrails
lifted (registrations per IP, the creation cooldown, the store caps: it plays 10 tenants from one IP
creating 100 stores each back to back); every other guardrail, metrics and logging stay at their
production defaults. Registers an admin and 10 tenants through the API, then 10 client
threads (one per tenant, one keep-alive connection each) POST 100 stores each as fast as the server
answers. Meanwhile the main thread polls `git rev-list --count main` of the remote until all 1,000
stores have a commit there. Then it checks the remote (exactly one new commit per store, touching only
that store's directory), reads the server's RSS, stops it, and replays the same 1,000 store specs
through the loop a user would write (render, write files, `git add -A`, `git commit`, `git push`, one
change at a time) against a fresh bare remote, to compare.

    .venv/bin/python bench/b1_create_throughput.py [--tenants 10] [--per-tenant 100] [--naive 1000]

Prints a table with PASS/FAIL against the targets; the exit code is 0 whatever the figures, and 1
when a correctness check fails (a create not answered 202, a store missing from the remote or with
more than one commit, outbox rows left). `--smoke`: the same at 20 stores, in a few seconds.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psycopg
from _harness import (
    CHEAP_PASSWORD_HASHES,
    Account,
    Platform,
    bench_main,
    pct,
    postmaster_pid,
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
# B1 measures store creation, not sign-in: one registration per account for its token, so cheap
# hashes; and the per-person guards lifted (`_harness.LIFTED_PER_PERSON_GUARDS`, which the harness
# applies to every run): 10 tenants from one IP each creating 100 stores back to back.
SERVER_ENV = CHEAP_PASSWORD_HASHES
# `--smoke`: 20 creates and a naive loop of 5, a few seconds (the test suite runs it).
SMOKE = {"tenants": 2, "per_tenant": 10, "naive": 5}
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
    progress: list[tuple[float, int]]  # (seconds since the first request, new commits on main)
    cpu_s: dict[str, float]  # CPU seconds used from the first request to the last commit

    def committed_by(self, at_s: float) -> int:
        return max((n for t, n in self.progress if t <= at_s), default=0)


def run_load(plat: Platform, tenants: list[Account], per_tenant: int, budget_s: float) -> LoadResult:
    base = commit_count(plat.fleet_remote)
    go = threading.Event()
    results = [WorkerResult() for _ in tenants]
    threads = [
        threading.Thread(target=create_stores, args=(plat.base_url, acc, i, per_tenant, go, results[i]))
        for i, acc in enumerate(tenants)
    ]
    for thread in threads:
        thread.start()
    time.sleep(0.5)  # every worker connected and waiting
    cpu_before = cpu_seconds(plat)
    started = time.perf_counter()
    go.set()
    progress = follow_remote(plat.fleet_remote, base, len(tenants) * per_tenant, started, budget_s)
    cpu = {k: v - cpu_before[k] for k, v in cpu_seconds(plat).items()}
    for thread in threads:
        thread.join()
    done = progress[-1][1] >= len(tenants) * per_tenant
    return LoadResult(
        latencies_ms=[ms for r in results for ms in r.latencies_ms],
        errors=[e for r in results for e in r.errors],
        accepted_s=max(r.finished_at for r in results) - started,
        committed_s=progress[-1][0] if done else None,
        progress=progress,
        cpu_s=cpu,
    )


def follow_remote(
    remote: Path, base: int, total: int, started: float, budget_s: float
) -> list[tuple[float, int]]:
    """Poll the remote's main every 10 ms (reading the ref file; `git rev-list --count` only when it
    moved, so polling costs next to nothing) until it holds `total` new commits or the budget runs out."""
    ref = remote / "refs" / "heads" / "main"
    seen, progress = "", [(0.0, 0)]
    while progress[-1][1] < total and time.perf_counter() - started < budget_s:
        head = ref.read_text() if ref.exists() else git("rev-parse", "main", cwd=remote)
        if head != seen:
            seen = head
            progress.append((time.perf_counter() - started, commit_count(remote) - base))
        time.sleep(0.01)
    if progress[-1][1] < total:
        print(
            f"! the remote holds {progress[-1][1]} of {total} new commits after {budget_s:.0f}s",
            file=sys.stderr,
        )
    return progress


def cpu_seconds(plat: Platform) -> dict[str, float]:
    """user+system CPU seconds so far of this client, the `storefleet up` process and PostgreSQL."""
    tick = os.sysconf("SC_CLK_TCK")
    times = os.times()
    postgres = 0.0
    root = postmaster_pid(plat.state_dir / "postgres")
    if root is not None:
        children = [int(pid) for pid in Path(f"/proc/{root}/task/{root}/children").read_text().split()]
        postgres = sum(_proc_cpu(pid, tick) for pid in [root, *children])
    return {
        "client": times.user + times.system,
        "server": _proc_cpu(plat.proc.pid, tick),
        "postgres": postgres,
        "git": _proc_children_cpu(plat.proc.pid, tick),
    }


def _proc_cpu(pid: int, tick: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / tick  # utime, stime


def _proc_children_cpu(pid: int, tick: int) -> float:
    """CPU of the server's exited children (the git processes the fleet writer ran), waited for."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[13]) + int(fields[14])) / tick  # cutime, cstime


# ---- checking what reached the remote ------------------------------------------------------------
def read_stores(conninfo: str) -> list[dict[str, Any]]:
    with psycopg.connect(conninfo, autocommit=True) as conn, conn.cursor() as cur:
        cur.execute("SELECT id, owner_id, status, spec FROM stores ORDER BY created_at, id")
        columns = [c.name for c in cur.description or ()]
        return [dict(zip(columns, row, strict=True)) for row in cur.fetchall()]


def outbox_pending(conninfo: str) -> int:
    with psycopg.connect(conninfo, autocommit=True) as conn:
        row = conn.execute("SELECT count(*) FROM outbox WHERE processed_at IS NULL").fetchone()
        return int(row[0]) if row else -1


def remote_commits(remote: Path, base: str) -> dict[str, tuple[str, list[str]]]:
    """{commit: (its Store-Id trailer, paths it touches)} for the commits after `base` on main."""
    out = git("log", "--no-renames", "--name-only", "--format=%x1e%H %(trailers:key=Store-Id,valueonly)",
              f"{base}..main", cwd=remote)  # fmt: skip
    commits: dict[str, tuple[str, list[str]]] = {}
    for record in filter(str.strip, out.split("\x1e")):
        head, *paths = [line for line in record.splitlines() if line.strip()]
        sha, _, store_id = head.partition(" ")
        commits[sha] = (store_id.strip(), paths)
    return commits


def verify_remote(remote: Path, base: str, stores: list[dict[str, Any]]) -> list[str]:
    """Problems found: exactly one new commit per store, each touching only that store's directory."""
    commits = remote_commits(remote, base)
    dirs = {s["id"]: store_dir(StoreSpec.model_validate(s["spec"])) + "/" for s in stores}
    problems = []
    if len(commits) != len(stores):
        problems.append(f"{len(commits)} new commits on main for {len(stores)} stores")
    per_store: dict[str, int] = {}
    for sha, (store_id, paths) in commits.items():
        per_store[store_id] = per_store.get(store_id, 0) + 1
        if store_id not in dirs or not paths or any(not p.startswith(dirs[store_id]) for p in paths):
            problems.append(f"commit {sha[:12]} (Store-Id {store_id!r}) touches {paths[:3]}")
    missing = [s for s in dirs if per_store.get(s) != 1]
    if missing:
        problems.append(f"{len(missing)} stores without exactly one commit, e.g. {missing[:3]}")
    merges = git("rev-list", "--merges", "--count", f"{base}..main", cwd=remote).strip()
    if merges != "0":
        problems.append(f"{merges} merge commits")
    not_provisioning = sum(s["status"] != "provisioning" for s in stores)
    if not_provisioning:
        problems.append(f"{not_provisioning} stores not in 'provisioning' after their commit")
    return problems


def writer_metrics(client: httpx.Client, admin: Account) -> dict[str, float]:
    """Batch and push figures from the admin-only Prometheus endpoint (empty if it has none)."""
    response = client.get("/api/v1/metrics", headers=admin.headers)
    names = ("fleet_batch_changes_count", "fleet_batch_changes_sum", "fleet_push_seconds_count",
             "fleet_push_seconds_sum")  # fmt: skip
    found: dict[str, float] = {}
    for name in names:
        match = re.search(rf"^{name} (\S+)$", response.text, re.MULTILINE)
        if match:
            found[name] = float(match.group(1))
    return found


# ---- the naive loop ------------------------------------------------------------------------------
@dataclass(frozen=True)
class NaiveResult:
    latencies_ms: list[float]
    elapsed_s: float
    problems: list[str]

    @property
    def rate(self) -> float:
        return len(self.latencies_ms) / self.elapsed_s


def seed_naive_remote(tmp: Path, env: dict[str, str]) -> tuple[Path, Path]:
    """A fresh bare remote holding the same gitops-template the platform seeds, and a clone of it."""
    remote, work = tmp / "naive.git", tmp / "work"
    git("init", "--bare", "--quiet", "--initial-branch=main", str(remote), cwd=tmp)
    git("init", "--quiet", "--initial-branch=main", str(work), cwd=tmp)
    files = instantiate_template(GitOpsEngine.FLUX, "local", "http://127.0.0.1:8000/git/fleet.git", "main")
    for relative, data in files.items():
        (work / relative).parent.mkdir(parents=True, exist_ok=True)
        (work / relative).write_bytes(data)
    git("add", "--all", cwd=work, env=env)
    git("commit", "--quiet", "-m", "fleet: initialise", cwd=work, env=env)
    git("remote", "add", "origin", str(remote), cwd=work)
    git("push", "--quiet", "-u", "origin", "main", cwd=work, env=env)
    return remote, work


def naive_change(
    work: Path, spec: StoreSpec, profile: RenderProfile, number: int, env: dict[str, str]
) -> None:
    """What a user's script does per change: render, write, add, commit, push."""
    directory = work / store_dir(spec)
    directory.mkdir(parents=True, exist_ok=True)
    for name, data in render_store(spec, profile).items():
        (directory / name).write_bytes(data)
    record = ChangeRecord(action="create", change_id=number, store_id=spec.store_id, store_name=spec.name,
                          tenant=spec.tenant, engine=spec.engine.value, spec_hash=spec.spec_hash,
                          request_id=None, actor=spec.tenant)  # fmt: skip
    git("add", "-A", cwd=work, env=env)
    git("commit", "--quiet", "-m", commit_message(record), cwd=work, env=env)
    git("push", "--quiet", "origin", "main", cwd=work, env=env)


def naive_loop(specs: list[StoreSpec], budget_s: float) -> NaiveResult:
    env = {**os.environ, **_GIT_IDENTITY}
    profile = RenderProfile()
    with tempfile.TemporaryDirectory(prefix="sf-b1-naive-") as tmp:
        remote, work = seed_naive_remote(Path(tmp), env)
        latencies: list[float] = []
        started = time.perf_counter()
        for number, spec in enumerate(specs, 1):
            before = time.perf_counter()
            naive_change(work, spec, profile, number, env)
            latencies.append((time.perf_counter() - before) * 1000)
            if time.perf_counter() - started > budget_s:
                print(f"! naive loop: {budget_s:.0f}s budget ran out after {number} changes", file=sys.stderr)
                break
        elapsed = time.perf_counter() - started
        count = commit_count(remote) - 1
        problems = [] if count == len(latencies) else [f"{count} commits for {len(latencies)} changes"]
    return NaiveResult(latencies, elapsed, problems)


# ---- report --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PlatformRun:
    load: LoadResult
    rss: dict[str, float]
    problems: list[str]
    pending: int
    writer: dict[str, float]
    specs: list[StoreSpec]


def row(label: str, value: str, target: str = "") -> None:
    print(f"{label:<62}{value:>22}  {target}".rstrip())


def print_api(run: PlatformRun, args: argparse.Namespace) -> None:
    load, total, lat = run.load, args.tenants * args.per_tenant, run.load.latencies_ms
    print(f"\nB1  {total} store creates: {args.tenants} tenants x {args.per_tenant}, one client thread and "
          f"keep-alive connection per tenant, closed loop")  # fmt: skip
    row("figure", "value", "target")
    row("requests answered 202 / errors", f"{len(lat) - len(load.errors)} / {len(load.errors)}")
    row("accepted req/s (first request sent -> last 202)", f"{total / load.accepted_s:.1f}")
    p99 = pct(lat, 99)
    row("API latency p50 / p99 / max ms", f"{pct(lat, 50):.1f} / {p99:.1f} / {max(lat):.1f}",
        f"p99 <= {P99_TARGET_MS:.0f} ms {verdict(p99 <= P99_TARGET_MS)}")  # fmt: skip
    for error in sorted(set(load.errors))[:5]:
        print(f"  error: {error}")


def print_platform_git(run: PlatformRun, total: int) -> float:
    """The platform's commit figures; returns its stores committed+pushed per second."""
    load = run.load
    rate = total / load.committed_s if load.committed_s else 0.0
    row("first request -> last store on the remote main, s",
        f"{load.committed_s:.2f}" if load.committed_s else "timeout")  # fmt: skip
    row("stores committed+pushed /s (platform)", f"{rate:.1f}")
    if load.committed_s:
        at_accept = load.committed_by(load.accepted_s)
        backlog_s = load.committed_s - load.accepted_s
        row("  on the remote at the last 202 / the rest drained in",
            f"{at_accept} / {total - at_accept} in {backlog_s:.2f}s")  # fmt: skip
    w = run.writer
    if w.get("fleet_batch_changes_count"):
        batches, changes = w["fleet_batch_changes_count"], w["fleet_batch_changes_sum"]
        pushes = w.get("fleet_push_seconds_count", 0.0)
        mean_push = 1000 * w.get("fleet_push_seconds_sum", 0.0) / pushes if pushes else 0.0
        row("  writer batches / mean changes per batch / mean push ms",
            f"{batches:.0f} / {changes / batches:.1f} / {mean_push:.1f}")  # fmt: skip
    wall, cpu = load.committed_s or load.accepted_s, load.cpu_s
    row(f"  CPU s in those {wall:.1f}s (x{os.cpu_count()} cores): client/server/git/postgres",
        " / ".join(f"{cpu[k]:.1f}" for k in ("client", "server", "git", "postgres")))  # fmt: skip
    return rate


def print_git(run: PlatformRun, naive: NaiveResult, args: argparse.Namespace) -> None:
    total = args.tenants * args.per_tenant
    rate = print_platform_git(run, total)
    done = len(naive.latencies_ms)
    sample = "all" if done == total else f"sample of {done}"
    row(f"naive loop stores/s ({sample}, sequential)", f"{naive.rate:.1f}")
    row("  naive loop per change p50 / p99 ms",
        f"{pct(naive.latencies_ms, 50):.1f} / {pct(naive.latencies_ms, 99):.1f}")  # fmt: skip
    ratio = rate / naive.rate
    row("platform / naive (stores/s)", f"{ratio:.1f}x",
        f">= {RATIO_TARGET:.0f}x {verdict(ratio >= RATIO_TARGET)}")  # fmt: skip


def print_checks(run: PlatformRun, naive: NaiveResult) -> bool:
    """The correctness checks (what the figures must not hide); True when all hold."""
    row("server VmRSS / VmHWM MB at the end", f"{run.rss['VmRSS']:.1f} / {run.rss['VmHWM']:.1f}")
    row("outbox rows still pending at the end", str(run.pending))
    problems = run.problems + [f"naive: {p}" for p in naive.problems]
    if run.load.errors:
        problems.append(f"{len(run.load.errors)} creates not answered 202")
    if run.load.committed_s is None:
        problems.append("not every store reached the remote within the budget")
    if run.pending:
        problems.append(f"{run.pending} outbox rows still pending")
    print("remote check: " + ("OK, one new commit per store, each touching only its directory"
                              if not problems else "PROBLEMS"))  # fmt: skip
    for problem in problems:
        print(f"  ! {problem}")
    return not problems


# ---- main ----------------------------------------------------------------------------------------
def measure_platform(args: argparse.Namespace) -> PlatformRun:
    with (
        running_platform("sf-b1-", args.startup_timeout, SERVER_ENV) as plat,
        httpx.Client(base_url=plat.base_url, timeout=30.0, trust_env=False) as client,
    ):
        admin = register(client, "bench-admin")
        tenants = [register(client, f"bench-tenant-{i:02d}") for i in range(args.tenants)]
        if admin.role != "admin" or any(t.role != "tenant" for t in tenants):
            raise RuntimeError("unexpected roles: the state dir was not fresh")
        base = git("rev-parse", "main", cwd=plat.fleet_remote).strip()
        load = run_load(plat, tenants, args.per_tenant, args.budget)
        rss = proc_status(plat.proc.pid)
        time.sleep(0.5)  # the writer records its last batch in the database just after the push
        stores = read_stores(plat.conninfo)
        return PlatformRun(
            load=load,
            rss=rss,
            problems=verify_remote(plat.fleet_remote, base, stores),
            pending=outbox_pending(plat.conninfo),
            writer=writer_metrics(client, admin),
            specs=[StoreSpec.model_validate(s["spec"]) for s in stores],
        )


def run(args: argparse.Namespace) -> bool:
    print_machine()
    result = measure_platform(args)
    print(f"platform done; naive loop over {min(args.naive, len(result.specs))} of the same specs ...")
    naive = naive_loop(result.specs[: args.naive], args.naive_budget)
    print_api(result, args)
    print_git(result, naive, args)
    return print_checks(result, naive)


def add_options(add: Callable[..., argparse.Action]) -> None:
    add("--tenants", type=int, default=10, help="tenants, each with its own client thread")
    add("--per-tenant", type=int, default=100, help="stores each tenant creates")
    add("--naive", type=int, default=1_000, help="changes replayed through the naive git loop")
    add("--naive-budget", type=float, default=120.0, help="max seconds for the naive loop")
    add("--budget", type=float, default=300.0, help="max seconds until every store is on the remote")


if __name__ == "__main__":
    sys.exit(bench_main(__doc__, add_options, run, SMOKE))
