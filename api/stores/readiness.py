"""A store namespace's Kubernetes objects (plain API JSON) -> readiness views (pure, no I/O).

The rules follow what `kubectl get` and `kubectl rollout status` show: a pod is ready when its
`Ready` condition is True; a Deployment or StatefulSet when its controller has seen the current
generation and every wanted replica is updated and ready. Pods of Jobs (the post-install setup)
are listed with their phase but do not count toward readiness: a finished Job's pod is never ready,
and a failed attempt stays behind after a retry succeeded (the store's status tells the setup's fate).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from storefleet.api.stores.cluster_schemas import (
    ContainerOut,
    IngressOut,
    PodOut,
    ResourceSummary,
    StoreResources,
    WorkloadOut,
)

Obj = Mapping[str, Any]
COMPONENT_LABEL = "app.kubernetes.io/component"
JOB_LABELS = ("batch.kubernetes.io/job-name", "job-name")
_MESSAGE_MAX = 300
ContainerState = Literal["running", "waiting", "terminated", "unknown"]
_STATES: tuple[ContainerState, ...] = ("running", "waiting", "terminated")


def _section(obj: Obj, key: str) -> Obj:
    value = obj.get(key)
    return value if isinstance(value, Mapping) else {}


def _items(obj: Obj, key: str) -> list[Obj]:
    value = obj.get(key)
    return [item for item in value if isinstance(item, Mapping)] if isinstance(value, list) else []


def _int(value: Any, default: int = 0) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _name(obj: Obj) -> str:
    return str(_section(obj, "metadata").get("name") or "")


# ---- pods -----------------------------------------------------------------------------------------
def container_view(status: Obj, *, init: bool = False) -> ContainerOut:
    """One entry of a pod's `containerStatuses` (or `initContainerStatuses`)."""
    state = _section(status, "state")
    kind: ContainerState = next((k for k in _STATES if k in state), "unknown")
    detail = _section(state, kind)
    message = detail.get("message")
    last = _section(_section(status, "lastState"), "terminated")
    return ContainerOut(
        name=str(status.get("name") or ""),
        init=init,
        ready=status.get("ready") is True,
        state=kind,
        reason=str(detail["reason"]) if detail.get("reason") else None,
        message=str(message)[:_MESSAGE_MAX] if message else None,
        restarts=_int(status.get("restartCount")),
        exit_code=_int(detail["exitCode"]) if "exitCode" in detail else None,
        last_termination_reason=str(last["reason"]) if last.get("reason") else None,
    )


def _containers(pod: Obj) -> list[ContainerOut]:
    spec, status = _section(pod, "spec"), _section(pod, "status")
    views: list[ContainerOut] = []
    for spec_key, status_key, init in (
        ("initContainers", "initContainerStatuses", True),
        ("containers", "containerStatuses", False),
    ):
        reported = {str(s.get("name")): s for s in _items(status, status_key)}
        names = [str(c.get("name")) for c in _items(spec, spec_key)]
        names += [name for name in reported if name not in names]
        for name in names:
            views.append(container_view(reported.get(name) or {"name": name}, init=init))
    return views


def _condition(obj: Obj, kind: str) -> Obj:
    return next((c for c in _items(_section(obj, "status"), "conditions") if c.get("type") == kind), {})


def _pod_status(pod: Obj, containers: list[ContainerOut]) -> str:
    """The one word `kubectl get pods` shows in its STATUS column."""
    if _section(pod, "metadata").get("deletionTimestamp"):
        return "Terminating"
    status = _section(pod, "status")
    phase = str(status.get("phase") or "Unknown")
    if status.get("reason"):  # Evicted, NodeLost, …
        return str(status["reason"])
    for c in containers:
        failed_init = c.init and c.state == "terminated" and c.exit_code not in (0, None)
        if c.init and (failed_init or (c.state == "waiting" and c.reason not in (None, "PodInitializing"))):
            return f"Init:{c.reason or 'Error'}"
    for c in containers:
        if not c.init and c.state in ("waiting", "terminated") and c.reason:
            return c.reason  # CrashLoopBackOff, ImagePullBackOff, ContainerCreating, Completed, …
    scheduled = _condition(pod, "PodScheduled")
    if phase == "Pending" and scheduled.get("status") == "False" and scheduled.get("reason"):
        return str(scheduled["reason"])  # Unschedulable
    return phase


def _job_of(pod: Obj) -> str | None:
    metadata = _section(pod, "metadata")
    labels = _section(metadata, "labels")
    for label in JOB_LABELS:
        if labels.get(label):
            return str(labels[label])
    owner = next((o for o in _items(metadata, "ownerReferences") if o.get("kind") == "Job"), None)
    return str(owner.get("name")) if owner else None


def pod_view(pod: Obj) -> PodOut:
    containers = _containers(pod)
    labels = _section(_section(pod, "metadata"), "labels")
    return PodOut(
        name=_name(pod),
        phase=str(_section(pod, "status").get("phase") or "Unknown"),
        status=_pod_status(pod, containers),
        ready=_condition(pod, "Ready").get("status") == "True",
        restarts=sum(c.restarts for c in containers if not c.init),
        component=str(labels[COMPONENT_LABEL]) if labels.get(COMPONENT_LABEL) else None,
        job=_job_of(pod),
        containers=containers,
    )


