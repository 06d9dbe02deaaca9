"""B8: the cluster watcher starting over 100,000 stores spread over 10 registered clusters.

Real parts: an embedded PostgreSQL (temp dir, migrations applied), a bare fleet repo holding one
commit per store (fast-import), one test Kubernetes API per cluster (`storefleet_demo.kube`: kmock's emulator
over HTTP on 127.0.0.1), each in a process of its own, forked from this one, so that neither the
watcher's RSS nor its GIL is shared with them; and the real watcher as its own process: `storefleet
watch` (`build_cluster_watchers`: one `ClusterWatcher` per registered cluster, each led by one
replica), with the product's defaults.

The scene (set-up, untimed): a change committed for every store while the watcher was down (a plan
change: its setup inputs did not change, so its setup is done) and applied since by each cluster's
Flux. In the database, N stores in `updating` at their own commit, spread round-robin over C
clusters (the first is the settings cluster, the home root; the others are registered by the API's
rules: kubeconfig files), their setup key recorded done. In each cluster, everything the watcher
lists at start: per store its Namespace, its HelmRelease (as rendered into the fleet repo, carrying
the store's spec hash) Ready at its generation, its finished setup Job, `--pods` running Pods; and the
Flux Kustomization `tenants` with `lastAppliedRevision: main@sha1:<head>`.

*Judged*: the store's row moved `updating -> ready` ("ready at <sha>"), the product-visible effect
of the watcher's verdict, with its `store.transition` audit row. Timed from the watcher's process
start (`Popen`) to the commit of the last store's `ready`, polled every 0.2 s; the watcher's VmRSS
sampled meanwhile and its VmHWM (peak) read at the end.

    .venv/bin/python bench/b8_watcher_startup.py [--stores 100000] [--clusters 10] [--pods 1]

Prints the figures with PASS/FAIL against the targets (every store judged <= 30 s, watcher VmHWM <=
500 MB), the CPU of each part during the start-up (watcher, emulators, PostgreSQL), and, apart, the
emulators' own share: every list the watcher makes at start, made again from this process with the
watcher's client code once the run is over. Exit code 0 whatever the figures, 1 when a store was not
judged or was judged other than exactly once (one transition, one audit row). `--smoke`: 200 stores
on 2 clusters, in a few seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import multiprocessing
import multiprocessing.connection
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import yaml
from _harness import REPO, STOREFLEET, bench_main, print_machine, proc_status, server_env, verdict
from b2_commit_latency_vs_repo_size import ME, PROFILE, spec_for
from b3_watcher_events import FLUX_NS, condition, cpu_of, postgres_cpu, profiling, stamp
from psycopg.types.json import Jsonb

from storefleet.api.db.embedded import EmbeddedPostgres
from storefleet.api.db.migrate import apply_migrations
from storefleet.api.fleet.local_remote import ensure_local_fleet_repo
from storefleet.reconciler_watch.cluster import (
    HELMRELEASES,
    NAMESPACES,
    ROTATION_JOBS,
    SETUP_JOBS,
    STORE_PODS,
    Cluster,
    kustomizations,
    load_api_client,
)
from storefleet.reconciler_watch.setup_job import build_job, job_name, setup_key
from storefleet.renderer.manifests import render_store
from storefleet.renderer.profile import GitOpsEngine
from storefleet.renderer.spec import StoreSpec
from storefleet.renderer.template import instantiate_template

sys.path.insert(0, str(REPO))  # the benchmark shares the repository root with its helpers
from storefleet_demo.kube.cluster import KubeCluster, running_kube_api
from storefleet_demo.kube.workloads import Release, setup_config_map

Obj = dict[str, Any]
JUDGED_TARGET_S = 30.0
RSS_TARGET_MB = 500.0
SMOKE = {"stores": 200, "clusters": 2, "tenants": 10, "timeout": 60.0}
CLUSTER_PREFIX = "bench-"
SENTINEL_ID, SENTINEL_TENANT = "st-xxxxxxxxxx", "u-yyyyyyyyyy"
WATCHED = [HELMRELEASES, SETUP_JOBS, ROTATION_JOBS, NAMESPACES, kustomizations(FLUX_NS), STORE_PODS]


@dataclass(frozen=True)
class StoreSeed:
    """One store as the database and its cluster hold it."""

    spec: StoreSpec
    document: dict[str, Any]
    spec_hash: str
    setup_key: str
    commit: str = ""


def cluster_name(index: int) -> str:
    return f"{CLUSTER_PREFIX}{index:02d}"


def make_seeds(args: argparse.Namespace) -> list[list[StoreSeed]]:
    """Per cluster, its stores: store n on cluster n % clusters (the first: the home root)."""
    per_cluster: list[list[StoreSeed]] = [[] for _ in range(args.clusters)]
    for n in range(args.stores):
        index = n % args.clusters
        spec = spec_for(n, args.tenants)
        if index:
            spec = spec.model_copy(update={"cluster": cluster_name(index)})
        document = spec.to_document()
        per_cluster[index].append(StoreSeed(spec, document, spec.spec_hash, setup_key(document)))
    return per_cluster


# ---- the fleet repo: the template, then one commit per store ---------------------------------------
def prepare_fleet(root: Path, seeds: list[list[StoreSeed]]) -> tuple[Path, list[list[StoreSeed]], str]:
    """One (empty-tree-change) commit per store on top of the template, by one `git fast-import`:
    the watcher reads only the history (its ancestor check), never these commits' files."""
    remote = root / "fleet.git"
    files = instantiate_template(GitOpsEngine.FLUX, "local", PROFILE.fleet_repo_url, "main")
    ensure_local_fleet_repo(remote, "main", ME, files)
    base = git("rev-parse", "refs/heads/main", cwd=remote).strip()
    order = [seed for cluster in seeds for seed in cluster]
    stream, when = [], int(time.time())
    for mark, seed in enumerate(order, start=1):
        message = f"Change the plan of store {seed.spec.store_id}\n".encode()
        parent = f"from {base}\n" if mark == 1 else ""
        stream.append(
            f"commit refs/heads/main\nmark :{mark}\ncommitter {ME.name} <{ME.email}> {when} +0000\n"
            f"data {len(message)}\n".encode()
            + message
            + parent.encode()
            + b"\n"
        )
    marks = root / "marks"
    subprocess.run(
        ["git", "fast-import", "--quiet", f"--export-marks={marks}"],
        input=b"".join(stream),
        cwd=remote,
        check=True,
        capture_output=True,
    )
    shas = dict(line.split() for line in marks.read_text().splitlines())
    commits = iter(shas[f":{mark}"] for mark in range(1, len(order) + 1))
    with_commits = [
        [StoreSeed(s.spec, s.document, s.spec_hash, s.setup_key, next(commits)) for s in cluster]
        for cluster in seeds
    ]
    return remote, with_commits, shas[f":{len(order)}"]


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


