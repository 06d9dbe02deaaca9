"""Circuit breakers around the platform's remote dependencies, built on pybreaker: the fleet
writer's git remote (fetch and push) and the Kubernetes API the API reads.

After `failures` consecutive remote failures (unreachable, refused, authentication, timeout) the
circuit opens: calls fail at once with `CircuitBreakerError` without touching the remote, and the
caller waits until `reset_s` has passed; then one trial call goes through (half-open), closing the
circuit on success or opening it again. For the git remote, changes stay in the outbox meanwhile,
so nothing is lost; for the Kubernetes API, reads answer 503 with `Retry-After` at once.

A writer's round is a fetch and then a push, and the round is what succeeds or fails: a fetch is a
*partial* call, whose failure counts but whose success does not reset the count (else a remote that
serves fetches but refuses every push would never open the circuit). The push, or a round that
had nothing to push (`round_succeeded`), resets it.

Each dependency says which errors are not the remote's fault (`not_a_failure`): pybreaker records
those as successes. For the git remote (`fleet.repo.not_a_git_remote_failure`) a push rejected
because the branch moved is the normal conflict the writer rebuilds on, and a `GitError` marked not
temporary is a local refusal.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import pybreaker

from storefleet.api.metrics import registry as metrics

log = logging.getLogger(__name__)

GIT_REMOTE = "git_remote"
KUBERNETES = "kubernetes"
_GAUGE = {
    pybreaker.STATE_CLOSED: metrics.CIRCUIT_CLOSED,
    pybreaker.STATE_HALF_OPEN: metrics.CIRCUIT_HALF_OPEN,
    pybreaker.STATE_OPEN: metrics.CIRCUIT_OPEN,
}
T = TypeVar("T")

CircuitOpenError = pybreaker.CircuitBreakerError


class _RoundStorage(pybreaker.CircuitMemoryStorage):
    """pybreaker's in-memory state, except that a partial call's success keeps the failure count."""

    def __init__(self) -> None:
        super().__init__(pybreaker.STATE_CLOSED)
        self._partial = threading.local()

    def reset_counter(self) -> None:
        if not getattr(self._partial, "active", False):
            super().reset_counter()

    def force_reset_counter(self) -> None:
        super().reset_counter()

    @contextlib.contextmanager
    def partial(self) -> Iterator[None]:
        self._partial.active = True
        try:
            yield
        finally:
            self._partial.active = False


class RemoteCircuit(pybreaker.CircuitBreakerListener):
    """One breaker for one dependency; its state drives `circuit_breaker_state{dependency}`."""

    def __init__(
        self,
        failures: int,
        reset_s: float,
        dependency: str,
        not_a_failure: Callable[[BaseException], bool],
    ) -> None:
        self.dependency = dependency
        self.reset_s = reset_s
        self.last_error: str | None = None
        self._opened_at = 0.0  # monotonic
        self._lock = threading.Lock()
        self._storage = _RoundStorage()
        self._breaker = pybreaker.CircuitBreaker(
            fail_max=failures,
            state_storage=self._storage,
            reset_timeout=reset_s,
            exclude=[not_a_failure],
            listeners=[self],
            name=dependency,
            throw_new_error_on_trip=False,  # the call that trips the circuit raises its own error
        )
        metrics.CIRCUIT_BREAKER_STATE.labels(dependency=dependency).set(metrics.CIRCUIT_CLOSED)

    def call(self, func: Any, *args: Any, partial: bool = False) -> Any:
        """Run a remote operation through the breaker (from a worker thread: it blocks). A `partial`
        call (the first half of a round) cannot reset the failure count by succeeding."""
        if not partial:
            return self._breaker.call(func, *args)
        with self._storage.partial():
            return self._breaker.call(func, *args)

    def round_succeeded(self) -> None:
        """The round ended well without a closing call (nothing to push)."""
        if self.state == pybreaker.STATE_CLOSED:
            self._storage.force_reset_counter()
            self.last_error = None

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
