"""The platform's own commits of an in-place restore's later stages (docs/backups.md), asked for by the
cluster watcher when a stage's condition holds: after `clearing` (the store cleared) stage
`restoring` (the Velero Restore in the store's directory), after `restoring` (the Restore completed)
the restore done (`restore` leaves the spec; the release comes back).

Each is one transaction: the store row locked, its status and its spec's current restore and stage
checked, the lifecycle's `restore_advanced` (the store stays `restoring`, its message says what is
next) with the new spec, the outbox row, an audit row. A second request for the same stage (the
watcher seeing the same state twice, a restarted or a second watcher) finds the stage moved on and
does nothing: each stage is committed once.
"""

from __future__ import annotations

from typing import Any

from storefleet.api.core import request_context
from storefleet.api.core.actor import Actor
from storefleet.api.db.pool import Connection
from storefleet.api.domain import audit
from storefleet.api.domain import lifecycle_service as lifecycle
from storefleet.api.domain import outbox_repository as outbox
from storefleet.api.domain import stores_repository as repository
from storefleet.api.domain.lifecycle import Event, StoreStatus
from storefleet.api.domain.lifecycle_service import Occurrence
from storefleet.api.domain.store_rows import StoreRow, StoreWrites
from storefleet.renderer.spec import RestoreRequest, RestoreStage, StoreSpec

EVENT_RESTORE_ADVANCED = "store.restore_advanced"
STAGE_DONE = "done"  # the last commit's stage, in its summary: `restore` leaves the spec
MSG_RESTORING = "store cleared; restoring from backup {backup} (Velero restore {name})"
MSG_DONE = "restored from backup {backup}; bringing the store's release back"


def _next(request: RestoreRequest) -> tuple[RestoreRequest | None, str, str]:
    """(the spec's restore after the stage, the stage committed, the store's message)."""
    if request.stage is RestoreStage.CLEARING:
        message = MSG_RESTORING.format(backup=request.backup, name=request.name)
        return (
            request.model_copy(update={"stage": RestoreStage.RESTORING}),
            RestoreStage.RESTORING.value,
            message,
        )
    return None, STAGE_DONE, MSG_DONE.format(backup=request.backup)


async def advance(
    conn: Connection, store_id: str, name: str, stage: str, actor: Actor, setup_done_key: str | None = None
) -> StoreRow | None:
    """Commit the stage after `stage` of restore `name`; None (nothing written) when the store is no
    longer restoring, or its spec is no longer at that stage of that restore. With the restore done,
    `setup_done_key` (a store created from a backup) records its restored data as set up for that key:
    no setup Job runs over it, a retry's included."""
    async with conn.transaction():
        store = await repository.get_store(conn, store_id, for_update=True)
        if store is None or store.status != StoreStatus.RESTORING:
            return None
        spec = StoreSpec.model_validate(store.spec)
        request = spec.restore
        if request is None or request.name != name or request.stage.value != stage:
            return None
        after, committed, message = _next(request)
        document = {**spec.to_document(), "restore": after.model_dump(mode="json") if after else None}
        new = StoreSpec.model_validate(document)
        detail = {"restore": name, "backup": request.backup, "stage": committed}
        writes = StoreWrites(specs={store.id: (new.to_document(), new.spec_hash)})
        occurrence = Occurrence(store, Event.RESTORE_ADVANCED, message, detail=detail)
        await lifecycle.offer_with_writes(conn, [occurrence], actor, writes)
        await outbox.enqueue(
            conn, _entry(store, new, actor, {**request.model_dump(mode="json"), "stage": committed})
        )
        await audit.record(
            conn, EVENT_RESTORE_ADVANCED, actor, store_id=store.id, tenant=store.owner_id, detail=detail
        )
        if after is None and setup_done_key is not None:
            await repository.record_setup_done(conn, store.id, setup_done_key)
        return await repository.get_store(conn, store_id)


def _entry(store: StoreRow, spec: StoreSpec, actor: Actor, restore: dict[str, Any]) -> outbox.OutboxEntry:
    """An `update` like any change of the store's (the usual trailers); its summary names the stage."""
    return outbox.OutboxEntry(
        store_id=store.id,
        tenant=store.owner_id,
        action="update",
        spec=spec.to_document(),
        spec_hash=spec.spec_hash,
        request_id=request_context.current_request_id(),
        actor_id=actor.id,
        params={"actor": f"{actor.name} ({actor.id})", "actor_role": actor.role, "restore": restore},
    )
