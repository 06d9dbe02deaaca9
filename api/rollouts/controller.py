"""The rollout controller: after each wave's commit, its gate; on a pass, the next wave; on a failure,
the wave's revert. Every pass over a rollout is one transaction with the rollout row locked, re-read
each time, so a restarted (or second) controller continues where the database says, never twice.

Wave commits are outbox groups: `kill -9` between queueing a wave and its commit loses nothing (the
writer commits it once, by its Change-Group trailer), and a git remote outage only delays the commit
the gate waits for."""

from __future__ import annotations

import asyncio
import logging
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

from psycopg_pool import AsyncConnectionPool

from storefleet.api.core.actor import Actor
from storefleet.api.core.ticks import every
from storefleet.api.db.pool import Connection
from storefleet.api.domain import audit, stores_repository
from storefleet.api.metrics import registry as metrics
from storefleet.api.rollouts import repository, service, waves
from storefleet.api.rollouts.gate import (
    GateConfig,
    GateResult,
    Verdict,
    WaveStore,
    WaveView,
    evaluate,
    moved_back,
)
from storefleet.api.rollouts.repository import NOW, RolloutRow, StoreState, WaveRow
from storefleet.api.rollouts.states import (
    ACTIVE,
    IN_FLIGHT,
    RolloutAction,
    RolloutState,
    WaveState,
    next_state,
)
from storefleet.renderer.manifests import store_url
from storefleet.renderer.profile import RenderProfile
from storefleet.renderer.spec import StoreSpec

log = logging.getLogger(__name__)
CONTROLLER = Actor.system("rollout-controller")
Probe = Callable[[str], str | None]  # URL -> None when healthy, else why not


