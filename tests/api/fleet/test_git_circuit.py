"""The circuit breaker around the writer's git remote: remote failures open it, a push conflict
(the branch moved) does not, and a trial call after the reset timeout closes it again."""

from __future__ import annotations

import time
from typing import Any

import pytest
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY

from storefleet.api.core.circuit import GIT_REMOTE, CircuitOpenError, RemoteCircuit
from storefleet.api.fleet.git_repo import FleetRepo
from storefleet.api.fleet.repo import GitError, not_a_git_remote_failure
from storefleet.api.fleet.writer import FleetWriter
from storefleet.api.settings import Settings

RESET_S = 0.3


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"git_circuit_failures": 1, "git_circuit_reset_s": RESET_S})


def _gauge() -> float | None:
    return REGISTRY.get_sample_value("circuit_breaker_state", {"dependency": "git_remote"})


def test_a_push_conflict_does_not_open_the_circuit(
    client: TestClient,
    tenant: Any,
    new_store: Any,
    drain: Any,
    writer: FleetWriter,
    human_races_pushes: Any,
) -> None:
    """Even with a circuit that opens on the first failure, two rejected pushes (a person pushed in
    between) are rebuilt and pushed: the circuit stays closed."""
    for i in range(3):
        new_store(tenant, f"shop-{i}")
    pushes = human_races_pushes(2)
    assert drain() == 3
    assert pushes["n"] == 3
    assert writer.circuit.state == "closed" and writer.circuit.last_error is None
    assert _gauge() == 0


def test_remote_failures_open_the_circuit_and_a_trial_closes_it(
    client: TestClient,
    tenant: Any,
    new_store: Any,
    drain: Any,
    writer: FleetWriter,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    new_store(tenant, "shop-a")
    calls = {"n": 0}

    def unreachable(self: FleetRepo) -> str | None:
        calls["n"] += 1
        raise GitError("fetch failed: could not read from remote repository")

    with monkeypatch.context() as patch:
        patch.setattr(FleetRepo, "fetch", unreachable)
        with pytest.raises(GitError, match="could not read"):  # the failure that trips it
            drain()
        assert writer.circuit.state == "open" and _gauge() == 2
        assert "could not read" in (writer.circuit.details()["last_error"] or "")
        with pytest.raises(CircuitOpenError):  # open: the remote is not called
            drain()
        assert calls["n"] == 1
        assert 0 < writer.circuit.retry_in() <= RESET_S

    time.sleep(RESET_S + 0.05)
    assert drain() == 1  # the trial (half-open) succeeds and closes the circuit
    assert writer.circuit.state == "closed" and _gauge() == 0
    assert writer.circuit.last_error is None


def test_a_remote_that_fetches_but_refuses_every_push_opens_the_circuit(
    client: TestClient,
    tenant: Any,
    new_store: Any,
    drain: Any,
    writer: FleetWriter,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A round is fetch + push: the fetch's success must not wipe the push failures before it."""
    writer.circuit = RemoteCircuit(3, RESET_S, GIT_REMOTE, not_a_git_remote_failure)
    new_store(tenant, "shop-a")

    def refused(self: FleetRepo, tip: str) -> None:
        raise GitError("push failed: the remote hung up unexpectedly")

    monkeypatch.setattr(FleetRepo, "push", refused)
    for _ in range(3):
        with pytest.raises(GitError, match="hung up"):
            drain()
    assert writer.circuit.state == "open"
    with pytest.raises(CircuitOpenError):
        drain()
    monkeypatch.undo()
    time.sleep(RESET_S + 0.05)
    assert drain() == 1 and writer.circuit.state == "closed"
    assert writer.circuit.details()["consecutive_failures"] == 0
