"""The pure shaping of a store namespace's objects into readiness views (no cluster, no database)."""

from __future__ import annotations

from typing import Any

import pytest

from storefleet.api.stores import readiness

Obj = dict[str, Any]
RUNNING = {"running": {"startedAt": "2026-01-01T00:00:00Z"}}


def _cs(name: str = "app", ready: bool = False, state: Obj | None = None, **extra: Any) -> Obj:
    return {
        "name": name,
        "ready": ready,
        "restartCount": extra.pop("restarts", 0),
        "state": state or {},
        **extra,
    }


def _waiting(reason: str, message: str = "") -> Obj:
    return {"waiting": {"reason": reason, **({"message": message} if message else {})}}


def _pod(
    *,
    phase: str = "Running",
    ready: bool = False,
    statuses: list[Obj] | None = None,
    init: list[Obj] | None = None,
    **extra: Any,
) -> Obj:
    statuses = statuses if statuses is not None else [_cs(ready=ready, state=RUNNING)]
    metadata = {"name": "p", **extra.pop("metadata", {})}
    status: Obj = {
        "phase": phase,
        "conditions": [
            {"type": "Ready", "status": "True" if ready else "False"},
            *extra.pop("conditions", []),
        ],
        "containerStatuses": statuses,
        **extra,
    }
    if init is not None:
        status["initContainerStatuses"] = init
    spec = {"containers": [{"name": s["name"]} for s in statuses]}
    if init:
        spec["initContainers"] = [{"name": s["name"]} for s in init]
    return {"metadata": metadata, "spec": spec, "status": status}


POD_CASES = [
    # id, pod, (status, ready, restarts)
    ("running-ready", _pod(ready=True, statuses=[_cs(ready=True, state=RUNNING)]), ("Running", True, 0)),
    ("running-not-ready", _pod(), ("Running", False, 0)),  # a failing readiness probe
    (
        "crash-loop",
        _pod(statuses=[_cs(state=_waiting("CrashLoopBackOff", "back-off 5m0s"), restarts=9)]),
        ("CrashLoopBackOff", False, 9),
    ),
    ("image-pull-backoff", _pod(phase="Pending", statuses=[_cs(state=_waiting("ImagePullBackOff"))]),
     ("ImagePullBackOff", False, 0)),
    ("err-image-pull", _pod(phase="Pending", statuses=[_cs(state=_waiting("ErrImagePull"))]),
     ("ErrImagePull", False, 0)),
    ("creating", _pod(phase="Pending", statuses=[_cs(state=_waiting("ContainerCreating"))]),
     ("ContainerCreating", False, 0)),
    ("config-error", _pod(phase="Pending", statuses=[_cs(state=_waiting("CreateContainerConfigError"))]),
     ("CreateContainerConfigError", False, 0)),
    (
        "init-crash",
        _pod(phase="Pending", statuses=[_cs(state=_waiting("PodInitializing"))],
             init=[_cs("migrate", state=_waiting("CrashLoopBackOff"), restarts=4)]),
        ("Init:CrashLoopBackOff", False, 0),
    ),
    (
        "init-failed",
        _pod(phase="Pending", statuses=[_cs(state=_waiting("PodInitializing"))],
             init=[_cs("migrate", state={"terminated": {"reason": "Error", "exitCode": 1}})]),
        ("Init:Error", False, 0),
    ),
    (
        "job-completed",
        _pod(phase="Succeeded", statuses=[_cs(state={"terminated": {"reason": "Completed", "exitCode": 0}})]),
        ("Completed", False, 0),
    ),
    ("evicted", _pod(phase="Failed", statuses=[], reason="Evicted"), ("Evicted", False, 0)),
    (
        "unschedulable",
        _pod(phase="Pending", statuses=[],
             conditions=[{"type": "PodScheduled", "status": "False", "reason": "Unschedulable"}]),
        ("Unschedulable", False, 0),
    ),
    ("terminating", _pod(ready=True, metadata={"deletionTimestamp": "2026-01-01T00:00:00Z"}),
     ("Terminating", True, 0)),
    ("no-status-yet", {"metadata": {"name": "p"}, "spec": {"containers": [{"name": "app"}]}},
     ("Unknown", False, 0)),
]  # fmt: skip