def http_probe(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:  # noqa: S310 - the store's own http(s) URL
            return None if answer.status < 400 else f"HTTP {answer.status}"
    except urllib.error.HTTPError as exc:
        return f"HTTP {exc.code} from {url}"
    except (urllib.error.URLError, OSError) as exc:
        return f"{url}: {exc}"


class RolloutController:
    def __init__(
        self,
        pool: AsyncConnectionPool[Any],
        profile: RenderProfile,
        *,
        default_timeout_s: float,
        tick_s: float = 1.0,
        probe: Probe = http_probe,
    ) -> None:
        self._pool = pool
        self._profile = profile
        self._default_timeout_s = default_timeout_s
        self._tick_s = tick_s
        self._probe = probe
        # (rollout, wave, attempt) -> {store id: why its probe failed}; lost on restart: probed again
        self._probes: dict[tuple[str, int, int], dict[str, str]] = {}

    async def run(self, stop: asyncio.Event) -> None:
        await every(self._tick_s, stop, self.drive_once, "rollout controller")

    async def drive_once(self) -> None:
        async with self._pool.connection() as conn:
            ids = await repository.rollouts_to_drive(conn)
            # Counted from the database on each pass (every process that runs a controller reports
            # the same values: aggregate with max, like the database gauges).
            counts = await repository.counts_by_state(conn)
        for state in RolloutState:
            metrics.ROLLOUTS.labels(state=state.value).set(counts.get(state.value, 0))
        for rollout_id in ids:
            wanted = await self._step(rollout_id)
            if wanted:
                await self._run_probes(*wanted)

    async def _step(self, rollout_id: str) -> tuple[tuple[str, int, int], dict[str, str]] | None:
        async with self._pool.connection() as conn, conn.transaction():
            rollout, wave_rows = await service.locked_rollout(conn, rollout_id)
            if await _record_commits(conn, rollout, wave_rows):
                wave_rows = await repository.waves(conn, [rollout.id])
            if RolloutState(rollout.state) not in ACTIVE:
                return None
            if await self._reverted_in_git(conn, rollout, wave_rows):
                return None
            current = next((w for w in wave_rows if w.state in (WaveState.GATING, WaveState.SOAKING)), None)
            if current is not None:
                outcome = await self._gate(conn, rollout, current)
                if outcome is not None:
                    return outcome
                # the gate may have ended the rollout (a failed wave) or freed the next wave
                rollout, wave_rows = await service.locked_rollout(conn, rollout_id)
            if any(w.state in IN_FLIGHT for w in wave_rows) or rollout.state != RolloutState.RUNNING:
                return None
            await self._advance(conn, rollout, wave_rows)
        return None

    async def _gate(
        self, conn: Connection, rollout: RolloutRow, wave: WaveRow
    ) -> tuple[tuple[str, int, int], dict[str, str]] | None:
        members = await repository.wave_members(conn, rollout.id, wave.number, committed=True)
        stores = [WaveStore(m.store_id, m.status, m.at_value, m.error) for m in members]
        key = (rollout.id, wave.number, wave.attempt)
        result = evaluate(self._view(rollout, wave), stores, self._config(rollout), self._probes.get(key))
        gate = result.summary()
        if result.verdict is Verdict.PROBE:
            ready = await stores_repository.get_stores(
                conn, [m.store_id for m in members if m.status == "ready"]
            )
            path = self._config(rollout).probe_path or "/"
            specs = {store_id: StoreSpec.model_validate(row.spec) for store_id, row in ready.items()}
            return key, {
                store_id: store_url(spec, self._profile).rstrip("/") + path
                for store_id, spec in specs.items()
            }
        if result.verdict is Verdict.SOAK:
            await repository.set_wave(
                conn, rollout.id, wave.number, state=WaveState.SOAKING.value, ready_at=NOW, gate=gate
            )
        elif result.verdict is Verdict.PASS:
            await repository.set_wave(
                conn, rollout.id, wave.number, state=WaveState.PASSED.value, finished_at=NOW, gate=gate
            )
            if wave.committed_for_s is not None:
                metrics.ROLLOUT_WAVE_SECONDS.observe(wave.committed_for_s)
            await audit.record(
                conn,
                "rollout.wave_passed",
                CONTROLLER,
                detail={"rollout_id": rollout.id, "wave": wave.number, **gate},
            )
        elif result.verdict is Verdict.FAIL:
            await self._fail(conn, rollout, wave, result)
        else:
            await repository.set_wave(conn, rollout.id, wave.number, gate=gate)
        return None

    async def _fail(self, conn: Connection, rollout: RolloutRow, wave: WaveRow, result: GateResult) -> None:
        reason = f"wave {wave.number} failed its gate: {result.message}"
        failing = [{"store_id": s, "error": e} for s, e in result.failing]
        await repository.set_wave(conn, rollout.id, wave.number, gate=result.summary())
        await waves.enqueue_revert(conn, rollout, wave, CONTROLLER, reason, WaveState.FAILED)
        state = next_state(RolloutState(rollout.state), RolloutAction.GATE_FAILED)
        assert state is not None
        await repository.set_rollout(
            conn, rollout.id, state=state.value, reason=reason, failing=failing, finished_at=NOW
        )
        metrics.ROLLOUT_GATE_FAILURES.inc()
        await audit.record(
            conn,
            "rollout.rolled_back",
            CONTROLLER,
            detail={
                "rollout_id": rollout.id,
                "wave": wave.number,
                "reason": reason,
                "failing": failing[:100],
            },
        )
        log.warning("rollout %s: %s; reverting the wave", rollout.id, reason)

    async def _advance(self, conn: Connection, rollout: RolloutRow, wave_rows: list[WaveRow]) -> None:
        pending = next((w for w in wave_rows if w.state == WaveState.PENDING), None)
        if pending is not None:
            queued = await waves.enqueue_wave(conn, rollout, pending, CONTROLLER)
            await audit.record(
                conn,
                "rollout.wave_queued",
                CONTROLLER,
                detail={"rollout_id": rollout.id, "wave": pending.number, "stores": queued},
            )
            return
        if all(w.state == WaveState.PASSED for w in wave_rows):
            await repository.set_rollout(
                conn, rollout.id, state=RolloutState.SUCCEEDED.value, finished_at=NOW, reason=None
            )
            await audit.record(conn, "rollout.succeeded", CONTROLLER, detail={"rollout_id": rollout.id})

    async def _reverted_in_git(self, conn: Connection, rollout: RolloutRow, wave_rows: list[WaveRow]) -> bool:
        """A committed wave whose stores someone took off the version in git (a `git revert` of its
        commit): the wave shows who, and the rollout pauses until an admin decides. The git-side sync
        may apply such a commit's stores over more than one pass: stores of a wave already seen
        reverted that move back later are marked too."""
        for wave in wave_rows:
            seen = wave.state == WaveState.REVERTED and wave.reverted_by is not None
            if wave.state not in (WaveState.GATING, WaveState.SOAKING, WaveState.PASSED) and not seen:
                continue
            # only the stores no longer at the wave's value: none, on almost every pass
            members = await repository.wave_members(conn, rollout.id, wave.number, moved_back=True)
            back = moved_back([WaveStore(m.store_id, m.status, m.at_value) for m in members])
            if not back:
                continue
            await repository.set_store_states(
                conn, rollout.id, [StoreState(s.store_id, "reverted", "reverted in git") for s in back]
            )
            if seen:
                continue
            by = members[0].last_commit_sha
            commit = str(by)[:12]
            reason = f"wave {wave.number} was taken back in git ({len(back)} stores, commit {commit}); paused"
            await repository.set_wave(
                conn, rollout.id, wave.number, state=WaveState.REVERTED.value, reverted_by=by, finished_at=NOW
            )
            target = next_state(RolloutState(rollout.state), RolloutAction.REVERTED_IN_GIT)
            assert target is not None
            await repository.set_rollout(conn, rollout.id, state=target.value, reason=reason)
            await audit.record(
                conn,
                "rollout.reverted_in_git",
                CONTROLLER,
                detail={"rollout_id": rollout.id, "wave": wave.number, "commit": by},
            )
            return True
        return False

    def _view(self, rollout: RolloutRow, wave: WaveRow) -> WaveView:
        return WaveView(
            wave.number,
            WaveState(wave.state),
            wave.max_failures,
            wave.committed_for_s,
            wave.ready_for_s,
        )

    def _config(self, rollout: RolloutRow) -> GateConfig:
        gate = rollout.gate
        return GateConfig(
            soak_s=float(gate.get("soak_seconds") or 0),
            probe_path=gate.get("probe_path"),
            timeout_s=float(gate.get("timeout_seconds") or self._default_timeout_s),
        )

    async def _run_probes(self, key: tuple[str, int, int], urls: dict[str, str]) -> None:
        failures = await asyncio.gather(*(asyncio.to_thread(self._probe, url) for url in urls.values()))
        self._probes[key] = {s: why for s, why in zip(urls, failures, strict=True) if why}


async def _record_commits(conn: Connection, rollout: RolloutRow, wave_rows: list[WaveRow]) -> bool:
    """Waves (and reverts) whose outbox group the writer has completed: their commit is recorded."""
    changed = False
    for wave in wave_rows:
        if wave.state == WaveState.COMMITTING and wave.commit_group:
            done, sha = await repository.group_commit(conn, wave.commit_group)
            if done:
                await repository.set_wave(
                    conn,
                    rollout.id,
                    wave.number,
                    state=WaveState.GATING.value,
                    commit_sha=sha,
                    committed_at=NOW,
                )
                changed = True
        elif wave.state in (WaveState.FAILED, WaveState.REVERTING) and wave.revert_group:
            done, sha = await repository.group_commit(conn, wave.revert_group)
            if done:
                # An abort may have caught the wave before its own commit was recorded: both are now.
                wave_sha = wave.commit_sha
                if wave_sha is None and wave.commit_group:
                    wave_sha = (await repository.group_commit(conn, wave.commit_group))[1]
                await repository.set_wave(
                    conn, rollout.id, wave.number, state=WaveState.REVERTED.value, revert_sha=sha,
                    commit_sha=wave_sha,
                )  # fmt: skip
                changed = True
    return changed
