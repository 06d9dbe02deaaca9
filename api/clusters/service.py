"""Use cases of clusters: register, read, change and remove one (admins), and keep the row of the
cluster the platform's settings name.

Every change runs in one transaction that holds the cluster's row lock, so two admins' changes are
applied one after the other, each to the row as the other left it: a PATCH changes only the fields
it gives (labels key by key), and a PATCH that names a version in `If-Match` is refused with
`CLUSTER_CHANGED` when the row has moved on since.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from decimal import Decimal
from typing import Any

from psycopg import errors as pg_errors

from storefleet.api.clusters import repository
from storefleet.api.clusters.capacity import Limits, headroom, use_of
from storefleet.api.clusters.repository import ClusterRow
from storefleet.api.clusters.schemas import (
    MAX_LABELS,
    Access,
    AccessOut,
    Capacity,
    ClusterOut,
    CreateClusterRequest,
    Headroom,
    KubeconfigFileAccess,
    KubeconfigSecretAccess,
    Reserved,
    UpdateClusterRequest,
)
from storefleet.api.core.actor import Actor
from storefleet.api.core.errors import Conflict, NotFound, ValidationFailed
from storefleet.api.core.ids import new_id
from storefleet.api.db.pool import Connection
from storefleet.api.domain import audit
from storefleet.api.settings import Settings
from storefleet.renderer.manifests import fleet_root

log = logging.getLogger(__name__)

SETTINGS = "settings"
ACCESS_COLUMNS = (
    "access_kind", "kubeconfig_secret_namespace", "kubeconfig_secret_name", "kubeconfig_secret_key",
    "kubeconfig_path", "kubeconfig_context",
)  # fmt: skip
_CAPACITY_COLUMNS = ("max_stores", "max_cpu_cores", "max_memory_gib")
# what the settings own on the settings cluster (an admin owns the rest: region, labels, capacity, state)
_SETTINGS_OWNED = ("name", "applier", *ACCESS_COLUMNS)


class ClusterNotFound(NotFound):
    code = "CLUSTER_NOT_FOUND"


class ClusterExists(Conflict):
    code = "CLUSTER_EXISTS"


class ClusterFromSettings(Conflict):
    code = "CLUSTER_FROM_SETTINGS"


class ClusterHasStores(Conflict):
    code = "CLUSTER_HAS_STORES"


class ClusterChanged(Conflict):
    code = "CLUSTER_CHANGED"


def new_cluster_id() -> str:
    return new_id("cl")


# ---- reads ---------------------------------------------------------------------------------------


async def list_clusters(conn: Connection) -> list[ClusterOut]:
    rows = await repository.list_all(conn)
    per_plan: dict[str, dict[str, int]] = defaultdict(dict)
    for count in await repository.live_stores_by_plan(conn):
        per_plan[count.cluster_id][count.plan] = count.stores
    return [present(row, per_plan.get(row.id, {})) for row in rows]


async def get_cluster(conn: Connection, name: str) -> ClusterOut:
    row = await _existing(conn, name)
    return await present_one(conn, row)


async def present_one(conn: Connection, row: ClusterRow) -> ClusterOut:
    counts = await repository.live_stores_by_plan(conn, [row.id])
    return present(row, {count.plan: count.stores for count in counts})


def present(row: ClusterRow, stores_per_plan: dict[str, int]) -> ClusterOut:
    limits = Limits(row.max_stores, _float(row.max_cpu_cores), _float(row.max_memory_gib))
    use = use_of(stores_per_plan)
    room = headroom(limits, use)
    return ClusterOut(
        id=row.id,
        name=row.name,
        region=row.region,
        labels=row.labels,
        capacity=Capacity(
            max_stores=limits.max_stores,
            max_cpu_cores=limits.max_cpu_cores,
            max_memory_gib=limits.max_memory_gib,
        ),
        applier=row.applier,
        access=AccessOut(
            kind=row.access_kind,
            namespace=row.kubeconfig_secret_namespace,
            name=row.kubeconfig_secret_name,
            key=row.kubeconfig_secret_key,
            path=row.kubeconfig_path,
            context=row.kubeconfig_context,
        ),
        access_checked=row.access_checked,
        access_error=row.access_error,
        state=row.state,
        origin=row.origin,
        fleet_root=fleet_root(None if row.home else row.name),
        stores=use.stores,
        reserved=Reserved(cpu_cores=use.cpu_cores, memory_gib=use.memory_gib),
        headroom=Headroom(stores=room.stores, cpu_cores=room.cpu_cores, memory_gib=room.memory_gib),
        version=row.version,
        created_by=row.created_by,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


# ---- changes -------------------------------------------------------------------------------------


async def create_cluster(conn: Connection, req: CreateClusterRequest, actor: Actor) -> ClusterRow:
    values: dict[str, Any] = {
        "name": req.name,
        "region": req.region,
        "labels": dict(req.labels),
        **_capacity_columns(req.capacity, _CAPACITY_COLUMNS),
        "applier": req.applier,
        **access_columns(req.access),
        "state": req.state,
    }
    try:
        async with conn.transaction():
            row = await repository.insert(conn, new_cluster_id(), actor.name, values)
            await audit.record(conn, "cluster.created", actor, after=_public(row), detail=_subject(row))
    except pg_errors.UniqueViolation as exc:
        if exc.diag.constraint_name != repository.CLUSTER_NAME_CONSTRAINT:
            raise
        raise ClusterExists(f"A cluster named '{req.name}' exists already.") from exc
    return row


async def update_cluster(
    conn: Connection, name: str, req: UpdateClusterRequest, actor: Actor, *, if_match: int | None
) -> ClusterRow:
    async with conn.transaction():
        row = await _existing(conn, name, for_update=True)
        if if_match is not None and row.version != if_match:
            raise ClusterChanged(
                f"Cluster '{name}' changed since version {if_match}: read it again and repeat the change.",
                details={"version": row.version},
            )
        changed = {k: v for k, v in _requested(row, req).items() if _value(row, k) != v}
        await _check_change(conn, row, changed)
        if not changed:
            return row
        updated = await repository.update(conn, row.id, changed)
        before = {k: _value(row, k) for k in changed}
        after = {k: _value(updated, k) for k in changed}
        await audit.record(conn, "cluster.updated", actor, before=before, after=after, detail=_subject(row))
        return updated


def _requested(row: ClusterRow, req: UpdateClusterRequest) -> dict[str, Any]:
    given = req.model_fields_set
    values: dict[str, Any] = {}
    if "region" in given:
        values["region"] = req.region
    if "labels" in given:
        values["labels"] = _merged_labels(row.labels, req.labels)
    if "capacity" in given:
        capacity = req.capacity or Capacity()
        values |= _capacity_columns(
            capacity, capacity.model_fields_set if req.capacity else _CAPACITY_COLUMNS
        )
    if req.applier is not None:
        values["applier"] = req.applier
    if req.access is not None:
        values |= access_columns(req.access)
    if req.state is not None:
        values["state"] = req.state
    return values


def _merged_labels(current: dict[str, str], patch: dict[str, str | None] | None) -> dict[str, str]:
    """`null` clears every label; otherwise each key is set, or removed by a null value."""
    if patch is None:
        return {}
    merged = dict(current)
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    if len(merged) > MAX_LABELS:
        raise ValidationFailed(
            f"labels: a cluster has at most {MAX_LABELS} labels ({len(merged)} after this change)."
        )
    return dict(sorted(merged.items()))


async def _check_change(conn: Connection, row: ClusterRow, changed: dict[str, Any]) -> None:
    owned = sorted(k for k in changed if k in _SETTINGS_OWNED)
    if owned and row.origin == SETTINGS:
        raise ClusterFromSettings(
            f"Cluster '{row.name}' comes from the platform's settings, which own its applier and access "
            "(GITOPS_ENGINE, KUBECONFIG / KUBE_IN_CLUSTER / KUBE_CONTEXT): change them there.",
            details={"fields": owned},
        )
    if "applier" in changed:
        stores = await _store_count(conn, row)
        if stores:
            raise ClusterHasStores(
                f"Cluster '{row.name}' holds {stores} store(s) applied by {row.applier}: its applier changes "
                "only once it holds none.",
                details={"stores": stores},
            )


async def delete_cluster(conn: Connection, name: str, actor: Actor) -> None:
    async with conn.transaction():
        row = await _existing(conn, name, for_update=True)
        if row.origin == SETTINGS:
            raise ClusterFromSettings(
                f"Cluster '{name}' is the one the platform's settings name (CLUSTER_NAME): "
                "it cannot be removed."
            )
        stores = await _store_count(conn, row)
        if stores:
            raise ClusterHasStores(
                f"Cluster '{name}' still holds {stores} store(s): move or delete them first.",
                details={"stores": stores},
            )
        await repository.delete(conn, row.id)
        await audit.record(conn, "cluster.deleted", actor, before=_public(row), detail=_subject(row))


# ---- the cluster the settings name ---------------------------------------------------------------


def settings_columns(settings: Settings) -> dict[str, Any]:
    """The settings cluster's name, applier and access, as the settings give them (the watcher reads
    the same: the in-cluster service account first, else KUBECONFIG with KUBE_CONTEXT)."""
    access: dict[str, Any] = dict.fromkeys(ACCESS_COLUMNS)
    if settings.kube_in_cluster:
        access["access_kind"] = "in_cluster"
    elif settings.kubeconfig is not None:
        access |= {
            "access_kind": "kubeconfig_file",
            "kubeconfig_path": str(settings.kubeconfig.absolute()),
            "kubeconfig_context": settings.kube_context,
        }
    else:
        access["access_kind"] = "none"
    return {"name": settings.cluster_name, "applier": settings.gitops_engine, **access}


async def ensure_settings_cluster(conn: Connection, settings: Settings) -> ClusterRow:
    """Make sure the cluster the settings name has its row, at start-up, once per replica (under an
    advisory lock, so replicas starting together make one row).

    The settings own its name, applier and access, set from them whenever they differ; an admin owns
    the rest (region, labels, capacity, state), never overwritten here. When CLUSTER_NAME changes, the
    settings name another cluster: the former one stays, as an ordinary cluster (origin `api`), and a
    cluster of the new name registered through the API becomes the settings cluster."""
    wanted = settings_columns(settings)
    actor = Actor.system(SETTINGS)
    async with conn.transaction():
        await repository.lock_settings_cluster(conn)
        current = await repository.get_from_settings(conn, for_update=True)
        if current is not None and current.name != wanted["name"]:
            log.warning(
                "CLUSTER_NAME is now %s: %s is no longer the settings cluster", wanted["name"], current.name
            )
            await _update_from_settings(conn, current, {"origin": "api"}, actor)
            current = None
        target = current or await repository.get_by_name(conn, wanted["name"], for_update=True)
        if target is None:
            row = await repository.insert(conn, new_cluster_id(), actor.name, {**wanted, "origin": SETTINGS})
            await audit.record(conn, "cluster.created", actor, after=_public(row), detail=_subject(row))
        else:
            changes = {k: v for k, v in {**wanted, "origin": SETTINGS}.items() if _value(target, k) != v}
            row = await _update_from_settings(conn, target, changes, actor) if changes else target
        await repository.claim_home(conn, row.id)
        return await repository.get_by_name(conn, row.name) or row


async def _update_from_settings(
    conn: Connection, row: ClusterRow, changes: dict[str, Any], actor: Actor
) -> ClusterRow:
    updated = await repository.update(conn, row.id, changes)
    before = {k: _value(row, k) for k in changes}
    after = {k: _value(updated, k) for k in changes}
    await audit.record(conn, "cluster.updated", actor, before=before, after=after, detail=_subject(row))
    return updated


# ---- helpers -------------------------------------------------------------------------------------


async def _existing(conn: Connection, name: str, *, for_update: bool = False) -> ClusterRow:
    row = await repository.get_by_name(conn, name, for_update=for_update)
    if row is None:
        raise ClusterNotFound(f"No cluster '{name[:63]}'.")
    return row


async def _store_count(conn: Connection, row: ClusterRow) -> int:
    return sum(count.stores for count in await repository.live_stores_by_plan(conn, [row.id]))


def access_columns(access: Access) -> dict[str, Any]:
    columns: dict[str, Any] = dict.fromkeys(ACCESS_COLUMNS)
    columns["access_kind"] = access.kind
    if isinstance(access, KubeconfigSecretAccess):
        columns |= {
            "kubeconfig_secret_namespace": access.namespace,
            "kubeconfig_secret_name": access.name,
            "kubeconfig_secret_key": access.key,
            "kubeconfig_context": access.context,
        }
    elif isinstance(access, KubeconfigFileAccess):
        columns |= {"kubeconfig_path": access.path, "kubeconfig_context": access.context}
    return columns


def _capacity_columns(capacity: Capacity, names: Any) -> dict[str, Any]:
    return {name: getattr(capacity, name) for name in _CAPACITY_COLUMNS if name in names}


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _value(row: ClusterRow, column: str) -> Any:
    """A column's value as JSON holds it (numbers as floats), to compare and to audit."""
    value = getattr(row, column)
    return float(value) if isinstance(value, Decimal) else value


_PUBLIC = ("name", "region", "labels", *_CAPACITY_COLUMNS, "applier", *ACCESS_COLUMNS, "state", "origin")


def _public(row: ClusterRow) -> dict[str, Any]:
    return {column: _value(row, column) for column in _PUBLIC}


def _subject(row: ClusterRow) -> dict[str, Any]:
    return {"cluster_id": row.id, "cluster": row.name}
