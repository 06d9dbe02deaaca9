"""B3: 10,000 status events through the cluster watcher into the database.

Real parts: an embedded PostgreSQL (temp dir, migrations applied), a bare fleet repo holding one real
commit per store (so the watcher's ancestor check runs in git), the test Kubernetes API
(`storefleet_demo.kube`, the demo extra: kmock's emulator served over HTTP on 127.0.0.1, in a
thread of this process), and the real watcher as its own process: `storefleet watch`
(`build_watcher`: list + watch informers over HTTP, `decide`, `StoreUpdater`), with the product's
defaults (`WATCH_TICK_S` 5 s included).

Set-up (untimed): N stores in `provisioning` (SQL), each with its own commit in the fleet repo and,
in the cluster, its Namespace and HelmRelease (as rendered into the fleet repo), the chart's setup
ConfigMap, and the Flux Kustomization `tenants` with `lastAppliedRevision: main@sha1:<head>`. The
watcher starts, checks every store's commit against that revision, and writes "Helm install: waiting
for the helm-controller" for each (`--startup-timeout` bounds this); the run starts once all N show it.

An *event* is one status write to the API server that reaches the watcher as one MODIFIED event on
its watch stream and has its own visible effect on the store's row (a new `status_message` or a
transition, as the product's `decide` says): a HelmRelease's `status` (progress: Reconciling=True
with Ready=Unknown, or Ready=False after a failed attempt that is retried; then Ready=True, or
Stalled=True) or a setup Job's `status` (Complete). Per store: progress steps, then Ready=True (the
watcher creates the setup Job: "running the post-install setup"), then the Job's Complete (-> ready;
a Medusa store's Job also gets its Pod and the log line with the storefront key, which the watcher
reads before ready), written as soon as the watcher has created the Job; or, for every
`--fail-every`-th store, progress steps then Stalled (-> failed).

Order (`--order`): staggered (stores start one after another and interleave, each at its own pace)
or rounds (all stores in lockstep: the worst case). Pace (`--rate`): as fast as the emitter can, or
an average rate. `--emit store` writes each status into the emulator's object store on its event
loop (no HTTP on the writing side; the watch fan-out and the watcher's streams are the same);
`--emit api` PATCHes `/status` over HTTP with the official client from `--threads` threads.

"Through the watcher into the DB": from the write being accepted by the API server (store: applied
in the emulator; api: the PATCH returned) to the commit of the store's row showing that event's
effect, or a later state of the same store when the watcher coalesced events (counted). A
bench-only trigger on `stores` NOTIFYs each change of status/status_message (delivered at commit) to
a LISTENing connection in this process, which stamps its arrival; the trigger's own clock is shown
too ("written").

    .venv/bin/python bench/b3_watcher_events.py [--stores 1000] [--events 10000] [--rate 0] [--order rounds]

Prints the figures with PASS/FAIL against the targets (total <= 10 s, per-event p99 <= 100 ms); the
exit code is 0 whatever the figures, and 1 when an event had no effect or a store did not end where
its plan leads. `--smoke`: 20 stores and 200 events, in a few seconds.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import queue
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import yaml
from _harness import STOREFLEET, bench_main, pct, postmaster_pid, print_machine, server_env, verdict
from b2_commit_latency_vs_repo_size import ME, PREPARED_CHANGE_IDS, PROFILE, spec_for, store_change
from psycopg.types.json import Jsonb

from storefleet.api.db.embedded import EmbeddedPostgres
from storefleet.api.db.migrate import apply_migrations
from storefleet.api.domain.lifecycle import StoreStatus
from storefleet.api.fleet.git_repo import FleetRepo
from storefleet.api.fleet.local_remote import ensure_local_fleet_repo
from storefleet.reconciler_watch.decide import StoreView, decide
from storefleet.reconciler_watch.observed import Observed, parse_helmrelease, parse_job
from storefleet.reconciler_watch.setup_job import job_name, setup_key
from storefleet.reconciler_watch.wire import HelmReleaseObject, JobObject, as_record
from storefleet.renderer.manifests import ANNOTATION_SPEC_HASH
from storefleet.renderer.profile import GitOpsEngine
from storefleet.renderer.template import instantiate_template
from storefleet_demo.kube.cluster import KubeCluster, running_kube_api
from storefleet_demo.kube.rest import Kube
from storefleet_demo.kube.workloads import CHART, CHART_VERSION, Release, limits, setup_config_map

Obj = dict[str, Any]
TOTAL_TARGET_S = 10.0
P99_TARGET_MS = 100.0
# No guardrail applies: the watcher is a worker that serves no HTTP, and the API is not running. Its
# logging stays at the production default (INFO, JSON), like everything else it does.
# `--smoke`: 20 stores, 200 events, a few seconds (the test suite runs it).
SMOKE = {"stores": 20, "events": 200, "tenants": 4, "quiet": 0.2, "timeout": 60.0}
CHANNEL = "b3_store_changed"
SETTLED = "Helm install: waiting for the helm-controller"
FLUX_NS = "flux-system"
HR_API = "helm.toolkit.fluxcd.io/v2"
KINDS = ("progress", "healthy", "setup_done", "stalled")
# Bench-only instrumentation: one NOTIFY per change of a store's status or message, sent at commit.
TRIGGER_SQL = f"""
CREATE FUNCTION b3_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('{CHANNEL}', NEW.id || E'\\t' || NEW.status || E'\\t'
        || extract(epoch FROM clock_timestamp())::text || E'\\t' || coalesce(NEW.status_message, ''));
    RETURN NULL;
