"""All SQL of the rollout tables (`rollouts`, `rollout_waves`, `rollout_stores`) and the reads of
stores and outbox rows a rollout needs. Rows come back as frozen dataclasses."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from psycopg.rows import class_row
from psycopg.types.json import Jsonb

from storefleet.api.db.pool import Connection
from storefleet.api.rollouts.change import ChangeKind, FieldValue, RolloutChange
from storefleet.api.rollouts.states import ACTIVE, RolloutState, WaveState


@dataclass(frozen=True, slots=True)
class RolloutRow:
    id: str
    state: str
    kind: str  # a ChangeKind: the spec field the rollout sets
    target: FieldValue  # the value it sets
    chart_version: str | None  # chart rollouts: the version
    add_chart: bool
    selector: dict[str, Any]
    steps: list[Any]
    gate: dict[str, Any]
    reason: str | None
    failing: list[dict[str, Any]]
    created_by: str
    created_at: datetime
    updated_at: datetime
    finished_at: datetime | None
    store_count: int

    @property
    def change(self) -> RolloutChange:
        return RolloutChange(ChangeKind(self.kind), self.target)


@dataclass(frozen=True, slots=True)
class WaveRow:
    rollout_id: str
    number: int
    state: str
    attempt: int
    store_count: int
    max_failures: int
    commit_group: str | None
    commit_sha: str | None
    revert_group: str | None
    revert_sha: str | None
    reverted_by: str | None
    gate: dict[str, Any]
    committing_at: datetime | None
    committed_at: datetime | None
    ready_at: datetime | None
    finished_at: datetime | None
    committed_for_s: float | None
    ready_for_s: float | None


@dataclass(frozen=True, slots=True)
class WaveStoreRow:
    store_id: str
    wave: int
    state: str
    from_value: FieldValue  # the field's value before the wave (the revert puts it back)
    to_value: FieldValue  # the value the wave set
    note: str | None
    name: str
    tenant: str
    status: str
    value: FieldValue  # the field's value in the store's spec now
    chart_version: str | None
    error: str | None
    pinned: bool
    last_commit_sha: str | None


@dataclass(frozen=True, slots=True)
class MemberRow:
    """A store of a wave as the controller and the waves read it (no JSON: thousands per pass)."""

    store_id: str
    state: str
    status: str
    at_value: bool  # its spec carries the value its wave set (committed stores)
    error: str | None
    last_commit_sha: str | None


@dataclass(frozen=True, slots=True)
class TargetRow:
    id: str
    owner_id: str
    status: str
    engine: str
    chart_version: str | None
    value: FieldValue  # the rollout's field in the store's spec
    pinned: bool


_ROLLOUT_COLUMNS = (
    "r.id, r.state, r.kind, r.target, r.chart_version, r.add_chart, r.selector, r.steps, r.gate,"
    " r.reason, r.failing, r.created_by, r.created_at, r.updated_at, r.finished_at,"
    " (SELECT count(*) FROM rollout_stores rs WHERE rs.rollout_id = r.id)::int AS store_count"
)
_WAVE_COLUMNS = (
    "rollout_id, number, state, attempt, store_count, max_failures, commit_group, commit_sha, revert_group,"
    " revert_sha, reverted_by, gate, committing_at, committed_at, ready_at, finished_at,"
    " extract(epoch FROM now() - committed_at)::float8 AS committed_for_s,"
    " extract(epoch FROM now() - ready_at)::float8 AS ready_for_s"
)
_WAVE_STORE_COLUMNS = (
    "rs.store_id, rs.wave, rs.state, rs.from_value, rs.to_value, rs.note, s.name, s.owner_id AS tenant,"
    " s.status,"
    " s.spec -> r.kind AS value, s.spec->>'chart_version' AS chart_version,"
    " coalesce(s.error, s.status_message) AS error,"
    " s.pinned_at IS NOT NULL AS pinned,"
    " s.last_commit_sha"
)


async def select_targets(conn: Connection, selector: dict[str, Any], field: str) -> list[TargetRow]:
    """Live stores the selector matches, in id order, with their spec's `field` (pinned ones included:
    the caller says why not)."""
    conditions = ["status NOT IN ('deleted', 'deleting')"]
    params: list[Any] = [field]
    for column, key in (
        ("engine", "engines"),
        ("plan", "plans"),
        ("owner_id", "tenants"),
        ("template", "templates"),
        ("id", "store_ids"),
    ):
        if selector.get(key):
            conditions.append(f"{column} = ANY(%s)")
            params.append(list(selector[key]))
    cur = conn.cursor(row_factory=class_row(TargetRow))
    await cur.execute(
        "SELECT id, owner_id, status, engine, spec->>'chart_version' AS chart_version,"
        " spec -> %s AS value, pinned_at IS NOT NULL AS pinned"
        f" FROM stores WHERE {' AND '.join(conditions)} ORDER BY id",
        params,
    )
    return await cur.fetchall()


async def overlapping(
    conn: Connection, store_ids: Sequence[str], exclude: str | None = None
) -> dict[str, str]:
    """{store id: rollout id} for stores another active rollout still has to move or is gating."""
    cur = await conn.execute(
        "SELECT rs.store_id, rs.rollout_id FROM rollout_stores rs JOIN rollouts r ON r.id = rs.rollout_id"
        " WHERE r.state = ANY(%s) AND rs.store_id = ANY(%s) AND rs.state IN ('pending', 'committed')"
        " AND r.id IS DISTINCT FROM %s",
        ([s.value for s in ACTIVE], list(store_ids), exclude),
    )
    return {row["store_id"]: row["rollout_id"] for row in await cur.fetchall()}


async def insert_rollout(conn: Connection, row: dict[str, Any], waves: list[tuple[int, int, int]]) -> None:
    """The rollout, its waves ((number, store count, failure budget)) and nothing else."""
    await conn.execute(
        "INSERT INTO rollouts (id, state, kind, target, chart_version, add_chart, selector, steps, gate,"
        " reason, created_by)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        (
            row["id"],
            RolloutState.RUNNING.value,
            row["kind"],
            Jsonb(row["target"]),
            row["chart_version"],
            row["add_chart"],
            Jsonb(row["selector"]),
            Jsonb(row["steps"]),
            Jsonb(row["gate"]),
            row["reason"],
            row["created_by"],
        ),
    )
    numbers, counts, budgets = (list(c) for c in zip(*waves, strict=True))
    await conn.execute(
        "INSERT INTO rollout_waves (rollout_id, number, state, store_count, max_failures)"
        " SELECT %s, n, 'pending', c, b FROM unnest(%s::int[], %s::int[], %s::int[]) AS w(n, c, b)",
        (row["id"], numbers, counts, budgets),
    )


async def insert_stores(conn: Connection, rollout_id: str, members: Sequence[tuple[str, int]]) -> None:
    ids, waves = (list(c) for c in zip(*members, strict=True))
    await conn.execute(
        "INSERT INTO rollout_stores (rollout_id, store_id, wave)"
        " SELECT %s, s, w FROM unnest(%b::text[], %b::int[]) AS m(s, w)",
        (rollout_id, ids, waves),
    )


async def get_rollout(conn: Connection, rollout_id: str, *, for_update: bool = False) -> RolloutRow | None:
    cur = conn.cursor(row_factory=class_row(RolloutRow))
    lock = " FOR UPDATE OF r" if for_update else ""
    await cur.execute(f"SELECT {_ROLLOUT_COLUMNS} FROM rollouts r WHERE r.id = %s{lock}", (rollout_id,))
    return await cur.fetchone()


async def list_rollouts(
    conn: Connection, state: str | None, limit: int, offset: int
) -> tuple[list[RolloutRow], int]:
    where, params = ("WHERE r.state = %s", [state]) if state else ("", [])
    cur = conn.cursor(row_factory=class_row(RolloutRow))
    await cur.execute(
        f"SELECT {_ROLLOUT_COLUMNS} FROM rollouts r {where}"
        " ORDER BY r.created_at DESC, r.id LIMIT %s OFFSET %s",
        [*params, limit, offset],
    )
    rows = await cur.fetchall()
    total = await conn.execute(f"SELECT count(*) AS n FROM rollouts r {where}", params)
    found = await total.fetchone()
    return rows, int(found["n"]) if found else 0


async def waves(conn: Connection, rollout_ids: Sequence[str]) -> list[WaveRow]:
    cur = conn.cursor(row_factory=class_row(WaveRow))
    await cur.execute(
        f"SELECT {_WAVE_COLUMNS} FROM rollout_waves WHERE rollout_id = ANY(%s) ORDER BY rollout_id, number",
        (list(rollout_ids),),
    )
    return await cur.fetchall()


_AT_VALUE = "(s.spec -> r.kind) IS NOT DISTINCT FROM rs.to_value"


async def wave_members(
    conn: Connection, rollout_id: str, wave: int, *, committed: bool = False, moved_back: bool = False
) -> list[MemberRow]:
    """The stores of a wave (`committed`: only those its commit moved; `moved_back`: only those of
    them that no longer carry its value and are not being deleted), in store id order."""
    only = " AND rs.state = 'committed'" if committed or moved_back else ""
    if moved_back:
        only += f" AND NOT ({_AT_VALUE}) AND s.status NOT IN ('deleting', 'deleted')"
    cur = conn.cursor(row_factory=class_row(MemberRow))
    await cur.execute(
        f"SELECT rs.store_id, rs.state, s.status, {_AT_VALUE} AS at_value,"
        " coalesce(s.error, s.status_message) AS error, s.last_commit_sha"
        " FROM rollout_stores rs JOIN stores s ON s.id = rs.store_id JOIN rollouts r ON r.id = rs.rollout_id"
        f" WHERE rs.rollout_id = %s AND rs.wave = %s{only} ORDER BY rs.store_id",
        (rollout_id, wave),
    )
    return await cur.fetchall()


async def wave_store_ids(conn: Connection, rollout_id: str, wave: int) -> list[str]:
    """The ids of a wave's stores, in id order (what queueing the wave reads of them before it locks
    the stores themselves)."""
    cur = await conn.execute(
        "SELECT store_id FROM rollout_stores WHERE rollout_id = %s AND wave = %s ORDER BY store_id",
        (rollout_id, wave),
    )
    return [row["store_id"] for row in await cur.fetchall()]


async def wave_stores(conn: Connection, rollout_id: str, wave: int | None = None) -> list[WaveStoreRow]:
    cur = conn.cursor(row_factory=class_row(WaveStoreRow))
    only = " AND rs.wave = %s" if wave is not None else ""
    await cur.execute(
        f"SELECT {_WAVE_STORE_COLUMNS} FROM rollout_stores rs JOIN stores s ON s.id = rs.store_id"
        " JOIN rollouts r ON r.id = rs.rollout_id"
        f" WHERE rs.rollout_id = %s{only} ORDER BY rs.wave, rs.store_id",
        (rollout_id, wave) if wave is not None else (rollout_id,),
    )
    return await cur.fetchall()


async def store_rollouts(conn: Connection, store_id: str) -> list[dict[str, Any]]:
    """The rollouts that touched a store (for its page), newest first."""
    cur = await conn.execute(
        "SELECT r.id, r.state, r.kind, r.target, r.chart_version, rs.wave, rs.state AS store_state,"
        " rs.from_value,"
        " w.commit_sha,"
        " w.revert_sha, r.created_at FROM rollout_stores rs JOIN rollouts r ON r.id = rs.rollout_id"
        " JOIN rollout_waves w ON w.rollout_id = rs.rollout_id AND w.number = rs.wave"
        " WHERE rs.store_id = %s ORDER BY r.created_at DESC LIMIT 20",
        (store_id,),
    )
    return list(await cur.fetchall())


_ROLLOUT_FIELDS = frozenset({"state", "reason", "failing", "finished_at"})
_WAVE_FIELDS = frozenset(
    {
        "state",
        "attempt",
        "commit_group",
        "commit_sha",
        "revert_group",
        "revert_sha",
        "reverted_by",
        "gate",
        "committing_at",
        "committed_at",
        "ready_at",
        "finished_at",
        "store_count",
    }
)
NOW = object()  # a field value: the database's now()


def _assignments(fields: dict[str, Any], allowed: frozenset[str]) -> tuple[str, list[Any]]:
    unknown = set(fields) - allowed
    assert not unknown, unknown
    parts, params = [], []
    for key, value in fields.items():
        if value is NOW:
            parts.append(f"{key} = now()")
            continue
        parts.append(f"{key} = %s")
        params.append(Jsonb(value) if isinstance(value, dict | list) else value)
    return ", ".join(parts), params


async def set_rollout(conn: Connection, rollout_id: str, **fields: Any) -> None:
    assignments, params = _assignments(fields, _ROLLOUT_FIELDS)
    await conn.execute(
        f"UPDATE rollouts SET {assignments}, updated_at = now() WHERE id = %s", [*params, rollout_id]
    )


async def set_wave(conn: Connection, rollout_id: str, number: int, **fields: Any) -> None:
    assignments, params = _assignments(fields, _WAVE_FIELDS)
    await conn.execute(
        f"UPDATE rollout_waves SET {assignments} WHERE rollout_id = %s AND number = %s",
        [*params, rollout_id, number],
    )


@dataclass(frozen=True, slots=True)
class StoreState:
    """A wave store's new state; `before` and `after` (the field's values) are recorded only for a
    store its wave commits ('committed'), else kept."""

    store_id: str
    state: str
    note: str | None = None
    before: FieldValue = None
    after: FieldValue = None


async def set_store_states(conn: Connection, rollout_id: str, changes: Sequence[StoreState]) -> None:
    """Many stores' states in one statement."""
    if not changes:
        return
    await conn.execute(
        "UPDATE rollout_stores rs SET state = c.state, note = c.note,"
        " from_value = CASE WHEN c.state = 'committed' THEN c.before ELSE rs.from_value END,"
        " to_value = CASE WHEN c.state = 'committed' THEN c.after ELSE rs.to_value END"
        " FROM unnest(%b::text[], %b::text[], %b::text[], %b::jsonb[], %b::jsonb[])"
        " AS c(id, state, note, before, after)"
        " WHERE rs.rollout_id = %s AND rs.store_id = c.id",
        (
            [c.store_id for c in changes],
            [c.state for c in changes],
            [c.note for c in changes],
            [_jsonb_or_null(c.before) for c in changes],
            [_jsonb_or_null(c.after) for c in changes],
            rollout_id,
        ),
    )


