"""Crash-looping pods as pure rules: what the watcher keeps of a Pod, when it says degraded (with
damping), and when the watcher must judge a degraded store again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from storefleet.reconciler_watch.pod_health import (
    CrashLoopRule,
    WindowEnds,
    crash_looping,
    crash_message,
    pod_crashes,
    signal_ends,
    slim_pod,
    store_crashes,
)

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
WINDOW = timedelta(seconds=600)
RULE = CrashLoopRule(restarts=3, window=WINDOW)
READY_SINCE = NOW - timedelta(hours=1)
STORE = "st-abcdefgh23"


def pod(
    waiting: str | None, restarts: int, finished: datetime | None, name: str = "p-1", **meta: Any
) -> dict[str, Any]:
    state: dict[str, Any] = {"waiting": {"reason": waiting}} if waiting else {"running": {"startedAt": "x"}}
    last = {"terminated": {"reason": "Error", "exitCode": 1, "startedAt": "x", "containerID": "c://1",
                           **({"finishedAt": finished.isoformat()} if finished else {})}}  # fmt: skip
    status = {"name": "wordpress", "state": state, "restartCount": restarts, "lastState": last,
              "image": "wordpress:6", "imageID": "sha256:1", "ready": waiting is None}  # fmt: skip
    labels = {"storefleet.io/store": STORE, "app.kubernetes.io/name": "ecommerce-store"}
    return {
        "metadata": {"name": name, "namespace": STORE, "labels": labels, "uid": "u-1", **meta},
        "spec": {"containers": [{"name": "wordpress", "image": "wordpress:6"}]},
        "status": {"phase": "Running", "containerStatuses": [status], "conditions": [{"type": "Ready"}]},
    }


def crashes(*pods: dict[str, Any]) -> Any:
    return tuple(crash for p in pods for crash in pod_crashes(p))


def test_a_container_backing_off_after_a_crash_since_ready_degrades_a_ready_store() -> None:
    crash = crash_looping(crashes(pod("CrashLoopBackOff", 4, NOW - timedelta(seconds=30))), NOW, RULE,
                          ready_since=READY_SINCE)  # fmt: skip
    assert crash is not None
    assert crash_message(crash) == (
        "CrashLoopBackOff: container wordpress of pod p-1 restarted 4 times, last ended: Error (exit code 1)"
    )


def test_a_ready_store_is_not_degraded_below_the_threshold_while_running_or_by_an_older_crash() -> None:
    recent = NOW - timedelta(seconds=30)
    assert (
        crash_looping(crashes(pod("CrashLoopBackOff", 2, recent)), NOW, RULE, ready_since=READY_SINCE) is None
    )
    # running between two crashes: it holds a degraded store, it does not degrade a ready one
    assert crash_looping(crashes(pod(None, 9, recent)), NOW, RULE, ready_since=READY_SINCE) is None
    # a crash from before the store became ready (a late pod event): the next one will count
    before = READY_SINCE - timedelta(seconds=1)
    assert (
        crash_looping(crashes(pod("CrashLoopBackOff", 9, before)), NOW, RULE, ready_since=READY_SINCE) is None
    )
    assert (
        crash_looping(crashes(pod("CrashLoopBackOff", 9, None)), NOW, RULE, ready_since=READY_SINCE) is None
    )
    assert (
        crash_looping(crashes(pod("ImagePullBackOff", 9, recent)), NOW, RULE, ready_since=READY_SINCE) is None
    )


def test_a_degraded_store_stays_so_while_the_container_runs_between_crashes_until_the_window_ends() -> None:
    ended = NOW - timedelta(seconds=30)
    running = crashes(pod(None, 5, ended))
    assert crash_looping(running, NOW, RULE) is not None  # damping: the status does not flap
    assert crash_looping(running, ended + WINDOW - timedelta(seconds=1), RULE) is not None
    assert crash_looping(running, ended + WINDOW, RULE) is None  # it ran a whole window
    # backing off holds however long ago it ended (a back-off longer than the window)
    assert crash_looping(crashes(pod("CrashLoopBackOff", 5, NOW - 2 * WINDOW)), NOW, RULE) is not None


def test_threshold_zero_turns_the_signal_off() -> None:
    off = CrashLoopRule(restarts=0, window=WINDOW)
    looping = crashes(pod("CrashLoopBackOff", 50, NOW - timedelta(seconds=5)))
    assert not off.enabled
    assert crash_looping(looping, NOW, off) is None
    assert crash_looping(looping, NOW, off, ready_since=READY_SINCE) is None
    assert signal_ends(crashes(pod(None, 50, NOW)), NOW, off) is None


def test_the_most_restarted_container_is_named() -> None:
    recent = NOW - timedelta(seconds=30)
    looping = crashes(pod("CrashLoopBackOff", 4, recent, "p-1"), pod("CrashLoopBackOff", 8, recent, "p-2"))
    crash = crash_looping(looping, NOW, RULE, ready_since=READY_SINCE)
    assert crash is not None and crash.pod == "p-2" and crash.restarts == 8


def test_the_window_ends_when_the_first_running_container_has_run_a_window() -> None:
    first, second = NOW - timedelta(seconds=100), NOW - timedelta(seconds=20)
    both = crashes(pod(None, 4, first, "p-1"), pod(None, 4, second, "p-2"))
    assert signal_ends(both, NOW, RULE) == first + WINDOW
    assert signal_ends(crashes(pod("CrashLoopBackOff", 4, second)), NOW, RULE) is None  # an event ends it
    assert signal_ends(crashes(pod(None, 2, second)), NOW, RULE) is None  # holds nothing
    ends = WindowEnds(RULE)
    ends.note(STORE, both, NOW)
    assert ends.due(first + WINDOW - timedelta(seconds=1)) == set()
    assert ends.due(first + WINDOW) == {STORE}
    assert ends.due(first + WINDOW) == set()  # once
    ends.note(STORE, both, NOW)
    ends.note(STORE, (), NOW)  # nothing holds it any more: no second look
    assert ends.due(NOW + 2 * WINDOW) == set()


def test_the_cache_keeps_only_the_crash_facts_of_a_pod_over_the_threshold() -> None:
    ended = NOW - timedelta(seconds=30)
    slim = slim_pod(pod("CrashLoopBackOff", 4, ended), restarts=3)
    assert slim == {
        "metadata": {"name": "p-1", "namespace": STORE, "labels": {"storefleet.io/store": STORE}},
        "status": {"containerStatuses": [{
            "name": "wordpress", "restartCount": 4, "state": {"waiting": {"reason": "CrashLoopBackOff"}},
            "lastState": {"terminated": {"reason": "Error", "exitCode": 1, "finishedAt": ended.isoformat()}},
        }]},
    }  # fmt: skip
    assert pod_crashes(slim) == pod_crashes(pod("CrashLoopBackOff", 4, ended))
    assert store_crashes([slim], STORE) == pod_crashes(slim)
    assert store_crashes([slim], "st-someoneelse") == ()
    # nothing to keep: below the threshold, healthy, finished, or going away
    assert slim_pod(pod("CrashLoopBackOff", 2, ended), restarts=3) is None
    assert slim_pod(pod(None, 0, None), restarts=3) is None
    assert slim_pod({**pod("CrashLoopBackOff", 4, ended), "status": {"phase": "Failed"}}, restarts=3) is None
    assert slim_pod(pod("CrashLoopBackOff", 4, ended, deletionTimestamp=NOW.isoformat()), restarts=3) is None
    # running between two crashes: kept (it holds a degraded store), as running
    running = slim_pod(pod(None, 4, ended), restarts=3)
    assert running is not None and running["status"]["containerStatuses"][0]["state"] == {}


def test_init_containers_count_and_a_healthy_pod_has_no_crash() -> None:
    looping = pod("CrashLoopBackOff", 6, NOW - timedelta(seconds=5))
    looping["status"]["initContainerStatuses"] = looping["status"].pop("containerStatuses")
    assert [crash.container for crash in pod_crashes(looping)] == ["wordpress"]
    assert pod_crashes(pod(None, 0, None)) == ()
    assert pod_crashes({"metadata": {"name": "x"}}) == ()
