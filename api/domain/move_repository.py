"""All SQL of store moves (`store_moves`, migration 0024). Every stage write checks the stage it
expects (optimistic locking); called by `move_stages` and the move request only."""

from __future__ import annotations

from psycopg.rows import kwargs_row
from psycopg.types.json import Jsonb

from storefleet.api.db.pool import Connection
from storefleet.api.domain.store_move import IN_FLIGHT, MOVE_COLUMNS, MoveStage, StoreMove, store_move
from storefleet.api.domain.store_rows import SETTINGS_SCOPE

_MOVE = kwargs_row(store_move)
_IN_FLIGHT = [stage.value for stage in IN_FLIGHT]


async def insert_move(
    conn: Connection,
    store_id: str,
    source: tuple[str | None, str | None],
    target: tuple[str, str],
    backup: str,
    restore: str,
    source_spec_hash: str,
    requested_by: str,
    message: str,
) -> StoreMove:
    """A new move at stage `backing_up`; a UniqueViolation when the store has one in flight."""
    cur = conn.cursor(row_factory=_MOVE)
    await cur.execute(
        "INSERT INTO store_moves (store_id, source_cluster_id, source_cluster, target_cluster_id,"
        " target_cluster, stage, backup, restore, source_spec_hash, requested_by, message)"
        f" VALUES (%s, %s, %s, %s, %s, 'backing_up', %s, %s, %s, %s, %s) RETURNING {MOVE_COLUMNS}",
        (store_id, *source, *target, backup, restore, source_spec_hash, requested_by, message),
    )
    row = await cur.fetchone()
    assert row is not None
    return row


async def latest_move(conn: Connection, store_id: str) -> StoreMove | None:
    cur = conn.cursor(row_factory=_MOVE)
    await cur.execute(
        f"SELECT {MOVE_COLUMNS} FROM store_moves WHERE store_id = %s ORDER BY id DESC LIMIT 1", (store_id,)
    )
    return await cur.fetchone()


async def move_in_flight(conn: Connection, store_id: str, *, for_update: bool = False) -> StoreMove | None:
    cur = conn.cursor(row_factory=_MOVE)
    lock = " FOR UPDATE" if for_update else ""
    await cur.execute(
        f"SELECT {MOVE_COLUMNS} FROM store_moves WHERE store_id = %s AND stage = ANY(%s){lock}",
        (store_id, _IN_FLIGHT),
    )
    return await cur.fetchone()


async def moves_in_flight(conn: Connection, scope: str | None) -> list[StoreMove]:
    """The moves in flight whose target the watcher of `scope` judges (None: every move; the settings
    scope: those onto the settings cluster; else those onto the cluster of that id)."""
    where, params = "stage = ANY(%(stages)s)", {"stages": _IN_FLIGHT, "scope": scope}
    if scope == SETTINGS_SCOPE:
        where += " AND target_cluster_id IN (SELECT id FROM clusters WHERE origin = 'settings')"
    elif scope is not None:
        where += " AND target_cluster_id = %(scope)s"
    cur = conn.cursor(row_factory=_MOVE)
    await cur.execute(f"SELECT {MOVE_COLUMNS} FROM store_moves WHERE {where} ORDER BY id", params)
    return await cur.fetchall()


async def set_stage(
    conn: Connection,
    move_id: int,
    expected: MoveStage,
    stage: MoveStage,
    message: str,
    *,
    target_spec: dict[str, object] | None = None,
    reason: str | None = None,
) -> StoreMove | None:
    """Move `move_id` from `expected` to `stage`; None when it is no longer at `expected`."""
    ended = stage not in IN_FLIGHT
    cur = conn.cursor(row_factory=_MOVE)
    await cur.execute(
        "UPDATE store_moves SET stage = %s, message = %s, reason = COALESCE(%s, reason),"
        " target_spec = COALESCE(%s, target_spec), target_created = target_created OR %s,"
        " stage_changed_at = now(), ended_at = CASE WHEN %s THEN now() END"
        f" WHERE id = %s AND stage = %s RETURNING {MOVE_COLUMNS}",
        (
            stage.value,
            message,
            reason,
            _jsonb(target_spec),
            stage is MoveStage.RESTORING,
            ended,
            move_id,
            expected.value,
        ),
    )
    return await cur.fetchone()


