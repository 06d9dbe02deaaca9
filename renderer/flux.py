"""Flux objects for one store: a HelmRelease, and the kustomization.yaml that hides store.yaml (pure).

The `tenants` Flux Kustomization has no kustomization.yaml of its own, so kustomize-controller generates
one over every `.yaml` it finds, and fails on any file that is not a Kubernetes object (store.yaml).
Its generator stops at a directory holding a kustomization.yaml and adds that directory as one
resource, so each store directory lists its own Kubernetes files and store.yaml is never read.
"""

from __future__ import annotations

from typing import Any

from storefleet.renderer.names import (
    ADMIN_PASSWORD_KEY,
    LABEL_MANAGED_BY,
    SHARD_LABEL,
    credentials_secret_name,
    flux_shard,
)
from storefleet.renderer.profile import RenderProfile
from storefleet.renderer.spec import StoreSpec

HELMRELEASE_API = "helm.toolkit.fluxcd.io/v2"
SOURCE_KIND = "GitRepository"
FLUX_NAMESPACE = "flux-system"

INTERVAL = "10m"  # drift correction cadence; a new commit triggers a reconcile sooner
TIMEOUT = "10m"  # first installs pull WordPress/Medusa images and wait for them to become ready
INSTALL_RETRIES = 3
UPGRADE_RETRIES = 3


def helmrelease(
    spec: StoreSpec, profile: RenderProfile, metadata: dict[str, Any], values: dict[str, Any]
) -> dict[str, Any]:
    shard = flux_shard(spec.store_id, profile.flux_shards)
    if shard is not None:  # this HelmRelease (and the HelmChart made from it) go to one shard's controllers
        metadata = {**metadata, "labels": {**metadata["labels"], SHARD_LABEL: shard}}
    return {
        "apiVersion": HELMRELEASE_API,
        "kind": "HelmRelease",
        "metadata": metadata,
        "spec": {
            "interval": INTERVAL,
            "timeout": TIMEOUT,
            "releaseName": spec.store_id,
            "chart": {
                # Labels the HelmChart helm-controller creates in flux-system, so it is findable too.
                "metadata": {"labels": metadata["labels"]},
                "spec": {
                    "chart": f"./{profile.store_chart_path(spec.chart_version)}",
                    # ChartVersion, not Revision: every store commit moves the fleet branch, and a
                    # per-revision chart artifact would upgrade every store on every commit.
                    "reconcileStrategy": "ChartVersion",
                    "sourceRef": {
                        "kind": SOURCE_KIND,
                        "name": profile.flux_source_name,
                        "namespace": FLUX_NAMESPACE,
                    },
                },
            },
            # Every object the chart creates gets the storefleet.io labels, but not managed-by: Helm
            # owns that label on its objects and checks it before adopting an existing one; nor the
            # shard, which only Flux's own objects need.
            "commonMetadata": {
                "labels": {
                    k: v for k, v in metadata["labels"].items() if k not in (LABEL_MANAGED_BY, SHARD_LABEL)
                }
            },
            "install": {"remediation": {"retries": INSTALL_RETRIES}},
            "upgrade": {
                "cleanupOnFail": True,
                "remediation": {
                    "retries": UPGRADE_RETRIES,
                    "remediateLastFailure": True,
                    "strategy": "rollback",
                },
            },
            # Hand edits in the cluster are reverted to what git says, as for every other object;
            # but the admin password is the platform's to rotate (in the Secret, never in git).
            "driftDetection": {"mode": "enabled", "ignore": [_rotated_password(spec)]},
            "values": values,
        },
    }


def _rotated_password(spec: StoreSpec) -> dict[str, Any]:
    """Drift correction re-applies the chart's objects as Helm last rendered them, so without this
    rule it would put a rotated admin password back (the chart's `lookup` keeps the live value on
    every upgrade: only the correction between upgrades needs telling)."""
    return {
        "paths": [f"/data/{ADMIN_PASSWORD_KEY[spec.engine.value]}"],
        "target": {"kind": "Secret", "name": credentials_secret_name(spec.instance)},
    }


def kustomization(resources: list[str]) -> dict[str, Any]:
    """kustomize's own config (not a Flux object): the Kubernetes files of this store directory."""
    return {
        "apiVersion": "kustomize.config.k8s.io/v1beta1",
        "kind": "Kustomization",
        "resources": sorted(resources),
    }


KUSTOMIZATION_HEADER = (
    "kustomize reads only the files listed here. store.yaml is the platform's record of the store,\n"
    "not a Kubernetes object: it must never be listed."
)