@pytest.mark.parametrize(("pod", "expected"), [c[1:] for c in POD_CASES], ids=[c[0] for c in POD_CASES])
def test_pod_view(pod: Obj, expected: tuple[str, bool, int]) -> None:
    view = readiness.pod_view(pod)
    assert (view.status, view.ready, view.restarts) == expected
    assert [c.name for c in view.containers] == [
        c["name"] for key in ("initContainers", "containers") for c in pod["spec"].get(key, [])
    ]


CONTAINER_CASES = [
    # id, status, (state, reason, ready, exit_code, last_termination_reason)
    ("running", _cs(ready=True, state=RUNNING), ("running", None, True, None, None)),
    ("crash-loop-oom", _cs(state=_waiting("CrashLoopBackOff"),
                           lastState={"terminated": {"reason": "OOMKilled", "exitCode": 137}}),
     ("waiting", "CrashLoopBackOff", False, None, "OOMKilled")),
    ("image-pull", _cs(state=_waiting("ImagePullBackOff")),
     ("waiting", "ImagePullBackOff", False, None, None)),
    ("exited", _cs(state={"terminated": {"reason": "Error", "exitCode": 2}}),
     ("terminated", "Error", False, 2, None)),
    ("no-state", _cs(), ("unknown", None, False, None, None)),
]  # fmt: skip


@pytest.mark.parametrize(
    ("status", "expected"), [c[1:] for c in CONTAINER_CASES], ids=[c[0] for c in CONTAINER_CASES]
)
def test_container_view(status: Obj, expected: tuple[Any, ...]) -> None:
    view = readiness.container_view(status)
    assert (view.state, view.reason, view.ready, view.exit_code, view.last_termination_reason) == expected


def test_container_messages_are_cut() -> None:
    view = readiness.container_view(_cs(state=_waiting("ErrImagePull", "x" * 5000)))
    assert view.message is not None and len(view.message) == 300


def _workload(replicas: int | None, status: Obj | None, generation: int = 2) -> Obj:
    spec = {} if replicas is None else {"replicas": replicas}
    return {"metadata": {"name": "w", "generation": generation}, "spec": spec, "status": status or {}}


def _st(observed: int, ready: int, updated: int) -> Obj:
    return {"observedGeneration": observed, "readyReplicas": ready, "updatedReplicas": updated}


WORKLOAD_CASES = [
    # id, object, (replicas, ready_replicas, ready)
    ("ready", _workload(2, _st(2, 2, 2)), (2, 2, True)),
    ("one-missing", _workload(2, _st(2, 1, 2)), (2, 1, False)),
    ("rolling-out", _workload(1, _st(2, 1, 0)), (1, 1, False)),
    ("old-generation", _workload(1, _st(1, 1, 1)), (1, 1, False)),
    ("no-status-yet", _workload(1, None), (1, 0, False)),
    ("default-one-replica", _workload(None, _st(2, 1, 1)), (1, 1, True)),
    ("scaled-to-zero", _workload(0, {"observedGeneration": 2}), (0, 0, True)),
]


@pytest.mark.parametrize(
    ("obj", "expected"), [c[1:] for c in WORKLOAD_CASES], ids=[c[0] for c in WORKLOAD_CASES]
)
def test_workload_view(obj: Obj, expected: tuple[int, int, bool]) -> None:
    view = readiness.workload_view(obj)
    assert (view.replicas, view.ready_replicas, view.ready) == expected


