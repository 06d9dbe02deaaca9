"""The clusters a watcher can read, as the watcher needs them (SQL; the clusters slice owns the rest
of the table): how to reach each one and which applier it runs. Read by `storefleet watch` and any
process running the watcher, which may not run the clusters slice."""

from __future__ import annotations

from dataclasses import dataclass

from psycopg.rows import class_row

from storefleet.api.db.pool import Connection


@dataclass(frozen=True, slots=True)
class ClusterReach:
    id: str
    name: str
    applier: str  # flux | argocd
    origin: str  # settings | api
    access_kind: str  # in_cluster | kubeconfig_secret | kubeconfig_file
    kubeconfig_secret_namespace: str | None
    kubeconfig_secret_name: str | None
    kubeconfig_secret_key: str | None
    kubeconfig_path: str | None
    kubeconfig_context: str | None
    version: int  # a change of any of these restarts the cluster's watcher


_COLUMNS = (
    "c.id, c.name, c.applier, c.origin, c.access_kind, c.kubeconfig_secret_namespace,"
    " c.kubeconfig_secret_name, c.kubeconfig_secret_key, c.kubeconfig_path, c.kubeconfig_context, c.version"
)


async def cluster_of_store(conn: Connection, store_id: str) -> ClusterReach | None:
    """How to reach the cluster the store runs on; None for a store made before placement (or of a
    cluster removed since): the settings cluster then."""
    cur = conn.cursor(row_factory=class_row(ClusterReach))
    await cur.execute(
        f"SELECT {_COLUMNS} FROM stores s JOIN clusters c ON c.id = s.cluster_id WHERE s.id = %s", (store_id,)
    )
    return await cur.fetchone()


async def watchable_clusters(conn: Connection) -> list[ClusterReach]:
    """Every registered cluster the platform has a way to read (any state: cordoned and draining
    clusters still hold stores to watch), by name."""
    cur = conn.cursor(row_factory=class_row(ClusterReach))
    await cur.execute(f"SELECT {_COLUMNS} FROM clusters c WHERE c.access_kind <> 'none' ORDER BY c.name")
    return await cur.fetchall()


_ERROR_CHARS = 500  # a kube client's error can carry a whole response body


async def record_reach(conn: Connection, reached: list[str], unreachable: dict[str, str]) -> None:
    """What the watchers observed of their access: `reached` (cluster ids) had every watch synced;
    `unreachable` maps ids to why not. Observations: neither `version` nor `updated_at` moves, and a
    row whose access changed meanwhile is told apart by the caller's next read, not here."""
    if reached:
        await conn.execute(
            "UPDATE clusters SET access_checked = now(), access_error = NULL WHERE id = ANY(%s)", (reached,)
        )
    for cluster_id, why in sorted(unreachable.items()):
        await conn.execute(
            "UPDATE clusters SET access_error = %(why)s"
            " WHERE id = %(id)s AND access_error IS DISTINCT FROM %(why)s",
            {"id": cluster_id, "why": why[:_ERROR_CHARS]},
        )