# ---- the database ------------------------------------------------------------------------------
def seed_database(conninfo: str, seeds: list[list[StoreSeed]], kubeconfigs: list[Path]) -> list[str]:
    """Users, the clusters (the first as the settings cluster makes itself), the stores; returns the
    clusters' ids."""
    cluster_ids = [f"cl-bench{index:05d}" for index in range(len(seeds))]
    owners = sorted({seed.spec.tenant for cluster in seeds for seed in cluster})
    columns = (
        "id, owner_id, name, engine, theme, plan, status, status_message, spec, spec_hash,"
        " last_commit_sha, committed_at, status_changed_at, setup_done_key, setup_started_key,"
        " setup_generation, cluster_id"
    )
    now = datetime.now(UTC)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        with conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO users (id, email, username, password_hash, role)"
                " VALUES (%s, %s, %s, %s, 'tenant')",
                [(uid, f"{uid}@example.com", uid, "$argon2id$dummy") for uid in owners],
            )
            cur.executemany(
                "INSERT INTO clusters (id, name, applier, access_kind, kubeconfig_path, origin, home,"
                " created_by) VALUES (%s, %s, 'flux', 'kubeconfig_file', %s, %s, %s, 'bench')",
                [
                    (cid, cluster_name(i), str(kubeconfigs[i]), "settings" if i == 0 else "api", i == 0)
                    for i, cid in enumerate(cluster_ids)
                ],
            )
        with conn.cursor() as cur, cur.copy(f"COPY stores ({columns}) FROM STDIN") as copy:
            for cluster_id, cluster in zip(cluster_ids, seeds, strict=True):
                for seed in cluster:
                    s = seed.document
                    waiting = f"committed {seed.commit[:12]}; waiting for the cluster to apply"
                    copy.write_row(
                        (
                            s["store_id"],
                            s["tenant"],
                            s["name"],
                            s["engine"],
                            s.get("theme"),
                            s["plan"],
                            "updating",
                            waiting,
                            Jsonb(s),
                            seed.spec_hash,
                            seed.commit,
                            now,
                            now,
                            seed.setup_key,
                            seed.setup_key,
                            1,
                            cluster_id,
                        )
                    )
        conn.execute("ANALYZE")
    return cluster_ids


