"""A store namespace's ResourceQuota and LimitRange, read fresh for the post-install check
(`namespace_limits`): a part of `Cluster` (a mixin), kept apart so the client module stays about the
watcher's own kinds.

Read by name (the chart names both by its fullname, the store id) with a GET each, not watched: the
check is made once per install, so a cluster-wide informer of two kinds would cost more than it saves.
The platform's ClusterRole grants `get` on both in every namespace (they hold no secret), so a store
whose chart's Role predates the check can be checked too.
"""

from __future__ import annotations

from typing import Any

from kubernetes.client.exceptions import ApiException

from storefleet.reconciler_watch.namespace_limits import NamespaceLimits


class LimitObjects:
    """Needs the host class's CoreV1Api (`_core`) and its raw JSON GET."""

    _core: Any

    def _get_json(self, call: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        raise NotImplementedError  # the host class's

    def namespace_limits(self, namespace: str, name: str) -> NamespaceLimits:
        """Whether the namespace holds the ResourceQuota and the LimitRange named `name`."""
        return NamespaceLimits(
            quota=self._exists(self._core.read_namespaced_resource_quota, name, namespace),
            limit_range=self._exists(self._core.read_namespaced_limit_range, name, namespace),
        )

    def _exists(self, call: Any, name: str, namespace: str) -> bool:
        try:
            self._get_json(call, name, namespace)
        except ApiException as exc:
            if exc.status == 404:
                return False
            raise
        return True