END $$;
CREATE TRIGGER b3_notify AFTER UPDATE ON stores FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.status_message IS DISTINCT FROM NEW.status_message)
    EXECUTE FUNCTION b3_notify();
"""


def stamp() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# ---- the plan: each store's status writes and what the watcher should make of them ---------------
@dataclass(frozen=True)
class Step:
    kind: str  # progress | healthy | setup_done | stalled
    target: str  # helmrelease | job
    status: Obj  # the object's new status
    expect: tuple[str, str]  # (stores.status, stores.status_message) once the watcher applied it


@dataclass
class StorePlan:
    number: int
    id: str
    owner: str
    spec: Obj
    commit: str
    files: dict[str, bytes]
    steps: list[Step] = field(default_factory=list)
    index: dict[tuple[str, str], int] = field(default_factory=dict)

    @property
    def job(self) -> str:
        return job_name(self.id, setup_key(self.spec), 0)

    @property
    def spec_hash(self) -> str:
        """The hash the rendered HelmRelease carries, as the store row keeps it."""
        release = yaml.safe_load(self.files["helmrelease.yaml"])
        return str(release["metadata"]["annotations"][ANNOTATION_SPEC_HASH])

    @property
    def healthy_step(self) -> int | None:
        return next((i for i, step in enumerate(self.steps) if step.kind == "healthy"), None)


def condition(kind: str, status: str, reason: str, message: str) -> Obj:
    return {"type": kind, "status": status, "reason": reason, "message": message,
            "observedGeneration": 1, "lastTransitionTime": stamp()}  # fmt: skip


def progress_script(sid: str, count: int) -> list[tuple[str, str, str]]:
    """(Ready status, Reconciling reason, Reconciling message) of `count` progress writes: an install
    that fails and is retried (the rendered HelmRelease allows 3 retries), ending on a running attempt."""
    chart = f"HelmChart '{FLUX_NS}/{sid}-{sid}' is not ready: pulling chart from the fleet artifact"
    steps = [("Unknown", "Progressing", "Fulfilling prerequisites")]
    if count % 2 == 1:  # so that the last step is a running attempt
        steps.append(("Unknown", "Progressing", chart))
    attempt = 1
    steps.append(("Unknown", "Progressing", "Running 'install' action with timeout of 10m0s"))
    while len(steps) < count:
        retry = f"Retrying 'install' after attempt {attempt} failed: context deadline exceeded"
        steps.append(("False", "ProgressingWithRetry", retry))
        attempt += 1
        steps.append(("Unknown", "Progressing",
                      f"Running 'install' action with timeout of 10m0s (attempt {attempt})"))  # fmt: skip
    return steps[:count]


def release_status(sid: str, conditions: list[Obj], failures: int, **extra: Any) -> Obj:
    status: Obj = {"conditions": conditions, "helmChart": f"{FLUX_NS}/{sid}-{sid}", "storageNamespace": sid,
                   "lastAttemptedGeneration": 1, "lastAttemptedReleaseAction": "install",
                   "lastAttemptedRevision": CHART_VERSION, **extra}  # fmt: skip
    if failures:
        status.update(installFailures=failures, failures=failures)
    return status


def expected(plan: StorePlan, release: Obj, job: Obj | None = None) -> tuple[str, str]:
    """What the watcher should write for this cluster state: the product's own `decide`."""
    view = StoreView(plan.id, StoreStatus.PROVISIONING, plan.commit, datetime.now(UTC),
                     setup_key=setup_key(plan.spec), setup_done_key=None,
                     spec_hash=plan.spec_hash)  # fmt: skip
    meta = {"generation": 1, "annotations": {ANNOTATION_SPEC_HASH: plan.spec_hash}}
    applier = parse_helmrelease(as_record({"metadata": meta, "status": release}, HelmReleaseObject), True)
    setup = (
        parse_job(as_record({"metadata": {"name": plan.job}, "status": job}, JobObject))
        if job is not None
        else None
    )
    decision = decide(Observed(datetime.now(UTC), applier, setup_job=setup), view)
    if decision is None:
        raise RuntimeError(f"{plan.id}: a step the watcher would not act on: {release}")
    return (decision.status or StoreStatus.PROVISIONING).value, decision.message