# ---- the clusters: one emulator process each -------------------------------------------------------
class Prototypes:
    """A store's HelmRelease and setup Job as JSON text rendered once per shape (engine, theme, plan,
    name length) for a sentinel store, then made each store's by substituting its identity: the
    objects are what the renderer and the watcher make, at a fraction of a render per store."""

    def __init__(self) -> None:
        self._shapes: dict[tuple[str, str | None, str, int], tuple[str, str, str]] = {}

    def objects(self, seed: StoreSeed) -> tuple[Obj, Obj]:
        spec = seed.spec
        key = (spec.engine.value, spec.theme.value if spec.theme else None, spec.plan.value, len(spec.name))
        if key not in self._shapes:
            self._shapes[key] = self._render(spec)
        sentinel_hash, release_text, job_text = self._shapes[key]
        swaps = [
            (sentinel_hash, seed.spec_hash),
            (SENTINEL_ID, spec.store_id),
            (SENTINEL_TENANT, spec.tenant),
            ("shop-" + "w" * (len(spec.name) - 5), spec.name),
        ]
        for old, new in swaps:
            release_text, job_text = release_text.replace(old, new), job_text.replace(old, new)
        release, job = json.loads(release_text), json.loads(job_text)
        job["metadata"]["name"] = job_name(spec.store_id, seed.setup_key, 0)
        return release, job

    @staticmethod
    def _render(spec: StoreSpec) -> tuple[str, str, str]:
        sentinel = spec.model_copy(
            update={
                "store_id": SENTINEL_ID,
                "tenant": SENTINEL_TENANT,
                "name": "shop-" + "w" * (len(spec.name) - 5),
            }
        )
        release = yaml.safe_load(render_store(sentinel, PROFILE)["helmrelease.yaml"])
        config_map = setup_config_map(Release.from_values(release["spec"]["values"]))
        job = build_job(config_map, store_id=SENTINEL_ID, tenant=SENTINEL_TENANT, key="k", generation=0)
        return sentinel.spec_hash, json.dumps(release), json.dumps(job)


def pod_of(seed: StoreSeed, number: int) -> Obj:
    """A running, healthy Pod of the store (the pod cache keeps nothing of it: no crash facts)."""
    sid = seed.spec.store_id
    name = f"{sid}-app-{number}"
    container = {
        "name": "app",
        "ready": True,
        "restartCount": 0,
        "started": True,
        "image": "wordpress:6.7.1-php8.2-apache",
        "state": {"running": {"startedAt": stamp()}},
    }
    return {
        "metadata": {"name": name, "labels": {"storefleet.io/store": sid, "app.kubernetes.io/name": "store"}},
        "spec": {"containers": [{"name": "app", "image": container["image"]}]},
        "status": {
            "phase": "Running",
            "conditions": [{"type": "Ready", "status": "True"}],
            "containerStatuses": [container],
        },
    }


