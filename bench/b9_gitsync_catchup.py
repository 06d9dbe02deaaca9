"""B9: the git-side sync catching up 10,000 commits that people pushed to the fleet repo.

Real parts: an embedded PostgreSQL (temp dir, migrations applied), a local bare fleet remote, and the
product's git-side sync (`api/fleet/gitsync.py`: `GitSync.sync_once`, with its `FleetReader` over a
mirror clone, as `storefleet writer` runs it with `RUN_GIT_SYNC=true`), in this process, like B7.

Set-up (untimed): the remote holds the template and one platform commit per store (B7's seeding: the
stores `ready` at their commit in the database, `--stores` of them); the sync runs once, taking the
head as its baseline. Then people push `--commits` commits at once (one `git fast-import`, authored
by people, no Change-Id): each changes one store directory, in this mix: a value edit of an existing
store's `store.yaml` (its plan: ready -> updating, audited `store.changed_in_git`); every
`--add-every`-th an added directory of a known tenant (adopted: a new store in provisioning, audited
`store.adopted`); every `--remove-every`-th a removed directory (the store -> deleting). Each commit
touches its own store, so every change has exactly one visible effect.

Timed: from the sync's start (`sync_once`, which fetches, walks the new commits and applies the
people's ones) to its return, when the database reflects all of them. Checked: the sync walked every
commit and counted each one as external once; each edited store is `updating` with the edited spec
and one `store.changed_in_git` row, each added one exists with one `store.adopted` row, each removed
one is `deleting` with one transition to it; the sync's recorded head is the remote's.

    .venv/bin/python bench/b9_gitsync_catchup.py [--stores 10000] [--commits 10000]

Prints the figures with PASS/FAIL against the target (<= 30 s) and the rate; exit code 0 whatever the
figures, 1 when a check fails. `--smoke`: 200 stores and 100 commits, in a few seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from _harness import bench_main, print_machine, proc_status, verdict
from b2_commit_latency_vs_repo_size import QUICK_RENDER, spec_for
from b7_rollout_waves import BRANCH, seed_in_child
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool

from storefleet.api.db.embedded import EmbeddedPostgres
from storefleet.api.db.migrate import apply_migrations
from storefleet.api.fleet.git_repo import FleetRepo
from storefleet.api.fleet.gitsync import GitSync, SyncReport
from storefleet.api.fleet.reader import FleetReader
from storefleet.api.fleet.repo import Identity
from storefleet.renderer.manifests import store_dir
from storefleet.renderer.spec import StoreSpec

TARGET_S = 30.0
SMOKE = {"stores": 200, "commits": 100, "tenants": 10}
REPO_KEY = "b9-fleet#main"
PEOPLE = [Identity(name, f"{name.lower()}@example.com") for name in ("Alice", "Bob", "Chidi", "Dana")]
SYNC_IDENTITY = Identity("storefleet", "storefleet@localhost")
OTHER_PLAN = {"small": "medium", "medium": "large", "large": "small"}


@dataclass(frozen=True)
class PeopleCommits:
    edited: dict[str, StoreSpec]  # store id -> the spec its store.yaml now says
    added: list[StoreSpec]
    removed: list[str]
    head: str


def people_commits(remote: Path, args: argparse.Namespace) -> PeopleCommits:
    """`--commits` commits by people on top of the remote's head, one store directory each, by one
    `git fast-import` (which writes a pack and moves the branch, as a push would)."""
    base = git("rev-parse", f"refs/heads/{BRANCH}", cwd=remote).strip()
    known = [spec_for(n, args.tenants) for n in range(args.stores)]
    edits, removals = iter(known), iter(reversed(known))
    edited: dict[str, StoreSpec] = {}
    added: list[StoreSpec] = []
    removed: list[str] = []
    stream, when = [], int(time.time())
    for number in range(args.commits):
        person = PEOPLE[number % len(PEOPLE)]
        if number % args.add_every == args.add_every - 1:
            spec = spec_for(args.stores + len(added), args.tenants)
            added.append(spec)
            change, summary = _modify(spec), f"Add store {spec.name} by hand"
        elif number % args.remove_every == args.remove_every - 2:
            spec = next(removals)
            removed.append(spec.store_id)
            change, summary = _delete(spec), f"Remove store {spec.name}"
        else:
            old = next(edits)
            spec = old.model_copy(update={"plan": type(old.plan)(OTHER_PLAN[old.plan.value])})
            edited[spec.store_id] = spec
            change, summary = _modify(spec), f"Move {spec.name} to the {spec.plan.value} plan"
        message = f"{summary}\n".encode()
        parent = f"from {base}\n".encode() if number == 0 else b""
        author = f"{person.name} <{person.email}> {when + number} +0000"
        stream.append(
            f"commit refs/heads/{BRANCH}\nauthor {author}\ncommitter {author}\ndata {len(message)}\n".encode()
            + message
            + parent
            + change
            + b"\n"
        )
    if set(edited) & set(removed):
        raise SystemExit("--stores is too small for --commits: an edited store would also be removed")
    subprocess.run(
        ["git", "fast-import", "--quiet"], input=b"".join(stream), cwd=remote, check=True, capture_output=True
    )
    head = git("rev-parse", f"refs/heads/{BRANCH}", cwd=remote).strip()
    return PeopleCommits(edited, added, removed, head)


def _modify(spec: StoreSpec) -> bytes:
    data = QUICK_RENDER(spec)["store.yaml"]
    return f"M 100644 inline {store_dir(spec)}/store.yaml\ndata {len(data)}\n".encode() + data + b"\n"


def _delete(spec: StoreSpec) -> bytes:
    return f"D {store_dir(spec)}\n".encode()


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


# ---- the sync ------------------------------------------------------------------------------------
@dataclass
class Outcome:
    report: SyncReport
    seconds: float
    hwm_mb: float


async def catch_up(conninfo: str, root: Path, remote: Path, args: argparse.Namespace) -> Outcome:
    pool: AsyncConnectionPool[Any] = AsyncConnectionPool(
        conninfo,
        min_size=1,
        max_size=4,
        kwargs={"row_factory": dict_row, "autocommit": True},
        open=False,
        name="b9",
    )
    await pool.open(wait=True)
    try:
        mirror = root / "fleet-mirror.git"
        reader = FleetReader(lambda: FleetRepo(mirror, str(remote), BRANCH, SYNC_IDENTITY))
        sync = GitSync(pool, reader, REPO_KEY, interval_s=30.0)
        baseline = await sync.sync_once()  # the first run takes the head as its baseline
        print(f"sync baseline: {(baseline.head or '-')[:12]}")
        pushed = people_commits(remote, args)
        args.pushed = pushed
        started = time.monotonic()
        report = await sync.sync_once()
        seconds = time.monotonic() - started
        return Outcome(report, seconds, proc_status(os.getpid()).get("VmHWM", 0.0))
    finally:
        await pool.close()


# ---- checks --------------------------------------------------------------------------------------
def check(conninfo: str, pushed: PeopleCommits, outcome: Outcome, args: argparse.Namespace) -> bool:
    problems: list[str] = []
    report = outcome.report
    if report.error:
        problems.append(f"the sync reported: {report.error}")
    if (report.commits, report.external) != (args.commits, args.commits):
        problems.append(
            f"walked {report.commits} commits, {report.external} external; expected {args.commits}"
        )
    with psycopg.connect(conninfo, autocommit=True) as conn:
        rows = {r[0]: (r[1], r[2]) for r in conn.execute("SELECT id, status, spec_hash FROM stores")}
        audited = {
            (event, store): n
            for event, store, n in conn.execute(
                "SELECT event, store_id, count(*) FROM audit_events WHERE event IN"
                " ('store.changed_in_git', 'store.adopted') OR (event = 'store.transition'"
                " AND after->>'status' = 'deleting') GROUP BY 1, 2"
            )
        }
        state = conn.execute(
            "SELECT last_synced_sha FROM fleet_state WHERE repo_key = %s", (REPO_KEY,)
        ).fetchone()
    wrong_edits = [
        sid
        for sid, spec in pushed.edited.items()
        if rows.get(sid) != ("updating", spec.spec_hash) or audited.get(("store.changed_in_git", sid)) != 1
    ]
    wrong_adds = [
        s.store_id
        for s in pushed.added
        if s.store_id not in rows or audited.get(("store.adopted", s.store_id)) != 1
    ]
    wrong_removals = [
        sid
        for sid in pushed.removed
        if (rows.get(sid) or ("", ""))[0] != "deleting" or audited.get(("store.transition", sid)) != 1
    ]
    for name, wrong in (("edited", wrong_edits), ("added", wrong_adds), ("removed", wrong_removals)):
        if wrong:
            problems.append(f"{len(wrong)} {name} stores not taken exactly once, e.g. {wrong[:3]}")
    extra = (
        sum(n for (event, _), n in audited.items())
        - len(pushed.edited)
        - len(pushed.added)
        - len(pushed.removed)
    )
    if extra:
        problems.append(f"{extra} audit rows more than one per change")
    if state is None or state[0] != pushed.head:
        problems.append(f"the sync's recorded head is {state}, the remote's {pushed.head[:12]}")
    print("sync check: " + ("OK, every change taken exactly once" if not problems else "PROBLEMS"))
    for problem in problems:
        print(f"  ! {problem}")
    return not problems


def run(args: argparse.Namespace) -> bool:
    print_machine()
    root = Path(tempfile.mkdtemp(prefix="sf-b9-"))
    pg = EmbeddedPostgres(root / "postgres")
    try:
        conninfo = pg.start()
        apply_migrations(conninfo)
        started = time.monotonic()
        seeded = seed_in_child(root, conninfo, argparse.Namespace(stores=args.stores, tenants=args.tenants))
        print(
            f"set up {args.stores} stores (fleet repo, database) in {time.monotonic() - started:.1f}s; "
            f"head {seeded.head[:12]}"
        )
        outcome = asyncio.run(catch_up(conninfo, root, root / "fleet.git", args))
        pushed: PeopleCommits = args.pushed
        actions = len(outcome.report.actions)
        print(
            f"\nB9  the git-side sync catching up {args.commits} commits by people "
            f"({len(pushed.edited)} edits, {len(pushed.added)} adds, {len(pushed.removed)} removals) "
            f"over {args.stores} stores"
        )
        print(
            f"sync_once: fetch + walk + apply, until the database reflects them all: {outcome.seconds:.2f}s "
            f"({args.commits / max(outcome.seconds, 1e-9):.0f} commits/s, {actions} actions)   "
            f"<= {TARGET_S:.0f}s: {verdict(outcome.seconds <= TARGET_S)}"
        )
        print(f"this process's VmHWM {outcome.hwm_mb:.0f} MB")
        return check(conninfo, pushed, outcome, args)
    finally:
        pg.stop()
        shutil.rmtree(root, ignore_errors=True)


def add_options(add: Callable[..., argparse.Action]) -> None:
    add("--stores", type=int, default=10_000, help="stores in the fleet repo and the database, ready")
    add("--commits", type=int, default=10_000, help="commits pushed by people, one store directory each")
    add("--tenants", type=int, default=100, help="tenants owning the stores")
    add("--add-every", type=int, default=20, help="every n-th commit adds a store directory")
    add("--remove-every", type=int, default=20, help="every n-th commit removes a store directory")


if __name__ == "__main__":
    sys.exit(bench_main(__doc__, add_options, run, SMOKE))
