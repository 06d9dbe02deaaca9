"""HTTP for a store's backups (its owner or an admin): the Velero Backups the cluster holds for it,
and one more now."""

from __future__ import annotations

from fastapi import APIRouter, Request, status
from pydantic import BaseModel, Field

from storefleet.api.auth.dependencies import CurrentActor
from storefleet.api.backups import service
from storefleet.api.backups.schemas import BackupList, BackupOut
from storefleet.api.core.openapi import error_responses
from storefleet.api.core.services import services
from storefleet.api.db.dependencies import DbConnection
from storefleet.api.stores.cluster_endpoints import StoreId, store_cluster_access
from storefleet.api.stores.presenter import Presenter, render_profile
from storefleet.api.stores.schemas import StoreOut
from storefleet.renderer.profile import RenderProfile

router = APIRouter(prefix="/api/v1/stores", tags=["backups"], responses=error_responses(401, 422))

_ERRORS = error_responses(
    404,
    409,
    503,
    _404="`STORE_NOT_FOUND`: no such store, or another tenant's",
    _409="`BACKUPS_DISABLED`: the platform does not back stores up (`BACKUPS_ENABLED`)",
    _503="`CLUSTER_NOT_CONFIGURED`, `CLUSTER_UNAVAILABLE` (`Retry-After`), `OVERLOADED` "
    "(`Retry-After`) or `VELERO_NOT_INSTALLED`: the cluster serves no Velero API",
)


def _profile(request: Request) -> RenderProfile:
    return render_profile(services(request).settings)


_READ_ERRORS = error_responses(
    404,
    503,
    _404="`STORE_NOT_FOUND`: no such store, or another tenant's",
    _503="`CLUSTER_NOT_CONFIGURED`, `CLUSTER_UNAVAILABLE` (`Retry-After`), `OVERLOADED` "
    "(`Retry-After`) or `VELERO_NOT_INSTALLED`: the cluster serves no Velero API",
)


@router.get("/{store_id}/backups", operation_id="listStoreBackups", responses=_READ_ERRORS)
async def list_backups(
    store_id: StoreId, request: Request, conn: DbConnection, actor: CurrentActor
) -> BackupList:
    """The store's Velero Backups, newest first: those its Schedule made and those asked for on
    demand, with Velero's phase, times, progress, errors and warnings, as the cluster reports them.
    With backups off for the platform: `enabled` false and no backups (the cluster is not read)."""
    return await service.list_backups(
        conn, await store_cluster_access(request, conn, store_id), actor, store_id, _profile(request)
    )


@router.post(
    "/{store_id}/backups",
    status_code=status.HTTP_202_ACCEPTED,
    operation_id="createStoreBackup",
    responses=_ERRORS
    | error_responses(
        409,
        _409="`BACKUPS_DISABLED`; `STORE_NOT_RUNNING`: only a ready or degraded store is backed up; "
        "`BACKUP_NAME_TAKEN`: too many requests in one second",
    ),
)
async def create_backup(
    store_id: StoreId, request: Request, conn: DbConnection, actor: CurrentActor
) -> BackupOut:
    """Back the store up now: a Velero Backup made from the store's Schedule template (what `velero
    backup create --from-schedule` does), created in the cluster, not committed to git. Answers with
    its row (phase `New`); list the backups to follow it. Audited as `store.backup_requested`."""
    return await service.request_backup(
        conn, await store_cluster_access(request, conn, store_id), actor, store_id, _profile(request)
    )


class RestoreBody(BaseModel):
    backup: str = Field(
        max_length=63,
        pattern=r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$",
        description="One of the store's Completed backups (a name from `GET /stores/{id}/backups`)",
    )


@router.post(
    "/{store_id}/restores",
    status_code=status.HTTP_202_ACCEPTED,
    operation_id="restoreStore",
    responses=_ERRORS
    | error_responses(
        404,
        409,
        _404="`STORE_NOT_FOUND`; `BACKUP_NOT_FOUND`: no such backup of this store (another store's "
        "backup included)",
        _409="`BACKUPS_DISABLED`; `STORE_NOT_RESTORABLE`: only a ready, degraded or failed store is "
        "restored; `BACKUP_NOT_COMPLETED`: the backup is not Completed; `STATE_CONFLICT`",
    ),
)
async def restore_store(
    store_id: StoreId,
    body: RestoreBody,
    request: Request,
    conn: DbConnection,
    actor: CurrentActor,
    present: Presenter,
) -> StoreOut:
    """Restore the store in place from one of its backups: `202`, status `restoring`. The platform
    commits three changes to the store's directory: its release left out (the applier uninstalls
    it and its volumes), then the Velero Restore, then the release back over the restored data.
    Audited as `store.restore_requested`."""
    store = await service.request_restore(
        conn,
        await store_cluster_access(request, conn, store_id),
        actor,
        store_id,
        body.backup,
        _profile(request),
    )
    return present(store)