def plan_steps(plan: StorePlan, events: int, fails: bool) -> list[Step]:
    sid = plan.id
    release = f"{sid}/{sid} with chart {CHART}@{CHART_VERSION}"
    failed_message = f"Helm install failed for release {release}: context deadline exceeded"
    steps, failures = [], 0
    for ready, reason, message in progress_script(sid, events - 1 if fails else events - 2):
        failures += ready == "False"
        ready_message = failed_message if ready == "False" else message
        ready_reason = "InstallFailed" if ready == "False" else reason
        conditions = [condition("Reconciling", "True", reason, message),
                      condition("Ready", ready, ready_reason, ready_message)]  # fmt: skip
        status = release_status(sid, conditions, failures)
        steps.append(Step("progress", "helmrelease", status, expected(plan, status)))
    attempts = 1 + failures
    if fails:
        stalled = f"Failed to install after {attempts} attempt(s)"
        conditions = [condition("Ready", "False", "InstallFailed", failed_message),
                      condition("Released", "False", "InstallFailed", failed_message),
                      condition("Stalled", "True", "RetriesExceeded", stalled)]  # fmt: skip
        status = release_status(sid, conditions, attempts, observedGeneration=1)
        return [*steps, Step("stalled", "helmrelease", status, expected(plan, status))]
    done = f"Helm install succeeded for release {sid}/{sid}.v1 with chart {CHART}@{CHART_VERSION}"
    conditions = [condition("Ready", "True", "InstallSucceeded", done),
                  condition("Released", "True", "InstallSucceeded", done)]  # fmt: skip
    healthy = release_status(sid, conditions, failures, observedGeneration=1)
    steps.append(Step("healthy", "helmrelease", healthy, expected(plan, healthy)))
    job_conditions = [{"type": kind, "status": "True", "reason": "CompletionsReached",
                       "message": "Reached expected number of succeeded pods",
                       "lastProbeTime": stamp(), "lastTransitionTime": stamp()}
                      for kind in ("SuccessCriteriaMet", "Complete")]  # fmt: skip
    job_status = {"startTime": stamp(), "completionTime": stamp(), "succeeded": 1, "ready": 0,
                  "terminating": 0, "conditions": job_conditions}  # fmt: skip
    steps.append(Step("setup_done", "job", job_status, expected(plan, healthy, job_status)))
    return steps


# ---- set-up: fleet repo, database, cluster ------------------------------------------------------
def prepare_fleet(root: Path, args: argparse.Namespace) -> tuple[Path, list[StorePlan]]:
    """A bare fleet repo: the template, then one commit per store (one batch, one push)."""
    remote = root / "fleet.git"
    files = instantiate_template(GitOpsEngine.FLUX, "local", PROFILE.fleet_repo_url, "main")
    ensure_local_fleet_repo(remote, "main", ME, files)
    specs = [spec_for(n, args.tenants) for n in range(args.stores)]
    changes = [store_change(spec, PREPARED_CHANGE_IDS + n) for n, spec in enumerate(specs)]
    filler = FleetRepo(root / "filler.git", str(remote), "main", ME).open()
    try:
        shas = filler.build_commits(filler.fetch(), changes)
        assert shas[-1] is not None
        filler.push(shas[-1])
    finally:
        filler.close()
    plans = []
    for n, (spec, change, sha) in enumerate(zip(specs, changes, shas, strict=True)):
        assert sha is not None and change.files is not None
        plan = StorePlan(n, spec.store_id, spec.tenant, spec.to_document(), sha, change.files)
        plan.steps = plan_steps(plan, args.events // args.stores, n % args.fail_every == args.fail_every - 1)
        plan.index = {step.expect: i for i, step in enumerate(plan.steps)}
        if len(plan.index) != len(plan.steps):
            raise RuntimeError(f"{plan.id}: two steps with the same expected state")
        plans.append(plan)
    return remote, plans


def seed_database(conninfo: str, plans: list[StorePlan]) -> None:
    owners = sorted({plan.owner for plan in plans})
    columns = ("id, owner_id, name, engine, theme, plan, status, status_message, spec, spec_hash,"
               " last_commit_sha, committed_at, status_changed_at")  # fmt: skip
    now = datetime.now(UTC)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        with conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO users (id, email, username, password_hash, role)"
                " VALUES (%s, %s, %s, %s, 'tenant')",
                [(uid, f"{uid}@example.com", uid, "$argon2id$dummy") for uid in owners],
            )
        with conn.cursor() as cur, cur.copy(f"COPY stores ({columns}) FROM STDIN") as copy:
            for plan in plans:
                s, waiting = plan.spec, f"committed {plan.commit[:12]}; waiting for the cluster to apply"
                row = (plan.id, plan.owner, s["name"], s["engine"], s["theme"], s["plan"], "provisioning",
                       waiting, Jsonb(s), plan.spec_hash, plan.commit, now, now)  # fmt: skip
                copy.write_row(row)
        conn.execute("ANALYZE")
        conn.execute(TRIGGER_SQL)


