"""StoreSpec -> the files of one store directory in the fleet repo, as exact bytes (pure).

`render_store` is deterministic: an identical spec and profile always give identical bytes, so an
identical re-render makes no commit. `parse_store_yaml` is the inverse of the store.yaml rendering.
"""

from __future__ import annotations

import functools
from typing import Any

from pydantic import ValidationError
from ruamel.yaml.error import YAMLError

from storefleet.renderer import argocd, flux, velero, yamlio
from storefleet.renderer.names import (
    DNS_LABEL_MAX,
    LABEL_ENGINE,
    LABEL_MANAGED_BY,
    LABEL_STORE,
    LABEL_TENANT,
    MANAGED_BY,
    is_dns_label,
    is_dns_subdomain,
)
from storefleet.renderer.profile import GitOpsEngine, RenderProfile
from storefleet.renderer.spec import RestoreStage, StoreSpec, document_hash
from storefleet.renderer.values import chart_values

TENANTS_DIR = "tenants"
CLUSTERS_DIR = "clusters"
STORE_FILE = "store.yaml"
NAMESPACE_FILE = "namespace.yaml"
HELMRELEASE_FILE = "helmrelease.yaml"
APPLICATION_FILE = "application.yaml"
KUSTOMIZATION_FILE = "kustomization.yaml"
SCHEDULE_FILE = "schedule.yaml"  # the Velero Schedule (BACKUPS_ENABLED)
RESTORE_FILE = "restore.yaml"  # a Velero Restore the store declares (StoreSpec.restore)

ANNOTATION_STORE_NAME = "storefleet.io/store-name"
ANNOTATION_CHART_VERSION = "storefleet.io/chart-version"
# The spec the applier object was rendered from: the watcher reads readiness only from an object that
# carries the store's current hash, never by joining it with another kind's status.
ANNOTATION_SPEC_HASH = "storefleet.io/spec-hash"

STORE_HEADER = (
    "storefleet StoreSpec: the platform's desired state for this store. Not a Kubernetes object:\n"
    "Flux and Argo CD never apply it. Change stores through the storefleet API (or a reviewed PR)."
)
# Restricted is too tight for WordPress images; baseline still forbids privileged and host access.
POD_SECURITY = {"pod-security.kubernetes.io/enforce": "baseline"}
_ID_PREFIX = "st-"


class RenderError(ValueError):
    """The spec or profile cannot be rendered into valid manifests."""


class StoreYamlError(ValueError):
    """store.yaml is not a valid StoreSpec document."""


def _check_identity(spec: StoreSpec) -> None:
    # The ids become a namespace, label values and path segments: all need DNS-1123 labels.
    for field in ("store_id", "tenant", "name"):
        value = getattr(spec, field)
        if not is_dns_label(value):
            raise RenderError(f"{field} {value!r} is not a DNS-1123 label")


def fleet_root(cluster: str | None) -> str:
    """Where a cluster's stores are: `tenants` for the home cluster (None; the single-cluster layout),
    `clusters/<cluster>/tenants` for every other one (its applier syncs that path)."""
    return TENANTS_DIR if cluster is None else f"{CLUSTERS_DIR}/{cluster}/{TENANTS_DIR}"


def store_dir(spec: StoreSpec) -> str:
    """The store's directory in the fleet repo: `<fleet root of its cluster>/<tenant>/<store_id>`."""
    _check_identity(spec)
    return f"{fleet_root(spec.cluster)}/{spec.tenant}/{spec.store_id}"


def parse_store_dir(path: str) -> tuple[str | None, str, str] | None:
    """(cluster or None for the home root, tenant, store id) of a path inside a store directory."""
    parts = path.split("/")
    if len(parts) >= 4 and parts[0] == TENANTS_DIR:
        return None, parts[1], parts[2]
    if len(parts) >= 6 and parts[0] == CLUSTERS_DIR and parts[2] == TENANTS_DIR:
        return parts[1], parts[3], parts[4]
    return None


def store_host(spec: StoreSpec, profile: RenderProfile) -> str:
    """`<name>-<id suffix>.<domain>`: unique across tenants (names are unique only per owner, the id
    suffix is unique), still readable, and the first label is cut to 63 characters by shortening the
    name, never the id suffix."""
    _check_identity(spec)
    suffix = spec.store_id.removeprefix(_ID_PREFIX)
    room = DNS_LABEL_MAX - len(suffix) - 1
    name = spec.name[:room].rstrip("-") if room > 0 else ""
    host = f"{name}-{suffix}.{profile.domain}" if name else f"{suffix}.{profile.domain}"
    if not is_dns_subdomain(host):
        raise RenderError(f"host {host!r} is not a valid DNS name (domain {profile.domain!r} too long?)")
    return host


