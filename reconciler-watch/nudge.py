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
        self._retries_sent: set[str] = set()  # retry tokens the applier was asked to act on
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

    def retry_sent(self, token: str | None) -> bool:
        """Whether the applier was asked to act on this retry token (by this process)."""
        return token is not None and token in self._retries_sent

    def retry(self, store_id: str, token: str) -> bool:
        """Ask the applier to retry the store; remembered once it was asked (a restart asks again:
        the patch is idempotent). False when the ask did not land: it is asked again later."""
        if self._config.engine == "flux":
            stamp = {REQUESTED_AT: token, RESET_AT: token}
            asked = self._try(HELMRELEASES, store_id, store_id, {"metadata": {"annotations": stamp}})
        else:
            operation = {
                "sync": {"syncStrategy": {"hook": {}}},
                "initiatedBy": {"username": "storefleet", "automated": False},
                "info": [{"name": RETRY_INFO, "value": token}],
            }
            body = {"operation": operation}
            asked = self._try(APPLICATIONS, self._config.argocd_namespace, store_id, body)
        if asked:
            self._retries_sent.add(token)
        return asked

    def _try(self, resource: Resource, namespace: str, name: str, body: dict[str, Any]) -> bool:
        """Whether the patch landed (not when the object does not exist or the call failed)."""
        try:
            landed = self._cluster.merge_patch(resource, namespace, name, body)
        except (ApiException, HTTPError, OSError) as exc:
            log.info("could not nudge %s %s/%s: %s", resource.plural, namespace, name, exc)
            return False
        if landed:
            self.sent += 1
        return landed