def seed_cluster(cluster: KubeCluster, plans: list[StorePlan], head: str) -> None:
    """Written straight into the emulator's store (untimed): Flux's objects as if it had applied `head`."""
    registry = cluster.emulator.registry
    namespaces = registry.find("", "v1", "namespaces")
    kustomizations = registry.find("kustomize.toolkit.fluxcd.io", "v1", "kustomizations")
    releases = registry.find("helm.toolkit.fluxcd.io", "v2", "helmreleases")
    config_maps = registry.find("", "v1", "configmaps")
    quotas, limit_ranges = registry.find("", "v1", "resourcequotas"), registry.find("", "v1", "limitranges")
    assert namespaces and kustomizations and releases and config_maps and quotas and limit_ranges
    kinds = {"ResourceQuota": quotas, "LimitRange": limit_ranges}
    revision = f"main@sha1:{head}"

    def flux(store: Any) -> None:
        store.create(namespaces, "", {"metadata": {"name": FLUX_NS}})
        spec = {"interval": "10m", "path": "./tenants", "prune": True,
                "sourceRef": {"kind": "GitRepository", "name": "fleet"}}  # fmt: skip
        ks = store.create(kustomizations, FLUX_NS, {"metadata": {"name": "tenants"}, "spec": spec})
        ready = condition("Ready", "True", "ReconciliationSucceeded", f"Applied revision: {revision}")
        status = {"conditions": [ready], "observedGeneration": 1,
                  "lastAppliedRevision": revision, "lastAttemptedRevision": revision}  # fmt: skip
        store.update(kustomizations, ks, {**ks, "status": status}, "status")

    def stores(store: Any, chunk: list[StorePlan]) -> None:
        for plan in chunk:
            namespace = yaml.safe_load(plan.files["namespace.yaml"])
            release = yaml.safe_load(plan.files["helmrelease.yaml"])
            store.create(namespaces, "", namespace)
            store.create(releases, plan.id, release)
            chart = Release.from_values(release["spec"]["values"])
            store.create(config_maps, plan.id, setup_config_map(chart))
            for limit in limits(chart):  # what the post-install check looks for
                store.create(kinds[limit["kind"]], plan.id, limit)

    cluster.call(flux)
    for start in range(0, len(plans), 100):
        chunk = plans[start : start + 100]
        cluster.call(lambda store, chunk=chunk: stores(store, chunk))


# ---- the watcher, as its own process -------------------------------------------------------------
@contextlib.contextmanager
def running_watcher(
    root: Path, conninfo: str, remote: Path, kubeconfig: Path
) -> Iterator[subprocess.Popen[bytes]]:
    env = server_env({
        "DATABASE_URL": conninfo, "FLEET_REPO_URL": str(remote), "FLEET_BRANCH": "main",
        "STOREFLEET_STATE_DIR": str(root / "watcher-state"), "KUBECONFIG": str(kubeconfig),
        "GITOPS_ENGINE": "flux", "RUN_GIT_SYNC": "false", "RUN_FLEET_WRITER": "false",
    })  # fmt: skip
    log_path = root / "watcher.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen([str(STOREFLEET), "watch"], stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, env=env, cwd=root)  # fmt: skip
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        if proc.returncode not in (0, -signal.SIGTERM):
            tail = "\n".join(log_path.read_text(errors="replace").splitlines()[-20:])
            print(f"! watcher exited with {proc.returncode}:\n{tail}", file=sys.stderr)


def wait_settled(conninfo: str, count: int, watcher: subprocess.Popen[bytes], timeout_s: float) -> float:
    """Until the watcher has judged every store once (the ancestor checks included); returns seconds."""
    started = time.monotonic()
    with psycopg.connect(conninfo, autocommit=True) as conn:
        while time.monotonic() - started < timeout_s:
            if watcher.poll() is not None:
                raise RuntimeError(f"the watcher exited with {watcher.returncode} (see watcher.log)")
            row = conn.execute("SELECT count(*) FROM stores WHERE status_message = %s", (SETTLED,)).fetchone()
            if row and row[0] == count:
                return time.monotonic() - started
            time.sleep(0.2)
    raise RuntimeError(f"the watcher did not judge all {count} stores within {timeout_s:.0f}s")


# ---- observing the database ----------------------------------------------------------------------
class Observer:
    """LISTENs for the trigger's notifications and maps each to the store's step (the state reached)."""

    def __init__(self, conninfo: str, plans: list[StorePlan]) -> None:
        self._conninfo = conninfo
        self._plans = {plan.id: plan for plan in plans}
        self.reached = {plan.id: -1 for plan in plans}
        self.effect: dict[tuple[str, int], tuple[float, float]] = {}  # (arrived, written in PostgreSQL)
        self.coalesced = 0
        self.notifications = 0
        self.unexpected: list[str] = []
        self.remaining = len(plans)
        self.done = threading.Event()
        self.listening = threading.Event()
        self.on_healthy: Callable[[StorePlan], None] = lambda plan: None
        self.native_id = 0

    def run(self, stop: threading.Event) -> None:
        self.native_id = threading.get_native_id()
        with psycopg.connect(self._conninfo, autocommit=True) as conn:
            conn.execute(f"LISTEN {CHANNEL}")
            self.listening.set()
            while not stop.is_set():
                for note in conn.notifies(timeout=0.1):
                    self.handle(note.payload, time.time())

    def handle(self, payload: str, arrived: float) -> None:
        self.notifications += 1
        sid, status, written, message = payload.split("\t", 3)
        plan = self._plans.get(sid)
        index = plan.index.get((status, message)) if plan else None
        if plan is None or index is None:
            if message != SETTLED:
                self.unexpected.append(f"{sid}: {status}: {message}")
            return
        before = self.reached[sid]
        if index <= before:
            return
        for step in range(before + 1, index + 1):
            self.effect[(sid, step)] = (arrived, float(written))
        self.coalesced += index - before - 1
        self.reached[sid] = index
        healthy = plan.healthy_step
        if healthy is not None and before < healthy <= index:
            self.on_healthy(plan)
        if index == len(plan.steps) - 1:
            self.remaining -= 1
            if self.remaining == 0:
                self.done.set()