async def set_message(conn: Connection, move_id: int, expected: MoveStage, message: str) -> None:
    await conn.execute(
        "UPDATE store_moves SET message = %s WHERE id = %s AND stage = %s AND message IS DISTINCT FROM %s",
        (message, move_id, expected.value, message),
    )


async def rollout_in_flight(conn: Connection, store_id: str) -> str | None:
    """The rollout (running or paused) with a wave still to come that includes the store, if any: that
    wave would change the store under a move (a wave under way has it `updating` already)."""
    cur = await conn.execute(
        "SELECT r.id FROM rollout_stores rs JOIN rollouts r ON r.id = rs.rollout_id"
        " WHERE rs.store_id = %s AND rs.state = 'pending'"
        " AND r.state IN ('running', 'paused') LIMIT 1",
        (store_id,),
    )
    row = await cur.fetchone()
    return str(row["id"]) if row else None


async def change_pending(conn: Connection, store_id: str) -> bool:
    cur = await conn.execute(
        "SELECT EXISTS (SELECT 1 FROM outbox WHERE store_id = %s AND processed_at IS NULL) AS pending",
        (store_id,),
    )
    row = await cur.fetchone()
    return bool(row and row["pending"])


def _jsonb(value: dict[str, object] | None) -> Jsonb | None:
    return Jsonb(value) if value is not None else None


async def target_root(conn: Connection, move: StoreMove) -> str | None:
    """The target's root in the fleet repo as a spec names it: None for the home cluster."""
    cur = await conn.execute("SELECT home FROM clusters WHERE id = %s", (move.target_cluster_id,))
    row = await cur.fetchone()
    return None if row is not None and row["home"] else move.target_cluster


# ---- a cluster's drain (stores/drain.py) ---------------------------------------------------------------
async def moves_off(conn: Connection, cluster_id: str, home: bool) -> int:
    """The moves in flight off this cluster (`home`: the home cluster, source of the stores made
    before placement, which name no cluster)."""
    cur = await conn.execute(
        "SELECT count(*) AS n FROM store_moves WHERE stage = ANY(%(stages)s)"
        " AND (source_cluster_id = %(cluster)s OR (%(home)s AND source_cluster_id IS NULL))",
        {"stages": _IN_FLIGHT, "cluster": cluster_id, "home": home},
    )
    row = await cur.fetchone()
    return int(row["n"]) if row else 0


async def drain_candidates(
    conn: Connection, cluster_id: str, home: bool, refused_by: str, retry_s: float, limit: int
) -> list[str]:
    """Ready stores on this cluster with no move in flight, by id, leaving out those whose move
    `refused_by` (the drain's actor) was refused in the last `retry_s` seconds."""
    cur = await conn.execute(
        "SELECT s.id FROM stores s"
        " WHERE (s.cluster_id = %(cluster)s OR (%(home)s AND s.cluster_id IS NULL)) AND s.status = 'ready'"
        " AND NOT EXISTS (SELECT 1 FROM store_moves m WHERE m.store_id = s.id AND m.stage = ANY(%(stages)s))"
        " AND NOT EXISTS (SELECT 1 FROM audit_events a WHERE a.store_id = s.id"
        "   AND a.event = 'store.move_refused' AND a.actor = %(actor)s"
        "   AND a.created_at > now() - make_interval(secs => %(retry_s)s))"
        " ORDER BY s.id LIMIT %(limit)s",
        {"cluster": cluster_id, "home": home, "stages": _IN_FLIGHT, "actor": refused_by,
         "retry_s": retry_s, "limit": limit},
    )  # fmt: skip
    return [row["id"] for row in await cur.fetchall()]