def store_url(spec: StoreSpec, profile: RenderProfile) -> str:
    scheme = "https" if profile.resolved_tls else "http"
    return f"{scheme}://{store_host(spec, profile)}"


def store_labels(spec: StoreSpec) -> dict[str, str]:
    return {
        LABEL_TENANT: spec.tenant,
        LABEL_STORE: spec.store_id,
        LABEL_ENGINE: spec.engine.value,
        LABEL_MANAGED_BY: MANAGED_BY,
    }


def namespace(spec: StoreSpec) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {
            "name": spec.store_id,
            "labels": {**store_labels(spec), **POD_SECURITY},
            "annotations": {ANNOTATION_STORE_NAME: spec.name},
        },
    }


def _store_yaml(document: dict[str, Any]) -> bytes:
    """store.yaml of the spec whose `to_document()` is `document`."""
    return yamlio.dump({k: v for k, v in document.items() if v is not None}, header=STORE_HEADER)


@functools.cache
def _flux_kustomization(extra: tuple[str, ...] = (), released: bool = True) -> bytes:
    """The same for every store with the same files: rendered once per set (a rollout wave renders
    thousands of stores)."""
    release = [HELMRELEASE_FILE] if released else []
    kustomization = flux.kustomization([NAMESPACE_FILE, *release, *extra])
    return yamlio.dump(kustomization, header=flux.KUSTOMIZATION_HEADER)


def _velero_files(spec: StoreSpec, profile: RenderProfile) -> dict[str, bytes]:
    """The store's Velero objects: its Schedule when backups are on, the Restore it declares."""
    files: dict[str, bytes] = {}
    labels = store_labels(spec)
    if profile.backups_enabled:
        files[SCHEDULE_FILE] = yamlio.dump(velero.schedule(spec, profile, labels))
    if spec.restore is not None and spec.restore.stage is RestoreStage.RESTORING:
        files[RESTORE_FILE] = yamlio.dump(velero.restore(spec, profile, labels))
    return files


def render_store(spec: StoreSpec, profile: RenderProfile) -> dict[str, bytes]:
    """File name (relative to `store_dir(spec)`) -> exact bytes, for the profile's GitOps engine."""
    document = spec.to_document()  # once, for store.yaml and the spec hash (a wave renders thousands)
    host = store_host(spec, profile)
    values = chart_values(spec, profile, host)
    metadata: dict[str, Any] = {
        "name": spec.store_id,
        "labels": store_labels(spec),
        "annotations": {
            ANNOTATION_STORE_NAME: spec.name,
            ANNOTATION_CHART_VERSION: spec.chart_version or profile.chart_version,
            ANNOTATION_SPEC_HASH: document_hash(document),
        },
    }
    files = {STORE_FILE: _store_yaml(document), NAMESPACE_FILE: yamlio.dump(namespace(spec))}
    extra = _velero_files(spec, profile)
    files.update(extra)
    # While a restore empties and refills the store, its release is left out: the applier
    # uninstalls it (its volumes with it), and Velero restores into an empty namespace.
    released = spec.restore is None
    if profile.gitops_engine is GitOpsEngine.FLUX:
        metadata["namespace"] = spec.store_id
        if released:
            files[HELMRELEASE_FILE] = yamlio.dump(flux.helmrelease(spec, profile, metadata, values))
        files[KUSTOMIZATION_FILE] = _flux_kustomization(tuple(sorted(extra)), released)
    elif released:
        metadata["namespace"] = profile.argocd_namespace
        metadata["annotations"][argocd.STOREFRONT_LINK] = store_url(spec, profile)
        files[APPLICATION_FILE] = yamlio.dump(argocd.application(spec, profile, metadata, values))
    return dict(sorted(files.items()))


def parse_store_yaml(data: bytes) -> StoreSpec:
    """store.yaml bytes -> StoreSpec; StoreYamlError says what is wrong."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise StoreYamlError(f"store.yaml is not UTF-8: {exc}") from exc
    try:
        document = yamlio.load(data)
    except YAMLError as exc:
        raise StoreYamlError(f"store.yaml is not valid YAML: {exc}") from exc
    if not isinstance(document, dict):
        raise StoreYamlError(f"store.yaml must be a mapping, not {type(document).__name__}")
    try:
        spec = StoreSpec.model_validate(document)
        _check_identity(spec)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or '<root>'}: {e['msg']}" for e in exc.errors())
        raise StoreYamlError(f"store.yaml is not a valid StoreSpec: {problems}") from exc
    except RenderError as exc:
        raise StoreYamlError(f"store.yaml is not a valid StoreSpec: {exc}") from exc
    return spec
