"""Crash-looping pods as pure rules: what the watcher keeps of a Pod, and when it says degraded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from storefleet.reconciler_watch.pod_health import crash_looping, crash_message, pod_crashes

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
WINDOW = timedelta(seconds=600)


def pod(waiting: str | None, restarts: int, finished: datetime | None, name: str = "p-1") -> dict[str, Any]:
    state: dict[str, Any] = {"waiting": {"reason": waiting}} if waiting else {"running": {}}
    last = {"terminated": {"reason": "Error", "exitCode": 1,
                           **({"finishedAt": finished.isoformat()} if finished else {})}}  # fmt: skip
    status = {"name": "wordpress", "state": state, "restartCount": restarts, "lastState": last}
    return {"metadata": {"name": name}, "status": {"containerStatuses": [status]}}


def test_a_crash_looping_container_over_the_threshold_in_the_window_is_degraded() -> None:
    crashes = pod_crashes(pod("CrashLoopBackOff", 4, NOW - timedelta(seconds=30)))
    crash = crash_looping(crashes, NOW, 3, WINDOW)
    assert crash is not None
    assert crash_message(crash) == "container wordpress of pod p-1 restarted 4 times: Error (exit code 1)"


def test_below_the_threshold_outside_the_window_or_off_is_not() -> None:
    recent = NOW - timedelta(seconds=30)
    assert crash_looping(pod_crashes(pod("CrashLoopBackOff", 2, recent)), NOW, 3, WINDOW) is None
    old = NOW - timedelta(seconds=601)
    assert crash_looping(pod_crashes(pod("CrashLoopBackOff", 9, old)), NOW, 3, WINDOW) is None
    assert crash_looping(pod_crashes(pod("CrashLoopBackOff", 9, None)), NOW, 3, WINDOW) is None
    assert crash_looping(pod_crashes(pod("CrashLoopBackOff", 9, recent)), NOW, 0, WINDOW) is None


def test_a_running_or_otherwise_waiting_container_keeps_nothing() -> None:
    assert pod_crashes(pod(None, 7, NOW)) == ()
    assert pod_crashes(pod("ImagePullBackOff", 7, NOW)) == ()
    assert pod_crashes({"metadata": {"name": "x"}}) == ()
