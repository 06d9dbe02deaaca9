"""Asking the applier to look now instead of at its next interval, and to retry after a failure.

Flux: `reconcile.fluxcd.io/requestedAt` on the GitRepository and the tenants Kustomization (what
`flux reconcile source git` / `flux reconcile kustomization` set); a retry adds `resetAt` with the
same token on the HelmRelease (`flux reconcile helmrelease --reset`), which clears its failure count.
Argo CD: `argocd.argoproj.io/refresh: normal` on the Applications; a retry starts a sync operation.
Best effort: a failed nudge only costs time (the appliers poll on their own).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from kubernetes.client.exceptions import ApiException
from urllib3.exceptions import HTTPError

from storefleet.reconciler_watch.cluster import APPLICATIONS, HELMRELEASES, Cluster, Resource, kustomizations
from storefleet.reconciler_watch.observed import RETRY_INFO

if TYPE_CHECKING:
    from storefleet.reconciler_watch.decide import StoreView
    from storefleet.reconciler_watch.watcher import WatcherConfig

log = logging.getLogger(__name__)
REQUESTED_AT = "reconcile.fluxcd.io/requestedAt"
RESET_AT = "reconcile.fluxcd.io/resetAt"
ARGO_REFRESH = "argocd.argoproj.io/refresh"
GIT_REPOSITORIES = Resource("source.toolkit.fluxcd.io", "v1", "gitrepositories")


def token() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class Nudger:
    def __init__(self, cluster: Cluster, config: WatcherConfig) -> None:
        self._cluster = cluster
        self._config = config
        self._retries_sent: set[str] = set()
        self.sent = 0

    def fleet_changed(self) -> None:
        if self._config.engine == "flux":
            ns, stamp = self._config.flux_namespace, {REQUESTED_AT: token()}
            self._try(GIT_REPOSITORIES, ns, self._config.flux_source, {"metadata": {"annotations": stamp}})
            self._try(
                kustomizations(ns), ns, self._config.flux_kustomization, {"metadata": {"annotations": stamp}}
            )
        else:
            body = {"metadata": {"annotations": {ARGO_REFRESH: "normal"}}}
            self._try(APPLICATIONS, self._config.argocd_namespace, "storefleet-tenants", body)

    def retry(self, row: dict[str, Any], view: StoreView) -> None:
        """Ask once per retry token (a restart asks again: the patch is idempotent)."""
        if view.retry_token is None or view.retry_token in self._retries_sent:
            return
        self._retries_sent.add(view.retry_token)
        store_id = row["id"]
        if self._config.engine == "flux":
            stamp = {REQUESTED_AT: view.retry_token, RESET_AT: view.retry_token}
            self._try(HELMRELEASES, store_id, store_id, {"metadata": {"annotations": stamp}})
        else:
            operation = {
                "sync": {"syncStrategy": {"hook": {}}},
                "initiatedBy": {"username": "storefleet", "automated": False},
                "info": [{"name": RETRY_INFO, "value": view.retry_token}],
            }
            self._try(APPLICATIONS, self._config.argocd_namespace, store_id, {"operation": operation})

    def _try(self, resource: Resource, namespace: str, name: str, body: dict[str, Any]) -> None:
        try:
            if self._cluster.merge_patch(resource, namespace, name, body):
                self.sent += 1
        except (ApiException, HTTPError, OSError) as exc:
            log.info("could not nudge %s %s/%s: %s", resource.plural, namespace, name, exc)