# ---- emitting ------------------------------------------------------------------------------------
Event = tuple[StorePlan, int]
Writer = Callable[[list[Event]], list[float]]


def setup_pod(plan: StorePlan) -> tuple[Obj, Obj, str]:
    """The finished Pod of a setup Job and its log: Medusa's setup prints the storefront's
    publishable key, which the watcher reads from the log before the store turns ready."""
    container = {"name": "setup", "image": "ghcr.io/storefleet/medusa-backend:0.1.0"}
    pod = {"apiVersion": "v1", "kind": "Pod",
           "metadata": {"name": f"{plan.job}-b3pod", "namespace": plan.id,
                        "labels": {"job-name": plan.job, "batch.kubernetes.io/job-name": plan.job}},
           "spec": {"restartPolicy": "Never", "containers": [container]}}  # fmt: skip
    log = f"setup done\npublishable-key=pk_{plan.id.replace('-', '')}b3\n"
    return pod, {"phase": "Succeeded", "startTime": stamp()}, log


def needs_pod(plan: StorePlan, step: Step) -> bool:
    """Only a finished Medusa setup is read back (its log); other Jobs' Pods are not modelled."""
    return step.kind == "setup_done" and plan.spec["engine"] == "medusa"


def store_writer(cluster: KubeCluster) -> Writer:
    """Status writes applied in the emulator's object store, on its loop (as a status PUT would)."""
    registry = cluster.emulator.registry
    releases = registry.find("helm.toolkit.fluxcd.io", "v2", "helmreleases")
    jobs, pods = registry.find("batch", "v1", "jobs"), registry.find("", "v1", "pods")
    assert releases is not None and jobs is not None and pods is not None

    def pod_for(store: Any, plan: StorePlan) -> None:
        body, status, log = setup_pod(plan)
        pod = store.create(pods, plan.id, body)
        store.update(pods, pod, {**pod, "status": status}, "status")
        cluster.emulator.pod_logs[(plan.id, body["metadata"]["name"])] = log

    def write(events: list[Event]) -> list[float]:
        def apply(store: Any) -> list[float]:
            stamps = []
            for plan, index in events:
                step = plan.steps[index]
                rt, name = (releases, plan.id) if step.target == "helmrelease" else (jobs, plan.job)
                old = store.find(rt, plan.id, name)
                if old is None:
                    raise RuntimeError(f"{plan.id}: no {step.target} {name} to write")
                if needs_pod(plan, step):
                    pod_for(store, plan)
                store.update(rt, old, {**old, "status": step.status}, "status")
                stamps.append(time.time())
            return stamps

        return cluster.call(apply)

    return write


def api_writer(cluster: KubeCluster) -> Writer:
    """Merge patches of /status over HTTP through the official client (one connection per thread)."""
    kube = Kube(cluster.api_client())

    def pod_for(plan: StorePlan) -> None:
        body, status, log = setup_pod(plan)
        kube.write_status(kube.create(body), status)
        cluster.set_pod_log(plan.id, body["metadata"]["name"], log)

    def write(events: list[Event]) -> list[float]:
        stamps = []
        for plan, index in events:
            step = plan.steps[index]
            api, kind, name = (
                (HR_API, "HelmRelease", plan.id)
                if step.target == "helmrelease"
                else ("batch/v1", "Job", plan.job)
            )
            if needs_pod(plan, step):
                pod_for(plan)
            ref = {"apiVersion": api, "kind": kind, "metadata": {"name": name, "namespace": plan.id}}
            kube.merge_patch(ref, {"status": step.status}, sub="status")
            stamps.append(time.time())
        return stamps

    return write


Timed = tuple[float, StorePlan, int]  # (when, as a fraction of the emission window; store; step)


class Emitter:
    """Sends its share of the schedule in order, each write at its moment of a window of
    `window_s` (0: as fast as it can), and each setup Job's completion as soon as the watcher has
    created the Job (the observer queues it)."""

    def __init__(self, schedule: list[Timed], jobs: int, write: Writer, window_s: float, batch: int) -> None:
        self.schedule, self.jobs_expected, self.write = schedule, jobs, write
        self.window_s, self.batch = window_s, batch
        self.jobs: queue.SimpleQueue[Event] = queue.SimpleQueue()
        self.emitted: dict[tuple[str, int], float] = {}
        self.cpu_s = 0.0
        self.error: BaseException | None = None

    def run(self, stop: threading.Event) -> None:
        cpu = time.thread_time()
        try:
            self._loop(stop)
        except BaseException as exc:
            self.error = exc
        self.cpu_s = time.thread_time() - cpu

    def _loop(self, stop: threading.Event) -> None:
        pending, jobs_left = deque(self.schedule), self.jobs_expected
        started = time.monotonic()
        while (pending or jobs_left) and not stop.is_set():
            due = self._jobs_due()
            jobs_left -= len(due)
            now = time.monotonic()
            while pending and len(due) < self.batch and started + pending[0][0] * self.window_s <= now:
                _, plan, index = pending.popleft()
                due.append((plan, index))
            if not due:
                wait = started + pending[0][0] * self.window_s - now if pending else 0.05
                with contextlib.suppress(queue.Empty):
                    due.append(self.jobs.get(timeout=max(0.0002, wait)))
                    jobs_left -= 1
            if due:
                for (plan, index), at in zip(due, self.write(due), strict=True):
                    self.emitted[(plan.id, index)] = at

    def _jobs_due(self) -> list[Event]:
        due: list[Event] = []
        with contextlib.suppress(queue.Empty):
            while len(due) < self.batch:
                due.append(self.jobs.get_nowait())
        return due


