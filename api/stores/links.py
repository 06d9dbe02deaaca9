"""Where a store's shop and admin live, exactly as the chart's ingress and setup compute them.

Pure: the store's spec and the platform's render settings in, URLs out. Every store answer carries
them once the store is installed (`presenter.Presenter`); the credentials answer carries them too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from storefleet.api.clusters.placement import ClusterName
from storefleet.api.domain.lifecycle import StoreStatus
from storefleet.api.domain.store_rows import StoreSummary
from storefleet.api.stores.schemas import CredentialsRotationOut, StoreCluster, StoreOut, StorePin
from storefleet.renderer.manifests import store_host, store_url
from storefleet.renderer.profile import RenderProfile
from storefleet.renderer.spec import Engine, StoreSpec

# A store answers at its URLs from the first `ready` on, including while an update rolls out.
INSTALLED = frozenset({StoreStatus.READY, StoreStatus.DEGRADED, StoreStatus.UPDATING})


@dataclass(frozen=True)
class StoreLinks:
    store_url: str
    admin_url: str
    host: str


def store_links(spec: StoreSpec, profile: RenderProfile) -> StoreLinks:
    url = store_url(spec, profile)
    # WordPress's admin, or Medusa's admin dashboard (served by the store's backend at /app).
    admin = f"{url}/wp-admin/" if spec.engine is Engine.WOOCOMMERCE else f"{url}/app"
    return StoreLinks(store_url=url, admin_url=admin, host=store_host(spec, profile))


def store_out(
    store: StoreSummary, profile: RenderProfile, clusters: Mapping[str, ClusterName] | None = None
) -> StoreOut:
    out = StoreOut.model_validate(store, from_attributes=True)
    where = clusters.get(store.cluster_id) if store.cluster_id is not None and clusters is not None else None
    if where is not None:
        out.cluster = StoreCluster(name=where.name, region=where.region)
    rotation = store.credentials_rotation
    if rotation is not None:
        out.credentials_rotation = CredentialsRotationOut.model_validate(rotation, from_attributes=True)
    if store.pinned_at is not None and store.pin_reason is not None and store.pinned_by is not None:
        out.pin = StorePin(reason=store.pin_reason, pinned_by=store.pinned_by, pinned_at=store.pinned_at)
    if out.status in INSTALLED:
        # From the row's own columns: a store list does not read the spec documents.
        spec = StoreSpec(store_id=out.id, tenant=out.owner_id, name=out.name, engine=out.engine,
                         theme=out.theme, plan=out.plan)  # fmt: skip
        links = store_links(spec, profile)
        out.store_url, out.admin_url = links.store_url, links.admin_url
    return out
