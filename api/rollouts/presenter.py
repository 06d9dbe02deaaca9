"""Rollout rows as the API answers them."""

from __future__ import annotations

from typing import Any

from storefleet.api.db.pool import Connection
from storefleet.api.rollouts import repository
from storefleet.api.rollouts.change import ChangeKind, describe
from storefleet.api.rollouts.repository import RolloutRow
from storefleet.api.rollouts.schemas import RolloutOut, StoreRolloutOut, WaveOut, WaveStoreOut
from storefleet.api.rollouts.states import RolloutState, WaveState


async def rollout_out(conn: Connection, row: RolloutRow, *, with_stores: bool) -> RolloutOut:
    wave_rows = await repository.waves(conn, [row.id])
    members = await repository.wave_stores(conn, row.id) if with_stores else []
    by_wave: dict[int, list[WaveStoreOut]] = {}
    for m in members:
        by_wave.setdefault(m.wave, []).append(
            WaveStoreOut(
                store_id=m.store_id,
                name=m.name,
                tenant=m.tenant,
                status=m.status,
                chart_version=m.chart_version,
                value=m.value,
                from_value=m.from_value,
                state=m.state,
                note=m.note,
                error=m.error if m.status == "failed" else None,
            )
        )
    waves = [
        WaveOut(
            number=w.number,
            state=WaveState(w.state),
            attempt=w.attempt,
            store_count=w.store_count,
            max_failures=w.max_failures,
            commit_sha=w.commit_sha,
            revert_sha=w.revert_sha,
            reverted_by=w.reverted_by,
            gate=w.gate,
            committed_at=w.committed_at,
            ready_at=w.ready_at,
            finished_at=w.finished_at,
            stores=by_wave.get(w.number, []) if with_stores else None,
        )
        for w in wave_rows
    ]
    return RolloutOut(
        id=row.id,
        state=RolloutState(row.state),
        kind=ChangeKind(row.kind),
        target=row.target,
        change=describe(ChangeKind(row.kind), row.target),
        chart_version=row.chart_version,
        add_chart=row.add_chart,
        selector=row.selector,
        steps=row.steps,
        gate=row.gate,
        reason=row.reason,
        failing=row.failing,
        created_by=row.created_by,
        created_at=row.created_at,
        updated_at=row.updated_at,
        finished_at=row.finished_at,
        store_count=row.store_count,
        waves=waves,
    )


def store_rollout_out(row: dict[str, Any]) -> StoreRolloutOut:
    kind = ChangeKind(row["kind"])
    return StoreRolloutOut(**row, change=describe(kind, row["target"]))