def _jsonb_or_null(value: FieldValue) -> Jsonb | None:
    """SQL NULL for an unset value, as `spec -> field` gives for an absent field."""
    return None if value is None else Jsonb(value)


async def reset_wave_stores(conn: Connection, rollout_id: str, wave: int) -> None:
    await conn.execute(
        "UPDATE rollout_stores SET state = 'pending', note = NULL WHERE rollout_id = %s AND wave = %s",
        (rollout_id, wave),
    )


async def group_commit(conn: Connection, group: str) -> tuple[bool, str | None]:
    """(the group is in git, the commit that put it there): every row committed by the writer, or,
    in pull-request mode, its pull request merged (the merge commit; a gate starts only then)."""
    cur = await conn.execute(
        "SELECT count(*) FILTER (WHERE o.processed_at IS NULL OR p.state = 'open') AS waiting,"
        " max(coalesce(p.merge_commit_sha, o.commit_sha)) AS sha"
        " FROM outbox o LEFT JOIN pull_requests p ON p.change_id = o.id WHERE o.commit_group = %s",
        (group,),
    )
    row = await cur.fetchone()
    assert row is not None
    return row["waiting"] == 0, row["sha"]


async def rollouts_to_drive(conn: Connection) -> list[str]:
    """Rollouts with something left to do: active ones, and stopped ones whose reverts wait for
    their commit."""
    cur = await conn.execute(
        "SELECT r.id FROM rollouts r WHERE r.state = ANY(%s) OR EXISTS (SELECT 1 FROM rollout_waves w"
        " WHERE w.rollout_id = r.id AND w.state IN (%s, %s)) ORDER BY r.created_at",
        ([s.value for s in ACTIVE], WaveState.FAILED.value, WaveState.REVERTING.value),
    )
    return [row["id"] for row in await cur.fetchall()]


async def counts_by_state(conn: Connection) -> dict[str, int]:
    cur = await conn.execute("SELECT state, count(*)::int AS n FROM rollouts GROUP BY state")
    return {row["state"]: row["n"] for row in await cur.fetchall()}
