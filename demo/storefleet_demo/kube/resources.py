"""The resources the test Kubernetes API serves: what a real cluster with Flux or Argo CD installed has
for the kinds storefleet reads and writes, with the per-resource rules the API server applies."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

# Every resource accepts these two; the rest are per resource (as the real server's field label
# conversion functions define them). CRDs get nothing more.
BASE_FIELDS = frozenset({"metadata.name", "metadata.namespace"})
_POD_FIELDS = frozenset(
    {
        "spec.nodeName",
        "spec.restartPolicy",
        "spec.schedulerName",
        "spec.serviceAccountName",
        "spec.hostNetwork",
        "status.phase",
        "status.podIP",
        "status.nominatedNodeName",
    }
)
_EVENT_FIELDS = frozenset(
    {
        "involvedObject.kind",
        "involvedObject.namespace",
        "involvedObject.name",
        "involvedObject.uid",
        "involvedObject.apiVersion",
        "involvedObject.resourceVersion",
        "involvedObject.fieldPath",
        "reason",
        "reportingComponent",
        "source",
        "type",
    }
)


@dataclass(frozen=True)
class ResourceType:
    group: str
    version: str
    plural: str
    kind: str
    namespaced: bool = True
    # Has a status subresource: the main endpoint ignores status, /status ignores everything else,
    # and a status change never bumps metadata.generation.
    status: bool = False
    crd: bool = False
    # batch/v1 Jobs still orphan their Pods when a DELETE names no propagationPolicy.
    default_propagation: str = "Background"
    fields: frozenset[str] = field(default=frozenset())
    short_names: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return f"{self.group}/{self.version}/{self.plural}" if self.group else f"{self.version}/{self.plural}"

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def qualified(self) -> str:
        """How error messages name the resource: `pods`, `helmreleases.helm.toolkit.fluxcd.io`."""
        return f"{self.plural}.{self.group}" if self.group else self.plural

    @property
    def singular(self) -> str:
        return self.kind.lower()

    @property
    def field_labels(self) -> frozenset[str]:
        return BASE_FIELDS | self.fields

    @property
    def subresources(self) -> tuple[str, ...]:
        # (namespaces/finalize is not served: nothing in storefleet calls it)
        extra = ("log",) if not self.group and self.plural == "pods" else ()
        return (("status",) if self.status else ()) + extra


BUILTIN: tuple[ResourceType, ...] = (
    ResourceType(
        "", "v1", "namespaces", "Namespace", namespaced=False, status=True, fields=frozenset({"status.phase"})
    ),
    ResourceType("", "v1", "secrets", "Secret", fields=frozenset({"type"})),
    ResourceType("", "v1", "configmaps", "ConfigMap", short_names=("cm",)),
    ResourceType("", "v1", "pods", "Pod", status=True, fields=_POD_FIELDS, short_names=("po",)),
    ResourceType("", "v1", "persistentvolumeclaims", "PersistentVolumeClaim", status=True),
    ResourceType(
        "", "v1", "persistentvolumes", "PersistentVolume", namespaced=False, status=True, short_names=("pv",)
    ),
    ResourceType("", "v1", "services", "Service", status=True, short_names=("svc",)),
    ResourceType("", "v1", "serviceaccounts", "ServiceAccount", short_names=("sa",)),
    ResourceType("", "v1", "events", "Event", fields=_EVENT_FIELDS, short_names=("ev",)),
    ResourceType("", "v1", "resourcequotas", "ResourceQuota", status=True, short_names=("quota",)),
    ResourceType("", "v1", "limitranges", "LimitRange", short_names=("limits",)),
    ResourceType("apps", "v1", "deployments", "Deployment", status=True, short_names=("deploy",)),
    ResourceType("apps", "v1", "statefulsets", "StatefulSet", status=True, short_names=("sts",)),
    ResourceType(
        "batch",
        "v1",
        "jobs",
        "Job",
        status=True,
        default_propagation="Orphan",
        fields=frozenset({"status.successful"}),
    ),
    ResourceType("networking.k8s.io", "v1", "ingresses", "Ingress", status=True, short_names=("ing",)),
    ResourceType("helm.toolkit.fluxcd.io", "v2", "helmreleases", "HelmRelease", status=True, crd=True),
    ResourceType(
        "kustomize.toolkit.fluxcd.io", "v1", "kustomizations", "Kustomization", status=True, crd=True
    ),
    ResourceType("source.toolkit.fluxcd.io", "v1", "gitrepositories", "GitRepository", status=True, crd=True),
    # Argo CD's CRDs declare no status subresource (subresources: {}): the controller writes status
    # through the main endpoint, and every status change bumps metadata.generation.
    ResourceType("argoproj.io", "v1alpha1", "applications", "Application", crd=True),
    ResourceType("argoproj.io", "v1alpha1", "appprojects", "AppProject", crd=True),
)


class Registry:
    """Resources by path (group, version, plural) and by manifest (apiVersion, kind)."""

    def __init__(self, types: Iterable[ResourceType] = BUILTIN) -> None:
        self._by_path: dict[tuple[str, str, str], ResourceType] = {}
        self._by_kind: dict[tuple[str, str], ResourceType] = {}
        for rt in types:
            self.add(rt)

    def add(self, rt: ResourceType) -> None:
        self._by_path[(rt.group, rt.version, rt.plural)] = rt
        self._by_kind[(rt.api_version, rt.kind)] = rt

    def find(self, group: str, version: str, plural: str) -> ResourceType | None:
        return self._by_path.get((group, version, plural))

    def for_kind(self, api_version: str, kind: str) -> ResourceType | None:
        return self._by_kind.get((api_version, kind))

    def __iter__(self) -> Iterator[ResourceType]:
        return iter(self._by_path.values())

    def group_versions(self) -> dict[str, list[str]]:
        """Named groups (not the core group) and their versions, for /apis."""
        groups: dict[str, list[str]] = {}
        for rt in self:
            if rt.group and rt.version not in groups.setdefault(rt.group, []):
                groups[rt.group].append(rt.version)
        return groups