def seed_cluster(cluster: KubeCluster, seeds: list[StoreSeed], head: str, pods: int) -> int:
    """Written straight into the emulator's store: what Flux and the watcher left there. Returns the
    number of objects."""
    registry = cluster.emulator.registry
    kinds = {
        plural: registry.find(group, version, plural)
        for group, version, plural in (
            ("", "v1", "namespaces"),
            ("kustomize.toolkit.fluxcd.io", "v1", "kustomizations"),
            ("helm.toolkit.fluxcd.io", "v2", "helmreleases"),
            ("batch", "v1", "jobs"),
            ("", "v1", "pods"),
        )
    }
    revision = f"main@sha1:{head}"
    prototypes = Prototypes()

    def flux(store: Any) -> None:
        store.create(kinds["namespaces"], "", {"metadata": {"name": FLUX_NS}})
        spec = {
            "interval": "10m",
            "path": "./tenants",
            "prune": True,
            "sourceRef": {"kind": "GitRepository", "name": "fleet"},
        }
        ks = store.create(kinds["kustomizations"], FLUX_NS, {"metadata": {"name": "tenants"}, "spec": spec})
        status = {
            "conditions": [
                condition("Ready", "True", "ReconciliationSucceeded", f"Applied revision: {revision}")
            ],
            "observedGeneration": 1,
            "lastAppliedRevision": revision,
            "lastAttemptedRevision": revision,
        }
        store.update(kinds["kustomizations"], ks, {**ks, "status": status}, "status")

    def stores(store: Any, chunk: list[StoreSeed]) -> int:
        made = 0
        for seed in chunk:
            sid = seed.spec.store_id
            release, job = prototypes.objects(seed)
            store.create(
                kinds["namespaces"],
                "",
                {
                    "metadata": {
                        "name": sid,
                        "labels": {"storefleet.io/store": sid, "storefleet.io/tenant": seed.spec.tenant},
                    }
                },
            )
            hr = store.create(kinds["helmreleases"], sid, release)
            done = f"Helm upgrade succeeded for release {sid}/{sid}.v2 with chart ecommerce-store"
            status = {
                "conditions": [
                    condition("Ready", "True", "UpgradeSucceeded", done),
                    condition("Released", "True", "UpgradeSucceeded", done),
                ],
                "observedGeneration": hr["metadata"]["generation"],
                "lastAttemptedReleaseAction": "upgrade",
            }
            store.update(kinds["helmreleases"], hr, {**hr, "status": status}, "status")
            made_job = store.create(kinds["jobs"], sid, job)
            job_status = {
                "succeeded": 1,
                "startTime": stamp(),
                "completionTime": stamp(),
                "conditions": [{"type": "Complete", "status": "True"}],
            }
            store.update(kinds["jobs"], made_job, {**made_job, "status": job_status}, "status")
            for number in range(pods):
                store.create(kinds["pods"], sid, pod_of(seed, number))
            made += 3 + pods
        return made

    unbounded(cluster, flux)
    made = 2
    for start in range(0, len(seeds), 100):
        made += unbounded(cluster, lambda store, chunk=seeds[start : start + 100]: stores(store, chunk))
    return made


def unbounded(cluster: KubeCluster, fn: Callable[[Any], Any]) -> Any:
    """`KubeCluster.call` without its 10 s bound: ten emulators seeding at once on a busy machine."""

    async def call() -> Any:
        return fn(cluster.emulator.store)

    return asyncio.run_coroutine_threadsafe(call(), cluster.loop).result()


def serve_cluster(
    conn: multiprocessing.connection.Connection,
    kubeconfig: Path,
    seeds: list[StoreSeed],
    head: str,
    pods: int,
) -> None:
    """A forked process: one emulator, seeded, until told to stop."""
    with running_kube_api() as cluster:
        started = time.monotonic()
        objects = seed_cluster(cluster, seeds, head, pods)
        cluster.write_kubeconfig(kubeconfig)
        conn.send((objects, time.monotonic() - started))
        conn.recv()


@contextlib.contextmanager
def running_clusters(root: Path, seeds: list[list[StoreSeed]], head: str, pods: int) -> Iterator[list[Any]]:
    """One emulator process per cluster, seeded; yields the processes once all are ready."""
    fork = multiprocessing.get_context("fork")
    started: list[tuple[Any, multiprocessing.connection.Connection]] = []
    try:
        for index, cluster in enumerate(seeds):
            ours, theirs = fork.Pipe()
            proc = fork.Process(
                target=serve_cluster,
                name=f"kube-{index}",
                daemon=True,
                args=(theirs, kubeconfig_path(root, index), cluster, head, pods),
            )
            proc.start()
            started.append((proc, ours))
        for index, (_, conn) in enumerate(started):
            objects, took = conn.recv()
            print(f"  cluster {cluster_name(index)}: {objects} objects seeded in {took:.1f}s")
        yield [proc for proc, _ in started]
    finally:
        for _, conn in started:
            with contextlib.suppress(OSError):
                conn.send("stop")
        for proc, _ in started:
            proc.join(20)
            if proc.is_alive():
                proc.kill()


def kubeconfig_path(root: Path, index: int) -> Path:
    return root / f"kubeconfig-{cluster_name(index)}"


