"""HTTP for a store's delete (its owner or an admin), with what it keeps: a final backup
(`keep_backup`) and, for admins, its volumes (`retain_volumes`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, status
from pydantic import Field

from storefleet.api.auth.dependencies import CurrentActor
from storefleet.api.backups import deletion
from storefleet.api.core.openapi import error_responses
from storefleet.api.core.services import services
from storefleet.api.db.dependencies import DbConnection
from storefleet.api.stores.cluster_endpoints import StoreId, store_cluster_access
from storefleet.api.stores.presenter import Presenter, render_profile
from storefleet.api.stores.schemas import StoreOut

router = APIRouter(prefix="/api/v1/stores", tags=["stores"], responses=error_responses(401, 422))


class StoreDeletion(StoreOut):
    final_backup: str | None = Field(
        default=None,
        description="The final Velero Backup the removal waits for (`keep_backup`); null: none taken",
    )
    retained_volumes: list[str] = Field(
        default_factory=list,
        description="The PersistentVolumes set to `Retain` and labelled with the store (`retain_volumes`)",
    )


_ERRORS = error_responses(
    403,
    404,
    409,
    503,
    _403="`RETAIN_VOLUMES_ADMIN_ONLY`: `retain_volumes` asked for by someone who is not an admin",
    _404="`STORE_NOT_FOUND`: no such store, or another tenant's",
    _409="`INVALID_STATE_TRANSITION`, `STATE_CONFLICT`: not allowed in the store's state; with "
    "`keep_backup=true`: `BACKUPS_DISABLED` (the platform does not back stores up), `STORE_NOT_RUNNING` "
    "(only a ready, degraded or failed store is backed up), `BACKUP_NAME_TAKEN`",
    _503="`CLUSTER_NOT_CONFIGURED`, `CLUSTER_UNAVAILABLE` (`Retry-After`), `OVERLOADED` or "
    "`VELERO_NOT_INSTALLED`: a final backup or retained volumes need the cluster",
)


@router.delete(
    "/{store_id}", status_code=status.HTTP_202_ACCEPTED, operation_id="deleteStore", responses=_ERRORS
)
async def delete_store(
    store_id: StoreId,
    request: Request,
    conn: DbConnection,
    actor: CurrentActor,
    present: Presenter,
    keep_backup: Annotated[
        bool | None,
        Query(
            description="Take a final backup, kept for `DELETED_STORE_BACKUP_TTL`, before removing the "
            "store; unset: when backups are on and the store is ready or degraded"
        ),
    ] = None,
    retain_volumes: Annotated[
        bool, Query(description="Admins: set the store's PersistentVolumes to `Retain` first")
    ] = False,
) -> StoreDeletion:
    """Ask for deletion (state `deleting`); repeating it while deleting is harmless. With a final
    backup, the removal is committed once Velero completed it; if it fails, the delete is called off
    and the store is `ready` again, with the reason. Audited (`store.final_backup_requested`,
    `store.volumes_retained`)."""
    settings = services(request).settings
    options = deletion.DeleteOptions(keep_backup=keep_backup, retain_volumes=retain_volumes)
    wants_cluster = retain_volumes or (keep_backup is not False and settings.backups_enabled)
    cluster = await store_cluster_access(request, conn, store_id) if wants_cluster else None
    store, kept = await deletion.delete_store(
        conn, cluster, actor, store_id, options, render_profile(settings), settings.deleted_store_backup_ttl
    )
    return StoreDeletion(
        **present(store).model_dump(),
        final_backup=kept.final_backup,
        retained_volumes=list(kept.retained_volumes),
    )
