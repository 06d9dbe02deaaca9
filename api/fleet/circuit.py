"""The circuit breaker around the fleet writer's git remote (fetch and push), built on pybreaker.

After `failures` consecutive remote failures (unreachable, refused, authentication, timeout) the
circuit opens: calls fail at once with `CircuitBreakerError` without touching the remote, and the
writer waits until `reset_s` has passed; then one trial call goes through (half-open), closing the
circuit on success or opening it again. Changes stay in the outbox meanwhile, so nothing is lost.

A push rejected because the branch moved (`PushRejected`) is the normal conflict the writer rebuilds
on: it proves the remote answers, so it never counts as a failure (pybreaker records it as a success).
Neither does a `GitError` marked not temporary (a local refusal, not the remote's fault).
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any, TypeVar

import pybreaker

from storefleet.api.metrics import registry as metrics
from storefleet.renderer.gitrepo import GitError, PushRejected

log = logging.getLogger(__name__)

GIT_REMOTE = "git_remote"
_GAUGE = {
    pybreaker.STATE_CLOSED: metrics.CIRCUIT_CLOSED,
    pybreaker.STATE_HALF_OPEN: metrics.CIRCUIT_HALF_OPEN,
    pybreaker.STATE_OPEN: metrics.CIRCUIT_OPEN,
}
T = TypeVar("T")

CircuitOpenError = pybreaker.CircuitBreakerError


def _not_a_remote_failure(exc: BaseException) -> bool:
    return isinstance(exc, PushRejected) or (isinstance(exc, GitError) and not exc.temporary)


class RemoteCircuit(pybreaker.CircuitBreakerListener):
    """One breaker for one dependency; its state drives `circuit_breaker_state{dependency}`."""

    def __init__(self, failures: int, reset_s: float, dependency: str = GIT_REMOTE) -> None:
        self.dependency = dependency
        self.reset_s = reset_s
        self.last_error: str | None = None
        self._opened_at = 0.0  # monotonic
        self._lock = threading.Lock()
        self._breaker = pybreaker.CircuitBreaker(
            fail_max=failures,
            reset_timeout=reset_s,
            exclude=[_not_a_remote_failure],
            listeners=[self],
            name=dependency,
            throw_new_error_on_trip=False,  # the call that trips the circuit raises its own error
        )
        metrics.CIRCUIT_BREAKER_STATE.labels(dependency=dependency).set(metrics.CIRCUIT_CLOSED)

    def call(self, func: Any, *args: Any) -> Any:
        """Run a remote operation through the breaker (from a worker thread: it blocks)."""
        return self._breaker.call(func, *args)

    @property
    def state(self) -> str:
        return str(self._breaker.current_state)

    @property
    def is_open(self) -> bool:
        return self.state == pybreaker.STATE_OPEN

    def retry_in(self) -> float:
        """Seconds until an open circuit lets a trial call through (0 when it would now)."""
        with self._lock:
            return max(0.0, self._opened_at + self.reset_s - time.monotonic())

    def details(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "consecutive_failures": self._breaker.fail_counter,
            "last_error": self.last_error,
        }

    # ---- pybreaker listener -------------------------------------------------------------------------
    def failure(self, cb: pybreaker.CircuitBreaker, exc: BaseException) -> None:
        self.last_error = str(exc)

    def success(self, cb: pybreaker.CircuitBreaker) -> None:
        if self.state == pybreaker.STATE_CLOSED:
            self.last_error = None

    def state_change(
        self,
        cb: pybreaker.CircuitBreaker,
        old_state: pybreaker.CircuitBreakerState | None,
        new_state: pybreaker.CircuitBreakerState,
    ) -> None:
        if new_state.name == pybreaker.STATE_OPEN:
            with self._lock:
                self._opened_at = time.monotonic()
        metrics.CIRCUIT_BREAKER_STATE.labels(dependency=self.dependency).set(_GAUGE[new_state.name])
        log.warning(
            "circuit %s: %s -> %s (%s)",
            self.dependency,
            old_state.name if old_state else "-",
            new_state.name,
            self.last_error,
        )
