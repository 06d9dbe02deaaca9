"""B2: commit+push latency of ONE store change in a fleet repo of 10 stores vs one of 100,000.

Prepares two local bare remotes seeded with the gitops-template, then fills them with real rendered
store directories in one `build_commits` batch and one push, `--seed-batch` store directories per
commit (100 by default: the tree a change lands on is the same as with one commit per store, which
the fleet writer makes, but 100,000 one-store commits take fast-import minutes, each rewriting its
tenant's and the `tenants/` trees; `--seed-batch 1` gives that history). Then, alternating between
the two, it times what the fleet writer does for a batch of one change with the product's git layer
(`storefleet.api.fleet.git_repo.FleetRepo`): `fetch` + `build_commits` (one new store) + `push`, each
repo through its own persistent bare working clone.

Optionally (`--writer-reps`, default 20) it also times the whole write path: one `storefleet up` per
remote (`FLEET_REPO_URL` = that remote), and for each change the time from `POST /api/v1/stores` until
the remote's `main` holds its commit (outbox NOTIFY, the writer's SQL, rendering and git included).

    .venv/bin/python bench/b2_commit_latency_vs_repo_size.py [--small 10] [--large 100000] [--reps 50]

Prints a table with PASS/FAIL against the target (p50 ratio <= 1.5); the exit code is 0 whatever the
figures, and 1 when a remote does not hold exactly one commit per change (and per seed commit).
`--smoke`: a 200-store repo and a few changes, in a few seconds.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from _harness import (
    CHEAP_PASSWORD_HASHES,
    Platform,
    bench_main,
    pct,
    print_machine,
    register,
    running_platform,
    verdict,
)

from storefleet.api.fleet.git_repo import FleetRepo
from storefleet.api.fleet.local_remote import ensure_local_fleet_repo
from storefleet.api.fleet.repo import Identity
from storefleet.renderer.commit_message import ChangeRecord, commit_message
from storefleet.renderer.manifests import render_store, store_dir
from storefleet.renderer.model import DirectoryChange
from storefleet.renderer.profile import GitOpsEngine, RenderProfile
from storefleet.renderer.spec import StoreSpec
from storefleet.renderer.template import instantiate_template

RATIO_TARGET = 1.5
# The write path part measures commits, not sign-in: cheap hashes. One tenant creates its changes one
# after another, so the per-person guards are lifted (`_harness.LIFTED_PER_PERSON_GUARDS`, applied to
# every run); everything else stays at its production default.
SERVER_ENV = CHEAP_PASSWORD_HASHES
# `--smoke`: a 200-store repo, a few changes each way, a few seconds (the test suite runs it).
SMOKE = {"large": 200, "reps": 5, "warmup": 1, "writer_reps": 2}
ME = Identity("storefleet", "storefleet@localhost")
PROFILE = RenderProfile()
_B32 = "abcdefghijklmnopqrstuvwxyz234567"
PHASES = ("fetch", "build_commits", "push")
CHECK = "  remote check"  # part of push: receive-pack's connectivity check, re-run alone
PREPARED_CHANGE_IDS = 10_000_000


# ---- preparing the remotes -----------------------------------------------------------------------
def base32(number: int, width: int = 10) -> str:
    digits = []
    for _ in range(width):
        number, digit = divmod(number, 32)
        digits.append(_B32[digit])
    return "".join(reversed(digits))


def spec_for(number: int, tenants: int) -> StoreSpec:
    """Store `number` of a fleet spread round-robin over `tenants` tenants; engines and plans mixed."""
    engine = "medusa" if number % 3 == 2 else "woocommerce"
    return StoreSpec(
        store_id=f"st-{base32(number)}",
        tenant=f"u-{base32(number % tenants)}",
        name=f"shop-{number:05d}",
        engine=engine,
        theme=("storefront", "astra")[number % 2] if engine == "woocommerce" else None,
        plan=("small", "small", "medium", "small", "large")[number % 5],
    )


class QuickRender:
    """`render_store` for thousands of specs in well under a second, byte for byte.

    Renders once per (engine, theme, plan, name length) with sentinel identity values of the same shape,
    then substitutes the real store id, tenant and name. Every `check_every`-th result is compared with
    the real renderer and a mismatch is an error, so the files are what the fleet writer would write."""

    def __init__(self, check_every: int = 97) -> None:
        # per shape: the sentinel spec's hash (stamped on the HelmRelease) and its files
        self._prototypes: dict[tuple[str, str | None, str, int], tuple[str, dict[str, bytes]]] = {}
        self._check_every = check_every
        self._count = 0

    def __call__(self, spec: StoreSpec) -> dict[str, bytes]:
        key = (spec.engine.value, spec.theme.value if spec.theme else None, spec.plan.value, len(spec.name))
        if key not in self._prototypes:
            sentinel = spec.model_copy(update={"store_id": "st-xxxxxxxxxx", "tenant": "u-yyyyyyyyyy",
                                               "name": "shop-" + "w" * (len(spec.name) - 5)})  # fmt: skip
            self._prototypes[key] = (sentinel.spec_hash, render_store(sentinel, PROFILE))
        sentinel_hash, prototype = self._prototypes[key]
        swaps = [(sentinel_hash.encode(), spec.spec_hash.encode()),
                 (b"shop-" + b"w" * (len(spec.name) - 5), spec.name.encode()),
                 (b"xxxxxxxxxx", spec.store_id.removeprefix("st-").encode()),
                 (b"yyyyyyyyyy", spec.tenant.removeprefix("u-").encode())]  # fmt: skip
        files = {}
        for name, data in prototype.items():
            for old, new in swaps:
                data = data.replace(old, new)
            files[name] = data
        self._count += 1
        if (self._count - 1) % self._check_every == 0 and files != render_store(spec, PROFILE):
            raise RuntimeError(f"quick render differs from render_store for {spec}")
        return files


QUICK_RENDER = QuickRender()


def store_change(spec: StoreSpec, change_id: int) -> DirectoryChange:
    record = ChangeRecord(action="create", change_id=change_id, store_id=spec.store_id,
                          store_name=spec.name, tenant=spec.tenant, engine=spec.engine.value,
                          spec_hash=spec.spec_hash, request_id=f"req-bench-{change_id}",
                          actor=spec.tenant)  # fmt: skip
    return DirectoryChange(store_dir(spec), QUICK_RENDER(spec), commit_message(record))


def git(*args: str, cwd: Path) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)} failed: {result.stderr.strip()}")
    return result.stdout


def seed_commits(changes: list[DirectoryChange], per_commit: int) -> list[DirectoryChange]:
    """The stores' directories `per_commit` to a commit (under the first store's message), one
    tenant's after another: a commit touching every tenant would rewrite every tenant's tree."""
    if per_commit > 1:
        changes = sorted(changes, key=lambda change: change.directory)
    grouped = []
    for start in range(0, len(changes), per_commit):
        first, *rest = changes[start : start + per_commit]
        grouped.append(dataclasses.replace(first, also=tuple((c.directory, c.files) for c in rest)))
    return grouped


def seed_commit_count(stores: int, per_commit: int) -> int:
    return -(-stores // per_commit)


def prepare_remote(root: Path, name: str, stores: int, tenants: int, per_commit: int) -> Path:
    """A bare remote: the template commit, then the stores, `per_commit` to a commit (one batch, one
    push)."""
    remote = root / f"{name}.git"
    files = instantiate_template(GitOpsEngine.FLUX, "local", PROFILE.fleet_repo_url, "main")
    ensure_local_fleet_repo(remote, "main", ME, files)
    started = time.perf_counter()
    # Change-Ids far above the outbox ids a fresh platform hands out: the writer's exactly-once check
    # matches a pending change to any remote commit with the same Change-Id (see docs/benchmarks.md, B2).
    changes = seed_commits(
        [store_change(spec_for(n, min(tenants, stores)), PREPARED_CHANGE_IDS + n) for n in range(stores)],
        per_commit,
    )
    rendered = time.perf_counter()
    filler = FleetRepo(root / f"{name}-filler.git", str(remote), "main", ME).open()
    try:
        shas = filler.build_commits(filler.fetch(), changes)
        tip = shas[-1]
        assert tip is not None
        filler.push(tip)
    finally:
        filler.close()
    count = git("rev-list", "--count", "main", cwd=remote).strip()
    print(f"{name}: {stores} stores, {count} commits; seeded in {time.perf_counter() - started:.1f}s "
          f"(rendered in {rendered - started:.1f}s, committed and pushed in "
          f"{time.perf_counter() - rendered:.1f}s)")  # fmt: skip
    return remote


# ---- measuring the git layer ---------------------------------------------------------------------
@dataclass
class Samples:
    name: str
    stores: int
    phases_ms: dict[str, list[float]] = field(default_factory=lambda: {p: [] for p in (*PHASES, CHECK)})
    total_ms: list[float] = field(default_factory=list)


def one_change(repo: FleetRepo, change: DirectoryChange, out: Samples, *, check: bool) -> None:
    """What the fleet writer does with git for a batch of one: fetch, build the commit, push it."""
    t0 = time.perf_counter()
    head = repo.fetch()
    t1 = time.perf_counter()
    sha = repo.build_commits(head, [change])[0]
    t2 = time.perf_counter()
    assert sha is not None
    repo.push(sha)
    t3 = time.perf_counter()
    for phase, ms in zip(PHASES, ((t1 - t0) * 1000, (t2 - t1) * 1000, (t3 - t2) * 1000), strict=True):
        out.phases_ms[phase].append(ms)
    out.total_ms.append((t3 - t0) * 1000)
    if check:  # seconds at 100,000 stores: sampled on the first few reps only
        out.phases_ms[CHECK].append(connectivity_check_ms(Path(repo.remote_url), sha))


def connectivity_check_ms(remote: Path, sha: str) -> float:
    """Re-run, untimed above, the walk the remote's receive-pack did inside the push: its connectivity
    check `rev-list --objects <new> --not <refs>`, which reads every tree of the old head."""
    started = time.perf_counter()
    git("rev-list", "--objects", "--quiet", sha, "--not", f"{sha}^", cwd=remote)
    return (time.perf_counter() - started) * 1000


@contextlib.contextmanager
def working_clones(root: Path, remotes: dict[str, Path]) -> Iterator[dict[str, FleetRepo]]:
    """One persistent bare working clone per remote, opened and fetched once (untimed), as the writer has."""
    repos = {
        name: FleetRepo(root / f"{name}-work.git", str(r), "main", ME).open() for name, r in remotes.items()
    }
    try:
        for repo in repos.values():
            repo.fetch()
        yield repos
    finally:
        for repo in repos.values():
            repo.close()


def measure_git(
    root: Path, remotes: dict[str, Path], sizes: dict[str, int], args: argparse.Namespace
) -> list[Samples]:
    samples = {name: Samples(name, sizes[name]) for name in remotes}
    with working_clones(root, remotes) as repos:
        number = 1_000_000
        for rep in range(args.warmup + args.reps):
            order = list(repos) if rep % 2 == 0 else list(reversed(repos))
            for name in order:
                number += 1
                change = store_change(spec_for(number, min(args.tenants, sizes[name])), number)
                timed = rep >= args.warmup
                target = samples[name] if timed else Samples(name, 0)
                one_change(repos[name], change, target, check=timed and rep < args.warmup + args.check_reps)
        for name, repo in repos.items():
            packs = len(list((repo.path / "objects" / "pack").glob("*.pack")))
            print(f"{name}: working clone holds {packs} pack files after the run")
    return list(samples.values())


# ---- measuring the whole write path (optional) ---------------------------------------------------
def wait_ref_change(ref: Path, old: str, deadline_s: float) -> bool:
    """Spin (1 ms) until the remote's loose ref file no longer says `old`."""
    deadline = time.perf_counter() + deadline_s
    while time.perf_counter() < deadline:
        if ref.read_text() != old:
            return True
        time.sleep(0.001)
    return False


