"""Crash-looping pods of a running store (pure): the facts the watcher keeps per pod, and whether they
say the store is degraded (issue 19, §2).

A fact about one kind only (pods), kept slim: per pod, only the containers in `CrashLoopBackOff`
(`status.containerStatuses[].state.waiting.reason`), with their `restartCount` and last termination
(`lastState.terminated`: reason, exitCode, finishedAt). A container crash-loops for the platform when
it restarted at least `threshold` times and last ended within `window` of now; `threshold` 0 turns
the signal off.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

CRASH_LOOP = "CrashLoopBackOff"


@dataclass(frozen=True)
class ContainerCrash:
    pod: str
    container: str
    restarts: int
    reason: str  # lastState.terminated.reason ("Error", "OOMKilled", …)
    exit_code: int | None
    finished_at: datetime | None


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def pod_crashes(pod: dict[str, Any]) -> tuple[ContainerCrash, ...]:
    """The pod's containers waiting in CrashLoopBackOff (empty for a healthy pod)."""
    name = str(_mapping(pod.get("metadata")).get("name") or "")
    status = _mapping(pod.get("status"))
    found: list[ContainerCrash] = []
    for item in (status.get("initContainerStatuses") or []) + (status.get("containerStatuses") or []):
        item = _mapping(item)
        if _mapping(_mapping(item.get("state")).get("waiting")).get("reason") != CRASH_LOOP:
            continue
        last = _mapping(_mapping(item.get("lastState")).get("terminated"))
        code, restarts = last.get("exitCode"), item.get("restartCount")
        found.append(
            ContainerCrash(
                pod=name,
                container=str(item.get("name") or ""),
                restarts=restarts if isinstance(restarts, int) else 0,
                reason=str(last.get("reason") or "terminated"),
                exit_code=code if isinstance(code, int) else None,
                finished_at=_time(last.get("finishedAt")),
            )
        )
    return tuple(found)


def crash_looping(
    crashes: tuple[ContainerCrash, ...], now: datetime, threshold: int, window: timedelta
) -> ContainerCrash | None:
    """The container that makes the store degraded (the most restarted), or None."""
    if threshold <= 0:
        return None
    looping = [
        crash for crash in crashes if crash.restarts >= threshold
        and crash.finished_at is not None and now - crash.finished_at <= window
    ]  # fmt: skip
    return max(looping, key=lambda crash: (crash.restarts, crash.pod, crash.container), default=None)


def crash_message(crash: ContainerCrash) -> str:
    code = f" (exit code {crash.exit_code})" if crash.exit_code is not None else ""
    return (
        f"container {crash.container} of pod {crash.pod} restarted {crash.restarts} times:"
        f" {crash.reason}{code}"
    )
