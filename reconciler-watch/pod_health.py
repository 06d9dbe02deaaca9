"""Crash-looping pods of a running store (pure): what the watcher keeps of a Pod, and when its
containers say the store is degraded (issue 19, §2).

Kept slim (`slim_pod`, the pod informer's transform): per pod, only the containers that restarted
at least `restarts` times and ended at least once (`status.[init]containerStatuses[]`: `restartCount`,
whether `state.waiting.reason` is `CrashLoopBackOff`, `lastState.terminated`: reason, exitCode,
finishedAt). A pod with no such container is not kept at all, nor one that has finished or is being
deleted (it restarts nothing any more): a fleet of healthy pods costs the cache nothing.

The rule has two thresholds, so that a status does not flap with every cycle of a crash loop (the
kubelet alternates a run of the container and a `CrashLoopBackOff` wait of up to five minutes):

- a `ready` store goes `degraded` on a container that restarted at least `restarts` times and waits
  in `CrashLoopBackOff`, having ended after the store became ready (a crash from before, still in a
  cache whose events came late, does not count: the next one will);
- a `degraded` store stays so while such a container waits in `CrashLoopBackOff`, or runs but last
  ended less than `window` ago (between two crashes);
- so it is `ready` again once every such container has run for `window` without ending — with no
  event at that moment, the watcher judges the store again when the window ends (`signal_ends`).

`restartCount` counts since the pod started, not within the window: a pod that restarted that often
long ago and crashes once more counts too, until it has run for a window again. `restarts` 0 turns
the signal off (the watcher then does not even watch pods).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from storefleet.reconciler_watch.timestamps import parse_time
from storefleet.renderer.names import LABEL_STORE

CRASH_LOOP = "CrashLoopBackOff"
_FINISHED_PHASES = ("Succeeded", "Failed")
_STATUS_LISTS = ("initContainerStatuses", "containerStatuses")
_STAMP = timedelta(seconds=1)  # the precision of the kubelet's timestamps


@dataclass(frozen=True)
class CrashLoopRule:
    restarts: int = 5  # DEGRADED_RESTARTS; 0: off
    window: timedelta = timedelta(seconds=600)  # DEGRADED_WINDOW_S

    @property
    def enabled(self) -> bool:
        return self.restarts > 0


@dataclass(frozen=True)
class ContainerCrash:
    pod: str
    container: str
    restarts: int
    reason: str  # lastState.terminated.reason ("Error", "OOMKilled", …)
    exit_code: int | None
    finished_at: datetime | None
    backing_off: bool = True  # waiting in CrashLoopBackOff now (else running, or starting, between crashes)


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _statuses(status: dict[str, Any], key: str) -> list[dict[str, Any]]:
    items = status.get(key)
    return [_mapping(item) for item in items] if isinstance(items, list) else []


def _backing_off(item: dict[str, Any]) -> bool:
    return _mapping(_mapping(item.get("state")).get("waiting")).get("reason") == CRASH_LOOP


def _restarts(item: dict[str, Any]) -> int:
    count = item.get("restartCount")
    return count if isinstance(count, int) else 0


def _slim_container(item: dict[str, Any], restarts: int) -> dict[str, Any] | None:
    ended = _mapping(_mapping(item.get("lastState")).get("terminated"))
    if _restarts(item) < max(restarts, 1) or not (ended or _backing_off(item)):
        return None
    return {
        "name": item.get("name"),
        "restartCount": _restarts(item),
        "state": {"waiting": {"reason": CRASH_LOOP}} if _backing_off(item) else {},
        "lastState": {
            "terminated": {k: ended[k] for k in ("reason", "exitCode", "finishedAt") if k in ended}
        },
    }


def slim_pod(pod: dict[str, Any], restarts: int) -> dict[str, Any] | None:
    """What the pod cache keeps of a Pod, in the API's own shape (a trimmed copy, as client-go's
    informer transforms make): its name, namespace and store label, and its containers that
    restarted at least `restarts` times after ending. None: nothing worth keeping."""
    meta, status = _mapping(pod.get("metadata")), _mapping(pod.get("status"))
    if meta.get("deletionTimestamp") or status.get("phase") in _FINISHED_PHASES:
        return None
    kept: dict[str, Any] = {}
    for key in _STATUS_LISTS:
        slim = [c for item in _statuses(status, key) if (c := _slim_container(item, restarts)) is not None]
        if slim:
            kept[key] = slim
    if not kept:
        return None
    labels = {LABEL_STORE: _mapping(meta.get("labels")).get(LABEL_STORE)}
    return {"metadata": {"name": meta.get("name"), "namespace": meta.get("namespace"), "labels": labels},
            "status": kept}  # fmt: skip


def pod_crashes(pod: dict[str, Any]) -> tuple[ContainerCrash, ...]:
    """The pod's containers that restarted after ending (empty for a healthy pod), whatever their
    count: the rule applies the threshold."""
    name = str(_mapping(pod.get("metadata")).get("name") or "")
    status = _mapping(pod.get("status"))
    found: list[ContainerCrash] = []
    for item in _statuses(status, "initContainerStatuses") + _statuses(status, "containerStatuses"):
        last = _mapping(_mapping(item.get("lastState")).get("terminated"))
        if _restarts(item) == 0 or not (last or _backing_off(item)):
            continue
        code = last.get("exitCode")
        found.append(
            ContainerCrash(
                pod=name,
                container=str(item.get("name") or ""),
                restarts=_restarts(item),
                reason=str(last.get("reason") or "terminated"),
                exit_code=code if isinstance(code, int) else None,
                finished_at=parse_time(last.get("finishedAt")),
                backing_off=_backing_off(item),
            )
        )
    return tuple(found)


def store_crashes(pods: Iterable[dict[str, Any]], store_id: str) -> tuple[ContainerCrash, ...]:
    """The crashes of the pods labelled with the store (a namespace's pods, as the cache holds them)."""
    return tuple(
        crash for pod in pods
        if _mapping(_mapping(pod.get("metadata")).get("labels")).get(LABEL_STORE) == store_id
        for crash in pod_crashes(pod)
    )  # fmt: skip


def _holds(crash: ContainerCrash, now: datetime, rule: CrashLoopRule) -> bool:
    """Keeps a degraded store degraded: backing off, or ran less than a window since it last ended."""
    if crash.restarts < rule.restarts:
        return False
    recent = crash.finished_at is not None and now - crash.finished_at < rule.window
    return crash.backing_off or recent


def _starts(crash: ContainerCrash, ready_since: datetime) -> bool:
    """Makes a ready store degraded: backing off after a crash since the store became ready (the
    kubelet stamps to the second, so within the second it became ready counts too)."""
    ended = crash.finished_at
    return crash.backing_off and ended is not None and ended > ready_since - _STAMP


def crash_looping(
    crashes: tuple[ContainerCrash, ...],
    now: datetime,
    rule: CrashLoopRule,
    *,
    ready_since: datetime | None = None,
) -> ContainerCrash | None:
    """The container that makes the store degraded (the most restarted), or None. `ready_since`:
    the store is ready, since then (the stricter rule); None: it is degraded already."""
    if not rule.enabled:
        return None
    looping = [
        crash for crash in crashes if _holds(crash, now, rule)
        and (ready_since is None or _starts(crash, ready_since))
    ]  # fmt: skip
    return max(looping, key=lambda crash: (crash.restarts, crash.pod, crash.container), default=None)


def signal_ends(crashes: tuple[ContainerCrash, ...], now: datetime, rule: CrashLoopRule) -> datetime | None:
    """When the first container that holds a store degraded only by its last end's recency stops
    holding it (one that backs off changes with an event of its own); None: none does."""
    if not rule.enabled:
        return None
    ends = [
        crash.finished_at + rule.window for crash in crashes
        if crash.finished_at is not None and not crash.backing_off and _holds(crash, now, rule)
    ]  # fmt: skip
    return min(ends, default=None)


class WindowEnds:
    """The degraded stores to judge again when their window ends (`signal_ends`): the instant a
    container has run long enough is marked by no watch event. One entry per store, the latest."""

    def __init__(self, rule: CrashLoopRule) -> None:
        self._rule = rule
        self._at: dict[str, datetime] = {}

    def note(self, store_id: str, crashes: tuple[ContainerCrash, ...], now: datetime) -> None:
        ends = signal_ends(crashes, now, self._rule)
        if ends is None:
            self._at.pop(store_id, None)
        else:
            self._at[store_id] = ends

    def due(self, now: datetime) -> set[str]:
        """The stores whose window has ended, each returned once."""
        due = {store_id for store_id, at in self._at.items() if at <= now}
        for store_id in due:
            del self._at[store_id]
        return due


def crash_message(crash: ContainerCrash) -> str:
    """The same between two crashes as during the back-off: a status message changes with the
    restart count, not with every run of the container."""
    code = f" (exit code {crash.exit_code})" if crash.exit_code is not None else ""
    return (
        f"{CRASH_LOOP}: container {crash.container} of pod {crash.pod} restarted {crash.restarts} times,"
        f" last ended: {crash.reason}{code}"
    )