def create_and_wait(client: httpx.Client, headers: dict[str, str], ref: Path, name: str) -> float:
    """ms from sending POST /api/v1/stores until the store's commit is on the remote's main."""
    old = ref.read_text()
    started = time.perf_counter()
    response = client.post("/api/v1/stores", json={"name": name, "engine": "woocommerce"}, headers=headers)
    if response.status_code != 202:
        raise RuntimeError(f"create {name}: {response.status_code} {response.text[:300]}")
    if not wait_ref_change(ref, old, 30.0):
        raise RuntimeError(f"create {name}: no commit on the remote after 30s")
    return (time.perf_counter() - started) * 1000


@dataclass
class WriterTarget:
    name: str
    stores: int
    client: httpx.Client
    headers: dict[str, str]
    ref: Path


def start_writer_targets(
    stack: contextlib.ExitStack, remotes: dict[str, Path], sizes: dict[str, int], args: argparse.Namespace
) -> list[WriterTarget]:
    targets = []
    for name, remote in remotes.items():
        env = {"FLEET_REPO_URL": str(remote), **SERVER_ENV}
        plat: Platform = stack.enter_context(running_platform(f"sf-b2-{name}-", args.startup_timeout, env))
        client = stack.enter_context(httpx.Client(base_url=plat.base_url, timeout=30.0, trust_env=False))
        register(client, "bench-admin")
        tenant = register(client, "bench-tenant")
        ref = remote / "refs" / "heads" / "main"
        target = WriterTarget(name, sizes[name], client, tenant.headers, ref)
        create_and_wait(client, tenant.headers, ref, "warm-up")  # the writer's first fetch of the remote
        targets.append(target)
    return targets