# ---- deployments, statefulsets, ingresses -----------------------------------------------------------
def workload_view(obj: Obj) -> WorkloadOut:
    """A Deployment or a StatefulSet (both report readyReplicas / updatedReplicas)."""
    metadata, spec, status = _section(obj, "metadata"), _section(obj, "spec"), _section(obj, "status")
    wanted = _int(spec.get("replicas"), 1) if spec.get("replicas") is not None else 1
    ready = _int(status.get("readyReplicas"))
    updated = _int(status.get("updatedReplicas"))
    generation, observed = metadata.get("generation"), status.get("observedGeneration")
    current = generation is None or (observed is not None and _int(observed) >= _int(generation))
    return WorkloadOut(
        name=_name(obj),
        replicas=wanted,
        ready_replicas=ready,
        updated_replicas=updated,
        ready=current and ready >= wanted and updated >= wanted,
    )


def ingress_view(obj: Obj) -> IngressOut:
    spec = _section(obj, "spec")
    hosts: list[str] = []
    for host in [r.get("host") for r in _items(spec, "rules")] + [
        h for t in _items(spec, "tls") for h in (t.get("hosts") or [])
    ]:
        if isinstance(host, str) and host and host not in hosts:
            hosts.append(host)
    annotations = _section(_section(obj, "metadata"), "annotations")
    class_name = spec.get("ingressClassName") or annotations.get("kubernetes.io/ingress.class")
    balancer = _items(_section(_section(obj, "status"), "loadBalancer"), "ingress")
    addresses = [str(b.get("ip") or b.get("hostname")) for b in balancer if b.get("ip") or b.get("hostname")]
    return IngressOut(
        name=_name(obj),
        hosts=hosts,
        class_name=str(class_name) if class_name else None,
        address=",".join(addresses) or None,
        tls=bool(_items(spec, "tls")),
    )


# ---- the whole namespace ------------------------------------------------------------------------------
def _counts_toward_readiness(pod: Obj, view: PodOut) -> bool:
    terminating = bool(_section(pod, "metadata").get("deletionTimestamp"))
    return view.job is None and not terminating and view.phase != "Succeeded"


def _pod_problems(view: PodOut) -> list[str]:
    broken = [
        c
        for c in view.containers
        if not c.ready and c.reason and c.reason not in ("Completed", "PodInitializing")
    ]
    if broken:
        return [f"pod {view.name} container {c.name}: {c.reason} (restarts {c.restarts})" for c in broken]
    return [f"pod {view.name}: {view.status}, not ready"]


def summarize(
    deployments: Sequence[WorkloadOut],
    statefulsets: Sequence[WorkloadOut],
    pods: Sequence[tuple[PodOut, bool]],
    ingresses: int,
    *,
    namespace_present: bool,
    unreadable: Sequence[str] = (),
) -> ResourceSummary:
    """`pods` pairs each pod with whether it counts toward readiness (not a Job's, not terminating)."""
    problems = [] if namespace_present else ["the store namespace does not exist"]
    problems += [f"cannot list {kind} (no permission)" for kind in unreadable]
    for kind, workloads in (("deployment", deployments), ("statefulset", statefulsets)):
        problems += [
            f"{kind} {w.name}: {w.ready_replicas}/{w.replicas} ready" for w in workloads if not w.ready
        ]
    for view, counts in pods:
        if counts and not view.ready:
            problems += _pod_problems(view)
    has_workload = bool(deployments or statefulsets)
    if namespace_present and not has_workload and not unreadable:
        problems.append("no deployment or statefulset yet")
    return ResourceSummary(
        ready=not problems,
        pods=len(pods),
        pods_ready=sum(1 for view, _ in pods if view.ready),
        deployments=len(deployments),
        deployments_ready=sum(1 for w in deployments if w.ready),
        statefulsets=len(statefulsets),
        statefulsets_ready=sum(1 for w in statefulsets if w.ready),
        ingresses=ingresses,
        problems=problems,
    )


def store_resources(
    store_id: str,
    namespace: str,
    namespace_obj: Obj | None,
    objects: Mapping[str, Sequence[Obj]],
    unreadable: Sequence[str] = (),
) -> StoreResources:
    """The whole view of one store namespace (`objects`: pods, deployments, statefulsets, ingresses)."""
    deployments = [workload_view(o) for o in sorted(objects.get("deployments", ()), key=_name)]
    statefulsets = [workload_view(o) for o in sorted(objects.get("statefulsets", ()), key=_name)]
    pods = [(pod_view(p), p) for p in sorted(objects.get("pods", ()), key=_name)]
    ingresses = [ingress_view(o) for o in sorted(objects.get("ingresses", ()), key=_name)]
    present = namespace_obj is not None
    summary = summarize(
        deployments,
        statefulsets,
        [(view, _counts_toward_readiness(raw, view)) for view, raw in pods],
        len(ingresses),
        namespace_present=present,
        unreadable=unreadable,
    )
    phase = _section(namespace_obj, "status").get("phase") if namespace_obj is not None else None
    return StoreResources(
        store_id=store_id,
        namespace=namespace,
        namespace_present=present,
        namespace_phase=str(phase) if phase else None,
        unreadable=list(unreadable),
        summary=summary,
        deployments=deployments,
        statefulsets=statefulsets,
        pods=[view for view, _ in pods],
        ingresses=ingresses,
    )