def schedule(plans: list[StorePlan], order: str) -> list[Timed]:
    """The HelmRelease writes with their moments in [0, 1). staggered: stores start one after
    another over the first 80 % of the window and each takes 20 % of it for its steps (jittered),
    so all phases interleave, as in a fleet provisioned over time. rounds: every store in lockstep,
    one step of each per tenth of the window (a wave of 900 Ready=True at once: the worst case).
    A setup Job completes when the watcher has created it, so it has no moment of its own."""
    rng = random.Random(3)
    timed: list[Timed] = []
    for n, plan in enumerate(plans):
        start, span = 0.8 * n / len(plans), 0.2 / len(plan.steps)
        for index, step in enumerate(plan.steps):
            if step.target != "helmrelease":
                continue
            base = start + span * index if order == "staggered" else index / len(plan.steps)
            timed.append((base + rng.uniform(0.0, span if order == "staggered" else 0.1), plan, index))
    timed.sort(key=lambda item: item[0])
    return timed


def build_emitters(args: argparse.Namespace, cluster: KubeCluster, plans: list[StorePlan]) -> list[Emitter]:
    order = list(plans)
    random.Random(5).shuffle(order)  # start order unrelated to store numbers (engines, tenants)
    timed = schedule(order, args.order)
    window_s = args.events / args.rate if args.rate > 0 else 0.0  # setup Jobs included
    threads = args.threads if args.emit == "api" else 1
    emitters = []
    for lane in range(threads):
        mine = [item for item in timed if item[1].number % threads == lane]
        jobs = sum(1 for p in plans if p.number % threads == lane and p.healthy_step is not None)
        write = api_writer(cluster) if args.emit == "api" else store_writer(cluster)
        emitters.append(Emitter(mine, jobs, write, window_s, args.batch if args.emit == "store" else 1))
    return emitters


# ---- CPU accounting ------------------------------------------------------------------------------
_TICK = os.sysconf("SC_CLK_TCK")


def cpu_of(stat_path: str) -> float:
    with contextlib.suppress(OSError):
        fields = Path(stat_path).read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _TICK
    return 0.0


def postgres_cpu(pgdata: Path) -> float:
    root = postmaster_pid(pgdata)
    if root is None:
        return 0.0
    children = Path(f"/proc/{root}/task/{root}/children").read_text().split()
    return sum(cpu_of(f"/proc/{pid}/stat") for pid in [root, *map(int, children)])


def cpu_snapshot(watcher_pid: int, pgdata: Path, tids: dict[str, int]) -> dict[str, float]:
    snap = {"watcher process": cpu_of(f"/proc/{watcher_pid}/stat"), "PostgreSQL": postgres_cpu(pgdata),
            "bench process": cpu_of("/proc/self/stat")}  # fmt: skip
    snap.update({name: cpu_of(f"/proc/self/task/{tid}/stat") for name, tid in tids.items()})
    return snap


# ---- the run -------------------------------------------------------------------------------------
@dataclass
class Outcome:
    emitted: dict[tuple[str, int], float]
    effect: dict[tuple[str, int], tuple[float, float]]
    wall_s: float
    emit_s: float
    cpu: dict[str, float]
    observer: Observer
    errors: list[str]