# ---- the watcher ---------------------------------------------------------------------------------
@contextlib.contextmanager
def running_watcher(root: Path, conninfo: str, remote: Path) -> Iterator[subprocess.Popen[bytes]]:
    env = server_env(
        {
            "DATABASE_URL": conninfo,
            "FLEET_REPO_URL": str(remote),
            "FLEET_BRANCH": "main",
            "STOREFLEET_STATE_DIR": str(root / "watcher-state"),
            "KUBECONFIG": str(kubeconfig_path(root, 0)),
            "CLUSTER_NAME": cluster_name(0),
            "GITOPS_ENGINE": "flux",
            "RUN_GIT_SYNC": "false",
            "RUN_FLEET_WRITER": "false",
        }
    )
    log_path = root / "watcher.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [str(STOREFLEET), "watch"],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            cwd=root,
        )
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        if proc.returncode not in (0, -15):
            tail = "\n".join(log_path.read_text(errors="replace").splitlines()[-20:])
            print(f"! watcher exited with {proc.returncode}:\n{tail}", file=sys.stderr)


@dataclass
class StartUp:
    judged_s: float | None  # every store ready, from the watcher's start
    first_s: float | None  # the first store ready
    ready: int
    rss_peak_sampled: float
    hwm: float
    cpu: dict[str, float]


def cpu_now(watcher: int, emulators: list[Any], pgdata: Path) -> dict[str, float]:
    return {
        "watcher": cpu_of(f"/proc/{watcher}/stat"),
        "emulators": sum(cpu_of(f"/proc/{proc.pid}/stat") for proc in emulators),
        "PostgreSQL": postgres_cpu(pgdata),
    }


def watch_start_up(
    args: argparse.Namespace, root: Path, conninfo: str, remote: Path, emulators: list[Any], pgdata: Path
) -> StartUp:
    """Start the watcher; until every store is ready (or the timeout), poll the count and its RSS."""
    ready, first, judged, rss_peak = 0, None, None, 0.0
    with (
        psycopg.connect(conninfo, autocommit=True) as conn,
        running_watcher(root, conninfo, remote) as watcher,
    ):
        profile = stack_profile(args, watcher.pid)
        before, started = cpu_now(watcher.pid, emulators, pgdata), time.monotonic()
        while time.monotonic() - started < args.timeout:
            if watcher.poll() is not None:
                raise RuntimeError(f"the watcher exited with {watcher.returncode} (see {root}/watcher.log)")
            rss_peak = max(rss_peak, proc_status(watcher.pid).get("VmRSS", 0.0))
            row = conn.execute("SELECT count(*) FROM stores WHERE status = 'ready'").fetchone()
            ready = row[0] if row else 0
            if ready and first is None:
                first = time.monotonic() - started
            if ready == args.stores:
                judged = time.monotonic() - started
                break
            time.sleep(0.2)
        after = cpu_now(watcher.pid, emulators, pgdata)
        profile.close()
        time.sleep(args.settle)  # anything the watcher would still write, for the checks
        hwm = proc_status(watcher.pid).get("VmHWM", 0.0)
    cpu = {name: after[name] - before[name] for name in after}
    return StartUp(judged, first, ready, rss_peak, hwm, cpu)


def stack_profile(args: argparse.Namespace, pid: int) -> contextlib.ExitStack:
    """py-spy on the watcher from its start (`--profile`), ended by closing the stack."""
    stack = contextlib.ExitStack()
    stack.enter_context(profiling(args, pid))
    return stack


# ---- the emulators' own share ------------------------------------------------------------------------
def listing_alone(root: Path, clusters: int) -> tuple[float, int]:
    """Every list the watcher makes at start, from this process with the watcher's client, one cluster
    after the other: (seconds, objects)."""
    started, count = time.monotonic(), 0
    for index in range(clusters):
        cluster = Cluster(load_api_client(kubeconfig_path(root, index)))
        for resource in WATCHED:
            items, _ = cluster.list_objects(resource)
            count += len(items)
        cluster.api_client.close()
    return time.monotonic() - started, count


# ---- report and checks ---------------------------------------------------------------------------
def final_state(conninfo: str) -> dict[str, int]:
    with psycopg.connect(conninfo, autocommit=True) as conn:
        counts = dict(conn.execute("SELECT status, count(*) FROM stores GROUP BY status").fetchall())
        per_store = conn.execute(
            "SELECT count(*) FILTER (WHERE n = 1), count(*) FILTER (WHERE n > 1) FROM (SELECT store_id,"
            " count(*) AS n FROM audit_events WHERE event = 'store.transition' GROUP BY store_id) t"
        ).fetchone()
        wrong = conn.execute(
            "SELECT count(*) FROM stores WHERE status = 'ready'"
            " AND status_message <> 'ready at ' || left(last_commit_sha, 12)"
        ).fetchone()
    assert per_store is not None and wrong is not None
    return {
        **counts,
        "stores with one transition audited": per_store[0],
        "stores with several": per_store[1],
        "ready with another message": wrong[0],
    }


