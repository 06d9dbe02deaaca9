"""Velero's objects in the cluster, as the API reads and writes them: a store's Backups (listed by
their Schedule's label, created on request) and one Backup by name. Part of `Cluster` (a mixin),
kept apart so the client module stays about the watcher's own kinds.

Synchronous, like the rest of the client; the API calls it from worker threads.
"""

from __future__ import annotations

from typing import Any

from kubernetes.client.exceptions import ApiException

VELERO_GROUP, VELERO_VERSION = "velero.io", "v1"
SCHEDULE_NAME_LABEL = "velero.io/schedule-name"


class VeleroObjects:
    """Needs the host class's CustomObjectsApi (`_custom`), its raw JSON GET and its request timeout."""

    _custom: Any
    _timeout: float

    def _get_json(self, call: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        raise NotImplementedError  # the host class's

    def velero_backups(self, namespace: str, schedule: str) -> list[dict[str, Any]] | None:
        """The Backups in the Velero namespace labelled `velero.io/schedule-name=<schedule>` (what the
        Schedule created and what was asked for from it); None when the cluster serves no Velero API."""
        try:
            body = self._get_json(
                self._custom.list_namespaced_custom_object,
                VELERO_GROUP,
                VELERO_VERSION,
                namespace,
                "backups",
                label_selector=f"{SCHEDULE_NAME_LABEL}={schedule}",
            )
        except ApiException as exc:
            if exc.status == 404:  # the namespace's list of an unserved kind: Velero is not installed
                return None
            raise
        return list(body.get("items") or [])

    def velero_backup(self, namespace: str, name: str) -> dict[str, Any] | None:
        """One Backup; None when there is none of that name."""
        try:
            return self._get_json(
                self._custom.get_namespaced_custom_object,
                VELERO_GROUP,
                VELERO_VERSION,
                namespace,
                "backups",
                name,
            )
        except ApiException as exc:
            if exc.status == 404:
                return None
            raise

    def create_velero_backup(self, namespace: str, backup: dict[str, Any]) -> bool | None:
        """Create the Backup; False when one of that name exists already, None when the cluster
        serves no Velero API there."""
        try:
            self._custom.create_namespaced_custom_object(
                VELERO_GROUP, VELERO_VERSION, namespace, "backups", backup, _request_timeout=self._timeout
            )
        except ApiException as exc:
            if exc.status == 409:
                return False
            if exc.status == 404:
                return None
            raise
        return True
