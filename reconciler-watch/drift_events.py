"""helm-controller's drift events, as the drift view reads them: a part of `Cluster` (a mixin), kept
apart so the client module stays about the watcher's own kinds.

With `driftDetection.mode: enabled` (the renderer sets it), helm-controller compares a release's
objects with the cluster on every reconciliation and records Kubernetes Events on the HelmRelease:
`DriftDetected` (Warning) with the differences, then `DriftCorrected` (Normal) or
`DriftCorrectionFailed` (Warning) once it has applied the release's state again. Its conditions keep
no trace of a corrected drift: these events are the only record. Kubernetes keeps Events for an hour
by default (the API server's `--event-ttl`), so the view shows recent drift, not all of it.
"""

from __future__ import annotations

from typing import Any

from kubernetes.client.exceptions import ApiException

FLUX_DRIFT_REASONS = ("DriftDetected", "DriftCorrected", "DriftCorrectionFailed")


class FluxDriftEvents:
    """Needs the host class's CoreV1Api (`_core`) and its raw JSON GET."""

    _core: Any

    def _get_json(self, call: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        raise NotImplementedError  # the host class's

    def flux_drift_events(self) -> list[dict[str, Any]] | None:
        """helm-controller's drift events on HelmReleases, in every namespace; None when the platform
        may not list Events (its ClusterRole lacks them)."""
        events: list[dict[str, Any]] = []
        for reason in FLUX_DRIFT_REASONS:
            try:
                body = self._get_json(
                    self._core.list_event_for_all_namespaces,
                    field_selector=f"involvedObject.kind=HelmRelease,reason={reason}",
                )
            except ApiException as exc:
                if exc.status == 403:
                    return None
                raise
            events += body.get("items") or []
        return events
