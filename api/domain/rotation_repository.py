"""All SQL touching a store's admin-password rotation (the `rotation_*` columns of `stores`). Every
write checks the state it expects (optimistic locking); called by `rotation_service` only."""

from __future__ import annotations

from psycopg.rows import kwargs_row

from storefleet.api.db.pool import Connection
from storefleet.api.domain.credentials_rotation import (
    ROTATION_COLUMNS,
    CredentialsRotation,
    DueRotation,
    RotationState,
    due_rotation,
    rotation_from_columns,
)
from storefleet.api.domain.store_rows import scope_filter

_IN_PROGRESS = [RotationState.REQUESTED.value, RotationState.RUNNING.value]
_FINISHED = [RotationState.DONE.value, RotationState.FAILED.value]


def _rotation(**columns: object) -> CredentialsRotation | None:
    return rotation_from_columns(dict(columns))


_ROTATION = kwargs_row(_rotation)
_DUE = kwargs_row(due_rotation)


async def request_rotation(
    conn: Connection, store_id: str, requested_by: str, request_id: str | None, message: str
) -> CredentialsRotation | None:
    """A new rotation (the store's next number), unless one is in progress: None then."""
    cur = conn.cursor(row_factory=_ROTATION)
    await cur.execute(
        "UPDATE stores SET rotation_generation = rotation_generation + 1, rotation_state = 'requested',"
        " rotation_requested_at = now(), rotation_requested_by = %s, rotation_request_id = %s,"
        " rotation_changed_at = now(), rotation_message = %s, updated_at = now()"
        " WHERE id = %s AND (rotation_state IS NULL OR rotation_state = ANY(%s))"
        f" RETURNING {ROTATION_COLUMNS}",
        (requested_by, request_id, message, store_id, _FINISHED),
    )
    return await cur.fetchone()


async def move_rotation(
    conn: Connection,
    store_id: str,
    generation: int,
    expected: RotationState,
    target: RotationState,
    message: str | None,
) -> CredentialsRotation | None:
    """Rotation `generation` from `expected` to `target`; None when it is no longer there (a later
    rotation, or another move came first)."""
    cur = conn.cursor(row_factory=_ROTATION)
    await cur.execute(
        "UPDATE stores SET rotation_state = %s, rotation_changed_at = now(), rotation_message = %s,"
        " updated_at = now() WHERE id = %s AND rotation_generation = %s AND rotation_state = %s"
        f" RETURNING {ROTATION_COLUMNS}",
        (target.value, message, store_id, generation, expected.value),
    )
    return await cur.fetchone()


async def rotations_due(
    conn: Connection, store_ids: list[str] | None = None, scope: str | None = None
) -> list[DueRotation]:
    """The rotations requested or running (of `store_ids` only, when given; of the stores of one
    cluster's watcher, `scope`), with their stores."""
    only = (" AND s.id = ANY(%(ids)s)" if store_ids is not None else "") + scope_filter(scope)
    cur = conn.cursor(row_factory=_DUE)
    await cur.execute(
        "SELECT s.id, s.owner_id, s.engine, s.status, s.spec->'restored_from'->>'instance' AS instance,"
        f" {ROTATION_COLUMNS} FROM stores s"
        f" WHERE s.rotation_state = ANY(%(states)s){only} ORDER BY s.id",
        {"states": _IN_PROGRESS, "ids": store_ids, "scope": scope},
    )
    return await cur.fetchall()