@contextlib.contextmanager
def profiling(args: argparse.Namespace, pid: int) -> Iterator[None]:
    if not args.profile:
        yield
        return
    fmt = {".svg": "flamegraph", ".json": "speedscope"}.get(Path(args.profile).suffix, "raw")
    spy = subprocess.Popen([args.py_spy, "record", "--pid", str(pid), "--rate", "250", "--gil",
                            "--nonblocking", "--format", fmt, "--output", args.profile],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
    try:
        yield
    finally:
        spy.send_signal(signal.SIGINT)
        try:
            spy.wait(timeout=30)
        except subprocess.TimeoutExpired:
            spy.kill()
        print(f"py-spy profile of the watcher: {args.profile}")


def emit_and_wait(
    args: argparse.Namespace, cluster: KubeCluster, plans: list[StorePlan], observer: Observer,
    watcher: subprocess.Popen[bytes], pgdata: Path,
) -> Outcome:  # fmt: skip
    emitters = build_emitters(args, cluster, plans)
    observer.on_healthy = lambda plan: emitters[plan.number % len(emitters)].jobs.put(
        (plan, len(plan.steps) - 1)
    )
    stop = threading.Event()
    threads = [threading.Thread(target=e.run, args=(stop,), name=f"emitter-{i}", daemon=True)
               for i, e in enumerate(emitters)]  # fmt: skip
    emulator = next(t for t in threading.enumerate() if t.name == "kube-api")
    tids = {"  emulator thread": emulator.native_id or 0, "  listener thread": observer.native_id}
    with profiling(args, watcher.pid):
        before, started = cpu_snapshot(watcher.pid, pgdata, tids), time.monotonic()
        for thread in threads:
            thread.start()
        finished = observer.done.wait(args.timeout)
        wall = time.monotonic() - started
        after = cpu_snapshot(watcher.pid, pgdata, tids)
    stop.set()
    for thread in threads:
        thread.join(10)
    errors = [f"emitter {i}: {e.error!r}" for i, e in enumerate(emitters) if e.error]
    if not finished:
        errors.append(
            f"timed out after {args.timeout:.0f}s: {observer.remaining} stores short of their last step"
        )
    cpu = {name: after[name] - before[name] for name in after}
    cpu["  emitter thread(s)"] = sum(e.cpu_s for e in emitters)
    emitted = {key: at for e in emitters for key, at in e.emitted.items()}
    emit_s = max(emitted.values()) - min(emitted.values()) if emitted else 0.0
    return Outcome(emitted, dict(observer.effect), wall, emit_s, cpu, observer, errors)


# ---- report --------------------------------------------------------------------------------------
def latencies(outcome: Outcome, plans: list[StorePlan]) -> dict[str, list[float]]:
    kinds = {(plan.id, i): step.kind for plan in plans for i, step in enumerate(plan.steps)}
    result: dict[str, list[float]] = {"all": [], "written (trigger time)": [], **{k: [] for k in KINDS}}
    for key, emitted in outcome.emitted.items():
        effect = outcome.effect.get(key)
        if effect is None:
            continue
        ms = (effect[0] - emitted) * 1000
        result["all"].append(ms)
        result[kinds[key]].append(ms)
        result["written (trigger time)"].append((effect[1] - emitted) * 1000)
    return result


def dump(path: str, outcome: Outcome, plans: list[StorePlan]) -> None:
    """One CSV line per event: store, step, kind, emitted (s after the first), latency ms (or empty)."""
    kinds = {(plan.id, i): step.kind for plan in plans for i, step in enumerate(plan.steps)}
    first = min(outcome.emitted.values())
    with Path(path).open("w") as out:
        out.write("store,step,kind,emitted_s,latency_ms\n")
        for (sid, index), at in sorted(outcome.emitted.items(), key=lambda item: item[1]):
            effect = outcome.effect.get((sid, index))
            latency = f"{(effect[0] - at) * 1000:.2f}" if effect else ""
            out.write(f"{sid},{index},{kinds[(sid, index)]},{at - first:.4f},{latency}\n")


def print_report(
    args: argparse.Namespace, outcome: Outcome, plans: list[StorePlan], final: dict[str, int]
) -> None:
    lat = latencies(outcome, plans)
    emitted = outcome.emitted
    seen = [outcome.effect[key][0] for key in emitted if key in outcome.effect]
    total = max(seen) - min(emitted.values()) if seen and emitted else float("nan")
    happy = sum(1 for p in plans if p.healthy_step is not None)
    rate = "as fast as the emitter can" if args.rate <= 0 else f"{args.rate:.0f}/s on average"
    print(f"\nB3  {len(emitted)} status events through the watcher into the DB: {len(plans)} stores "
          f"({happy} to ready, {len(plans) - happy} to failed), order={args.order}, emit={args.emit}, "
          f"rate: {rate}")  # fmt: skip
    print(f"emitted in {outcome.emit_s:.2f}s ({len(emitted) / max(outcome.emit_s, 1e-9):.0f}/s); "
          f"effects seen for {len(lat['all'])}; coalesced by the watcher: {outcome.observer.coalesced}; "
          f"notifications: {outcome.observer.notifications}")  # fmt: skip
    ok_total = total <= TOTAL_TARGET_S and len(lat["all"]) == len(emitted) == args.events
    print(f"total, first event emitted -> last effect in the DB: {total:.2f}s "
          f"({len(emitted) / total:.0f} events/s)   total <= {TOTAL_TARGET_S:.0f}s: "
          f"{verdict(ok_total)}")  # fmt: skip
    print(f"{'latency ms':<30}{'n':>7}{'p50':>9}{'p95':>9}{'p99':>9}{'max':>9}")
    for name in ("all", *KINDS, "written (trigger time)"):
        samples = lat[name]
        if samples:
            print(f"{name:<30}{len(samples):>7}{pct(samples, 50):>9.1f}{pct(samples, 95):>9.1f}"
                  f"{pct(samples, 99):>9.1f}{max(samples):>9.1f}")  # fmt: skip
    p99 = pct(lat["all"], 99) if lat["all"] else float("inf")
    print(f"per-event p99 <= {P99_TARGET_MS:.0f} ms: {verdict(p99 <= P99_TARGET_MS)}")
    print(
        f"CPU seconds in the {outcome.wall_s:.2f}s from the first event to the last effect: "
        + ", ".join(f"{name.strip()} {value:.2f}" for name, value in outcome.cpu.items())
    )
    print("final state: " + ", ".join(f"{k} {v}" for k, v in final.items()))


def check_outcome(outcome: Outcome, plans: list[StorePlan], final: dict[str, int]) -> bool:
    """Every event had its effect, nothing unexpected happened, and every store ended where its plan
    leads: ready (with its setup Job) or failed, each transition audited."""
    happy = sum(1 for p in plans if p.healthy_step is not None)
    expected = {"ready": happy, "failed": len(plans) - happy, "setup Jobs": happy,
                "transitions audited": len(plans)}  # fmt: skip
    problems = [f"{name}: {final.get(name, 0)}, expected {want}"
                for name, want in expected.items() if final.get(name, 0) != want]  # fmt: skip
    missing = sum(1 for key in outcome.emitted if key not in outcome.effect)
    if missing:
        problems.append(f"{missing} events without their effect in the database")
    problems += outcome.errors + outcome.observer.unexpected[:5]
    print("event check: " + ("OK, every event's effect seen, every store where its plan leads"
                             if not problems else "PROBLEMS"))  # fmt: skip
    for problem in problems:
        print(f"  ! {problem}")
    return not problems


def final_state(conninfo: str, cluster: KubeCluster) -> dict[str, int]:
    with psycopg.connect(conninfo, autocommit=True) as conn:
        counts = dict(
            conn.execute("SELECT status, count(*) FROM stores GROUP BY status ORDER BY 1").fetchall()
        )
        audit = conn.execute("SELECT count(*) FROM audit_events WHERE event = 'store.transition'").fetchone()
    counts["transitions audited"] = audit[0] if audit else 0
    counts["setup Jobs"] = len(cluster.objects("batch/v1", "Job"))
    secrets = cluster.objects("v1", "Secret")
    counts["storefront-key Secrets"] = sum(s["metadata"]["name"].endswith("-storefront-key") for s in secrets)
    return counts


def run(args: argparse.Namespace) -> bool:
    if args.events % args.stores or args.events // args.stores < 3:
        raise SystemExit("--events must be a multiple of --stores, at least 3 per store")
    print_machine()
    root = Path(tempfile.mkdtemp(prefix="sf-b3-"))
    try:
        with contextlib.ExitStack() as stack:
            pg = EmbeddedPostgres(root / "postgres")
            conninfo = pg.start()
            stack.callback(pg.stop)
            apply_migrations(conninfo)
            started = time.monotonic()
            remote, plans = prepare_fleet(root, args)
            seed_database(conninfo, plans)
            cluster = stack.enter_context(running_kube_api(history_limit=4 * args.events))
            seed_cluster(cluster, plans, plans[-1].commit)
            took = time.monotonic() - started
            print(f"set up {len(plans)} stores (fleet repo, database, cluster) in {took:.1f}s")
            observer, stop = Observer(conninfo, plans), threading.Event()
            listener = threading.Thread(target=observer.run, args=(stop,), name="listener", daemon=True)
            listener.start()
            stack.callback(listener.join, 5)
            stack.callback(stop.set)
            observer.listening.wait(10)
            watcher = stack.enter_context(
                running_watcher(root, conninfo, remote, cluster.write_kubeconfig(root / "kubeconfig"))
            )
            settled = wait_settled(conninfo, len(plans), watcher, args.startup_timeout)
            print(
                f"watcher (pid {watcher.pid}) judged all {len(plans)} stores {settled:.1f}s after it started"
            )
            time.sleep(args.quiet)
            outcome = emit_and_wait(args, cluster, plans, observer, watcher, pg.pgdata)
            time.sleep(0.5)
            final = final_state(conninfo, cluster)
            print_report(args, outcome, plans, final)
            if args.dump:
                dump(args.dump, outcome, plans)
            return check_outcome(outcome, plans, final)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def add_options(add: Callable[..., argparse.Action]) -> None:
    add("--stores", type=int, default=1_000, help="stores in provisioning, one HelmRelease each")
    add("--events", type=int, default=10_000, help="status events in all (a multiple of --stores)")
    add("--tenants", type=int, default=100, help="tenants owning the stores")
    add("--fail-every", type=int, default=10, help="every n-th store stalls (-> failed) instead of ready")
    add("--emit", choices=("store", "api"), default="store",
        help="store: write statuses into the emulator's store; api: PATCH /status over HTTP")  # fmt: skip
    add("--order", choices=("staggered", "rounds"), default="staggered",
        help="staggered: stores at their own pace, interleaved; rounds: all stores in lockstep")  # fmt: skip
    add("--rate", type=float, default=0.0, help="average events per second (0: as fast as the emitter can)")
    add("--threads", type=int, default=4, help="emitter threads with --emit api")
    add("--batch", type=int, default=10, help="writes per call into the emulator with --emit store")
    add("--quiet", type=float, default=1.0, help="seconds to wait after the watcher settled")
    add("--timeout", type=float, default=120.0, help="max seconds for the effects of all events")
    add("--dump", default="", help="write each event's emission time and latency to this CSV file")
    add("--profile", default="", help="record the watcher with py-spy into this file (.svg, .json or raw)")
    add("--py-spy", default=shutil.which("py-spy") or "py-spy", help="the py-spy executable")


if __name__ == "__main__":
    sys.exit(bench_main(__doc__, add_options, run, SMOKE))