def print_report(
    args: argparse.Namespace, outcome: StartUp, alone: tuple[float, int], final: dict[str, int]
) -> None:
    judged = outcome.judged_s
    shown = (
        f"{judged:.2f}s" if judged is not None else f"not within {args.timeout:.0f}s ({outcome.ready} ready)"
    )
    print(
        f"\nB8  watcher start-up: {args.stores} stores in updating on {args.clusters} clusters "
        f"(Flux; per store a Namespace, a HelmRelease, a setup Job, {args.pods} Pod(s))"
    )
    first = f"{outcome.first_s:.2f}s" if outcome.first_s is not None else "-"
    print(f"first store ready after {first}")
    ok_time = judged is not None and judged <= JUDGED_TARGET_S
    print(
        f"every store judged (ready), from the watcher's start: {shown}   <= {JUDGED_TARGET_S:.0f}s: "
        f"{verdict(ok_time)}"
    )
    print(
        f"watcher VmHWM {outcome.hwm:.0f} MB (VmRSS sampled peak {outcome.rss_peak_sampled:.0f} MB)   "
        f"<= {RSS_TARGET_MB:.0f} MB: {verdict(outcome.hwm <= RSS_TARGET_MB)}"
    )
    print("CPU seconds during the start-up: " + ", ".join(f"{k} {v:.2f}" for k, v in outcome.cpu.items()))
    print(
        f"emulators' share, apart: every start-up list of the {args.clusters} clusters ({alone[1]} objects) "
        f"from one client, one after the other: {alone[0]:.2f}s"
    )
    print("final state: " + ", ".join(f"{k} {v}" for k, v in sorted(final.items())))


def check(args: argparse.Namespace, final: dict[str, int]) -> bool:
    expected = {
        "ready": args.stores,
        "stores with one transition audited": args.stores,
        "stores with several": 0,
        "ready with another message": 0,
    }
    problems = [
        f"{name}: {final.get(name, 0)}, expected {want}"
        for name, want in expected.items()
        if final.get(name, 0) != want
    ]
    print(
        "start-up check: "
        + ("OK, every store judged ready once, one transition audited each" if not problems else "PROBLEMS")
    )
    for problem in problems:
        print(f"  ! {problem}")
    return not problems


def run(args: argparse.Namespace) -> bool:
    print_machine()
    root = Path(tempfile.mkdtemp(prefix="sf-b8-"))
    try:
        started = time.monotonic()
        seeds = make_seeds(args)
        remote, seeds, head = prepare_fleet(root, seeds)
        print(f"fleet repo: {args.stores} commits on the template in {time.monotonic() - started:.1f}s")
        with contextlib.ExitStack() as stack:
            # forked before PostgreSQL and any thread of this process starts
            emulators = stack.enter_context(running_clusters(root, seeds, head, args.pods))
            pg = EmbeddedPostgres(root / "postgres")
            conninfo = pg.start()
            stack.callback(pg.stop)
            apply_migrations(conninfo)
            seed_database(conninfo, seeds, [kubeconfig_path(root, i) for i in range(args.clusters)])
            took = time.monotonic() - started
            print(f"set up {args.stores} stores (fleet repo, database, clusters) in {took:.1f}s")
            outcome = watch_start_up(args, root, conninfo, remote, emulators, pg.pgdata)
            final = final_state(conninfo)
            alone = listing_alone(root, args.clusters)
            print_report(args, outcome, alone, final)
            return check(args, final)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def add_options(add: Callable[..., argparse.Action]) -> None:
    add("--stores", type=int, default=100_000, help="stores in updating, spread over the clusters")
    add("--clusters", type=int, default=10, help="registered clusters, one emulator process each")
    add("--tenants", type=int, default=1_000, help="tenants owning the stores")
    add("--pods", type=int, default=1, help="running Pods per store")
    add("--timeout", type=float, default=300.0, help="max seconds for every store to be judged")
    add("--profile", default="", help="record the watcher with py-spy into this file (.svg, .json or raw)")
    add(
        "--py-spy",
        default=shutil.which("py-spy") or str(REPO / ".venv/bin/py-spy"),
        help="the py-spy executable",
    )
    add("--settle", type=float, default=1.0, help="seconds to wait after the last verdict, for the checks")


if __name__ == "__main__":
    sys.exit(bench_main(__doc__, add_options, run, SMOKE))