def test_ingress_view() -> None:
    ingress = {
        "metadata": {"name": "web", "annotations": {"kubernetes.io/ingress.class": "traefik"}},
        "spec": {
            "rules": [{"host": "a.example.com"}, {"host": "a.example.com"}, {}],
            "tls": [{"hosts": ["a.example.com", "b.example.com"], "secretName": "t"}],
        },
        "status": {"loadBalancer": {"ingress": [{"ip": "10.0.0.1"}, {"hostname": "lb.example.com"}]}},
    }
    view = readiness.ingress_view(ingress)
    assert view.hosts == ["a.example.com", "b.example.com"]
    assert (view.class_name, view.address, view.tls) == ("traefik", "10.0.0.1,lb.example.com", True)
    assert view.model_dump(by_alias=True)["class"] == "traefik"
    bare = readiness.ingress_view({"metadata": {"name": "x"}, "spec": {"ingressClassName": "nginx"}})
    assert (bare.hosts, bare.class_name, bare.address, bare.tls) == ([], "nginx", None, False)


def _ns_view(**objects: list[Obj]) -> Any:
    return readiness.store_resources("st-a", "st-a", {"status": {"phase": "Active"}}, objects)


def _deployment(name: str = "web", ready: int = 1) -> Obj:
    status = {"observedGeneration": 1, "readyReplicas": ready, "updatedReplicas": 1}
    return {"metadata": {"name": name, "generation": 1}, "spec": {"replicas": 1}, "status": status}


def test_summary_ignores_job_and_terminating_pods() -> None:
    job_pod = _pod(phase="Failed", statuses=[_cs(state={"terminated": {"reason": "Error", "exitCode": 1}})],
                   metadata={"name": "setup-x", "labels": {"job-name": "setup"}})  # fmt: skip
    done = _pod(
        phase="Succeeded", metadata={"name": "done", "ownerReferences": [{"kind": "Job", "name": "j"}]}
    )
    leaving = _pod(metadata={"name": "old", "deletionTimestamp": "2026-01-01T00:00:00Z"})
    view = _ns_view(
        deployments=[_deployment()],
        pods=[_pod(ready=True, statuses=[_cs(ready=True, state=RUNNING)], metadata={"name": "web-1"}),
              job_pod, done, leaving],
    )  # fmt: skip
    assert view.summary.problems == [] and view.summary.ready is True
    assert [(p.name, p.job, p.phase) for p in view.pods] == [  # sorted by name
        ("done", "j", "Succeeded"),
        ("old", None, "Running"),
        ("setup-x", "setup", "Failed"),
        ("web-1", None, "Running"),
    ]
    assert (view.summary.pods, view.summary.pods_ready) == (4, 1)


@pytest.mark.parametrize(
    ("objects", "problems"),
    [
        ({"deployments": [_deployment()]}, []),
        ({}, ["no deployment or statefulset yet"]),
        ({"deployments": [_deployment(ready=0)]}, ["deployment web: 0/1 ready"]),
        (
            {"deployments": [_deployment()], "pods": [_pod(metadata={"name": "web-1"})]},
            ["pod web-1: Running, not ready"],
        ),
        (
            {"deployments": [_deployment()],
             "pods": [_pod(metadata={"name": "web-1"}, statuses=[_cs(state=_waiting("ImagePullBackOff"))])]},
            ["pod web-1 container app: ImagePullBackOff (restarts 0)"],
        ),
    ],
)  # fmt: skip
def test_summary_problems(objects: dict[str, list[Obj]], problems: list[str]) -> None:
    view = _ns_view(**objects)
    assert view.summary.problems == problems
    assert view.summary.ready is (problems == [])


def test_absent_namespace_and_unreadable_kinds() -> None:
    absent = readiness.store_resources("st-a", "st-a", None, {})
    assert (absent.namespace_present, absent.namespace_phase, absent.summary.ready) == (False, None, False)
    assert absent.summary.problems == ["the store namespace does not exist"]
    partial = readiness.store_resources(
        "st-a", "st-a", {"status": {"phase": "Terminating"}}, {"pods": []}, unreadable=["deployments"]
    )
    assert partial.namespace_phase == "Terminating" and partial.unreadable == ["deployments"]
    assert partial.summary.problems == ["cannot list deployments (no permission)"]
