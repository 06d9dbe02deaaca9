"""A batch/v1 Job run to its end, as the Job controller and the kubelet report it: the Job's Pod
(labelled job-name, as the watcher selects it) and the Job's terminal status."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from storefleet_demo.kube.rest import Kube
from storefleet_demo.kube.workloads import image_id

Obj = dict[str, Any]


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def job_finished(job: Obj) -> bool:
    conditions = (job.get("status") or {}).get("conditions") or []
    return any(c.get("type") in ("Complete", "Failed") and c.get("status") == "True" for c in conditions)


def _pod(job: Obj, succeed: bool) -> Obj:
    meta = job["metadata"]
    name, uid = meta["name"], meta["uid"]
    template = job["spec"].get("template") or {}
    labels = {
        **((template.get("metadata") or {}).get("labels") or {}),
        "job-name": name,
        "batch.kubernetes.io/job-name": name,
        "controller-uid": uid,
        "batch.kubernetes.io/controller-uid": uid,
    }
    owner = {"apiVersion": "batch/v1", "kind": "Job", "name": name, "uid": uid, "controller": True}
    suffix = hashlib.sha256(uid.encode()).hexdigest()[:5]
    pod_meta = {
        "name": f"{name}-{suffix}",
        "namespace": meta["namespace"],
        "labels": labels,
        "ownerReferences": [owner],
    }
    return {"apiVersion": "v1", "kind": "Pod", "metadata": pod_meta, "spec": template.get("spec") or {}}


def _pod_status(pod: Obj, succeed: bool) -> Obj:
    exit_code, reason = (0, "Completed") if succeed else (1, "Error")
    terminated = {"exitCode": exit_code, "reason": reason, "startedAt": _now(), "finishedAt": _now()}
    containers = [
        {
            "name": c.get("name", "main"),
            "image": c.get("image", ""),
            "imageID": image_id(c.get("image", "")),
            "ready": False,
            "restartCount": 0,
            "state": {"terminated": terminated},
        }
        for c in pod["spec"].get("containers") or [{}]
    ]
    return {
        "phase": "Succeeded" if succeed else "Failed",
        "containerStatuses": containers,
        "startTime": _now(),
    }


def terminal_job_status(job: Obj, succeed: bool) -> Obj:
    if succeed:
        reason, message = "CompletionsReached", "Reached expected number of succeeded pods"
        kinds, counts = ("SuccessCriteriaMet", "Complete"), {"succeeded": 1, "completionTime": _now()}
    else:
        reason, message = "BackoffLimitExceeded", "Job has reached the specified backoff limit"
        failed = int(job["spec"].get("backoffLimit", 6)) + 1
        kinds, counts = ("FailureTarget", "Failed"), {"failed": failed}
    stamp = {"lastProbeTime": _now(), "lastTransitionTime": _now()}
    conditions = [
        {"type": kind, "status": "True", "reason": reason, "message": message, **stamp} for kind in kinds
    ]
    return {"startTime": _now(), "ready": 0, "terminating": 0, **counts, "conditions": conditions}


def finish_job(kube: Kube, job: Obj, succeed: bool) -> str:
    """Create the Job's Pod in its final state and end the Job; returns the Pod's name."""
    pod = _pod(job, succeed)
    existing = kube.get("v1", "Pod", job["metadata"]["namespace"], pod["metadata"]["name"])
    pod = existing or kube.create(pod)
    kube.write_status(pod, _pod_status(pod, succeed))
    kube.write_status(job, terminal_job_status(job, succeed))
    return str(pod["metadata"]["name"])
