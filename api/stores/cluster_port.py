"""What the store endpoints need from a Kubernetes cluster client, said by the API itself.

The client the composition root builds from the kubeconfig (the watcher's `Cluster`) fits these
shapes without naming them, so the stores slice never imports the watcher or the kubernetes client.
The members are read-only properties: a frozen dataclass's fields satisfy them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol


class SecretLookup(Protocol):
    """One key of a Secret: `exists` is False when the Secret is absent, `value` None when the key is."""

    @property
    def exists(self) -> bool: ...

    @property
    def value(self) -> str | None: ...


class NamespaceContents(Protocol):
    """A namespace (None when it does not exist) and its objects by kind, as plain JSON; `forbidden`
    names the kinds the client may not list there."""

    @property
    def namespace(self) -> Mapping[str, Any] | None: ...

    @property
    def objects(self) -> Mapping[str, Sequence[Mapping[str, Any]]]: ...

    @property
    def forbidden(self) -> Sequence[str]: ...


class StoreCluster(Protocol):
    """Synchronous reads of one store's objects (callers run them in worker threads)."""

    def read_secret_value(self, namespace: str, name: str, key: str) -> SecretLookup: ...

    def namespace_objects(self, namespace: str) -> NamespaceContents: ...

    def pod_metrics(self, namespace: str) -> Sequence[Mapping[str, Any]] | None:
        """The namespace's PodMetrics (metrics.k8s.io); None when the cluster serves no metrics API."""
        ...

    def storefleet_objects(
        self, gitops_engine: str, argocd_namespace: str
    ) -> Mapping[str, Sequence[Mapping[str, Any]]]:
        """Every object labelled `storefleet.io/store`: the applier's (`appliers`: HelmReleases, or
        the Applications in `argocd_namespace`) and the store namespaces (`namespaces`)."""
        ...

    def flux_drift_events(self) -> Sequence[Mapping[str, Any]] | None:
        """helm-controller's `DriftDetected`, `DriftCorrected` and `DriftCorrectionFailed` Events on
        HelmReleases, in every namespace; None when the platform may not list Events."""
        ...

    def velero_backups(self, namespace: str, schedule: str) -> Sequence[Mapping[str, Any]] | None:
        """Velero's Backups in `namespace` labelled `velero.io/schedule-name=<schedule>`; None when
        the cluster serves no Velero API."""
        ...

    def velero_backup(self, namespace: str, name: str) -> Mapping[str, Any] | None:
        """One Velero Backup; None when there is none of that name."""
        ...

    def create_velero_backup(self, namespace: str, backup: dict[str, Any]) -> bool | None:
        """Create a Velero Backup; False when one of that name exists already, None when the
        cluster serves no Velero API there."""
        ...

    def retain_volumes(self, namespace: str, labels: dict[str, str]) -> Sequence[str]:
        """Set `Retain` on the PersistentVolumes bound to the namespace's claims, labelled `labels`;
        their names."""
        ...