def measure_writer(
    remotes: dict[str, Path], sizes: dict[str, int], args: argparse.Namespace
) -> list[Samples]:
    with contextlib.ExitStack() as stack:
        targets = start_writer_targets(stack, remotes, sizes, args)
        samples = {t.name: Samples(t.name, t.stores) for t in targets}
        for rep in range(args.writer_reps):
            for target in targets if rep % 2 == 0 else list(reversed(targets)):
                ms = create_and_wait(target.client, target.headers, target.ref, f"shop-w{rep:04d}")
                samples[target.name].total_ms.append(ms)
                time.sleep(0.05)  # let the writer record its batch before the next change
        return list(samples.values())


# ---- report and main -----------------------------------------------------------------------------
def summary(values: list[float]) -> str:
    return f"{pct(values, 50):>8.1f}{pct(values, 99):>8.1f}{statistics.fmean(values):>8.1f}"


def print_git_results(results: list[Samples], args: argparse.Namespace) -> None:
    small, large = results
    print(f"\nB2  one store change = fetch + build_commits + push through FleetRepo, {args.reps} reps per "
          f"repo after {args.warmup} warm-up, alternating")  # fmt: skip
    print(f"{'repo':<22}{'step':<16}{'p50':>8}{'p99':>8}{'mean':>8}  (ms)")
    print(f"(remote check: information, not part of the total, on the first {args.check_reps} reps)")
    for r in results:
        label = f"{r.stores} stores"
        for phase in (*PHASES, CHECK):
            if r.phases_ms[phase]:
                print(f"{label:<22}{phase:<16}{summary(r.phases_ms[phase])}")
        print(f"{label:<22}{'total':<16}{summary(r.total_ms)}")
    ratio = pct(large.total_ms, 50) / pct(small.total_ms, 50)
    print(f"p50 ratio {large.stores} / {small.stores} stores: {ratio:.2f}  "
          f"(target <= {RATIO_TARGET}) {verdict(ratio <= RATIO_TARGET)}")  # fmt: skip


