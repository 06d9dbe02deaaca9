"""A store's PersistentVolumes kept past its delete (`DELETE /stores/{id}?retain_volumes=true`,
docs/backups.md): each volume bound to a claim of the store's namespace gets the reclaim policy
`Retain` (as `kubectl patch pv <pv> -p '{"spec":{"persistentVolumeReclaimPolicy":"Retain"}}'` does)
and the store's labels, so deleting the namespace leaves it `Released`, not deleted. Part of
`Cluster` (a mixin); synchronous, the API calls it from a worker thread.
"""

from __future__ import annotations

from typing import Any

from kubernetes.client.exceptions import ApiException

RETAIN = "Retain"


class VolumeObjects:
    """Needs the host class's CoreV1Api (`_core`), its raw JSON GET and its request timeout."""

    _core: Any
    _timeout: float

    def _get_json(self, call: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        raise NotImplementedError  # the host class's

    def retain_volumes(self, namespace: str, labels: dict[str, str]) -> list[str]:
        """Patch the volumes bound to the namespace's claims to `Retain`, labelled `labels`; their
        names. A volume is the namespace's only when its `claimRef` says so, whatever a claim names."""
        claims = self._get_json(self._core.list_namespaced_persistent_volume_claim, namespace)
        retained: list[str] = []
        for claim in claims.get("items") or []:
            volume = str((claim.get("spec") or {}).get("volumeName") or "")
            if not volume or (claim.get("status") or {}).get("phase") != "Bound":
                continue
            if not self._bound_to(volume, namespace, str((claim.get("metadata") or {}).get("name"))):
                continue
            patch = {"metadata": {"labels": labels}, "spec": {"persistentVolumeReclaimPolicy": RETAIN}}
            self._core.patch_persistent_volume(volume, patch, _request_timeout=self._timeout)
            retained.append(volume)
        return sorted(retained)

    def _bound_to(self, volume: str, namespace: str, claim: str) -> bool:
        try:
            pv = self._get_json(self._core.read_persistent_volume, volume)
        except ApiException as exc:
            if exc.status == 404:
                return False
            raise
        ref = (pv.get("spec") or {}).get("claimRef") or {}
        return bool(ref.get("namespace") == namespace and ref.get("name") == claim)
