"""The clusters a watcher can read, as the watcher needs them (SQL; the clusters slice owns the rest
of the table): how to reach each one and which applier it runs. Read by `storefleet watch` and any
process running the watcher, which may not run the clusters slice."""

from __future__ import annotations

from dataclasses import dataclass

from psycopg.rows import class_row

from storefleet.api.db.pool import Connection


@dataclass(frozen=True, slots=True)
class ClusterAccess:
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


async def watchable_clusters(conn: Connection) -> list[ClusterAccess]:
    """Every registered cluster the platform has a way to read (any state: cordoned and draining
    clusters still hold stores to watch), by name."""
    cur = conn.cursor(row_factory=class_row(ClusterAccess))
    await cur.execute(
        "SELECT id, name, applier, origin, access_kind, kubeconfig_secret_namespace, kubeconfig_secret_name,"
        " kubeconfig_secret_key, kubeconfig_path, kubeconfig_context, version"
        " FROM clusters WHERE access_kind <> 'none' ORDER BY name"
    )
    return await cur.fetchall()