def print_writer_results(results: list[Samples], args: argparse.Namespace) -> None:
    small, large = results
    print(f"\nB2 (information)  whole write path: POST /api/v1/stores -> commit on the remote's main, "
          f"{args.writer_reps} changes per repo, one at a time, alternating")  # fmt: skip
    print(f"{'repo':<22}{'':<16}{'p50':>8}{'p99':>8}{'mean':>8}  (ms)")
    for r in results:
        print(f"{f'{r.stores} stores':<22}{'end to end':<16}{summary(r.total_ms)}")
    print(f"p50 ratio {large.stores} / {small.stores} stores: "
          f"{pct(large.total_ms, 50) / pct(small.total_ms, 50):.2f}")  # fmt: skip


def check_remotes(remotes: dict[str, Path], sizes: dict[str, int], args: argparse.Namespace) -> bool:
    """Each remote holds one commit per change: the template's, each seed commit, each timed or
    warm-up change and, through the platform, its warm-up and timed creates."""
    through_platform = args.writer_reps + 1 if args.writer_reps else 0
    problems = []
    for name, remote in remotes.items():
        seeded = seed_commit_count(sizes[name], args.seed_batch)
        expected = 1 + seeded + args.warmup + args.reps + through_platform
        found = int(git("rev-list", "--count", "main", cwd=remote))
        if found != expected:
            problems.append(f"{name}: {found} commits on main, expected {expected}")
    print("remote check: " + ("OK, one commit per change on each remote" if not problems else "PROBLEMS"))
    for problem in problems:
        print(f"  ! {problem}")
    return not problems


def run(args: argparse.Namespace) -> bool:
    print_machine()
    with tempfile.TemporaryDirectory(prefix="sf-b2-") as tmp:
        root = Path(tmp)
        sizes = {"small": args.small, "large": args.large}
        remotes = {
            name: prepare_remote(root, name, stores, args.tenants, args.seed_batch)
            for name, stores in sizes.items()
        }
        git_results = measure_git(root, remotes, sizes, args)
        writer_results = measure_writer(remotes, sizes, args) if args.writer_reps else []
        passed = check_remotes(remotes, sizes, args)
    print_git_results(git_results, args)
    if writer_results:
        print_writer_results(writer_results, args)
    return passed


def add_options(add: Callable[..., argparse.Action]) -> None:
    add("--small", type=int, default=10, help="stores in the small repo")
    add("--large", type=int, default=100_000, help="stores in the large repo")
    add("--seed-batch", type=int, default=100, help="store directories per seed commit (1: one per store)")
    add("--tenants", type=int, default=100, help="tenants the stores are spread over (at most one per store)")
    add("--reps", type=int, default=50, help="timed changes per repo through FleetRepo")
    add("--warmup", type=int, default=3, help="untimed changes per repo first")
    add("--check-reps", type=int, default=5, help="timed reps that also re-run the remote check")
    add("--writer-reps", type=int, default=20, help="timed changes per repo through storefleet up (0: skip)")


if __name__ == "__main__":
    sys.exit(bench_main(__doc__, add_options, run, SMOKE))
