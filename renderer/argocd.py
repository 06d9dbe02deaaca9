"""The Argo CD Application for one store (pure).

Every store Application belongs to the one AppProject `storefleet-stores` that the fleet template
creates (see docs/fleet-repo.md for why not one project per tenant): it may deploy only from the fleet
repo, only into `st-*` namespaces, and no cluster-scoped objects at all.
"""

from __future__ import annotations

from typing import Any

from storefleet.renderer.profile import RenderProfile
from storefleet.renderer.spec import StoreSpec

APPLICATION_API = "argoproj.io/v1alpha1"
STORES_PROJECT = "storefleet-stores"
IN_CLUSTER = "https://kubernetes.default.svc"
# Deleting the Application (its directory left git) deletes what it deployed, not just the record.
RESOURCES_FINALIZER = "resources-finalizer.argocd.argoproj.io"
STOREFRONT_LINK = "link.argocd.argoproj.io/storefront"


def application(
    spec: StoreSpec, profile: RenderProfile, metadata: dict[str, Any], values: dict[str, Any]
) -> dict[str, Any]:
    return {
        "apiVersion": APPLICATION_API,
        "kind": "Application",
        "metadata": {**metadata, "finalizers": [RESOURCES_FINALIZER]},
        "spec": {
            "project": STORES_PROJECT,
            "source": {
                "repoURL": profile.fleet_repo_url,
                "targetRevision": profile.fleet_branch,
                "path": profile.store_chart_path(spec.chart_version),
                "helm": {"releaseName": spec.store_id, "valuesObject": values},
            },
            # namespace.yaml (applied by the root Application) creates the namespace, so no
            # CreateNamespace here: one owner per object.
            "destination": {"server": IN_CLUSTER, "namespace": spec.store_id},
            "syncPolicy": {
                "automated": {"prune": True, "selfHeal": True},
                "syncOptions": ["FailOnSharedResource=true", "PruneLast=true"],
                "retry": {"limit": 5, "backoff": {"duration": "10s", "factor": 2, "maxDuration": "5m"}},
            },
            "revisionHistoryLimit": 5,
            "info": [
                {"name": "Store", "value": spec.name},
                {"name": "Tenant", "value": spec.tenant},
                {"name": "Engine", "value": spec.engine.value},
            ],
        },
    }
