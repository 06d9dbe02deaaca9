"""Where a store's shop and admin live, exactly as the chart's ingress and setup compute them.

`store_links` is pure: the store's spec and the platform's render settings in, URLs out. Every
store answer carries them once the store is installed (`Presenter`, the endpoints' dependency);
the credentials answer carries them too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request

from storefleet.api.settings import Settings
from storefleet.api.stores.schemas import StoreOut
from storefleet.api.stores.state_machine import StoreStatus
from storefleet.renderer.manifests import store_host, store_url
from storefleet.renderer.profile import GitOpsEngine, RenderProfile, ValuesProfile
from storefleet.renderer.spec import Engine, StoreSpec

# A store answers at its URLs from the first `ready` on, including while an update rolls out.
INSTALLED = frozenset({StoreStatus.READY, StoreStatus.UPDATING})


@dataclass(frozen=True)
class StoreLinks:
    store_url: str
    admin_url: str
    host: str


def render_profile(settings: Settings) -> RenderProfile:
    """The render settings the store hosts depend on (the same as the fleet writer's)."""
    return RenderProfile(
        gitops_engine=GitOpsEngine(settings.gitops_engine),
        values_profile=ValuesProfile(settings.values_profile),
        domain=settings.store_domain,
    )


def store_links(spec: StoreSpec, profile: RenderProfile) -> StoreLinks:
    url = store_url(spec, profile)
    admin = f"{url}/wp-admin/" if spec.engine is Engine.WOOCOMMERCE else f"{url}/admin"
    return StoreLinks(store_url=url, admin_url=admin, host=store_host(spec, profile))


def store_out(store: dict[str, Any], profile: RenderProfile) -> StoreOut:
    out = StoreOut.model_validate(store)
    if out.status in INSTALLED:
        # From the row's own columns: a store list does not read the spec documents.
        spec = StoreSpec(store_id=out.id, tenant=out.owner_id, name=out.name, engine=out.engine,
                         theme=out.theme, plan=out.plan)  # fmt: skip
        links = store_links(spec, profile)
        out.store_url, out.admin_url = links.store_url, links.admin_url
    return out


def _presenter(request: Request) -> Callable[[dict[str, Any]], StoreOut]:
    profile = render_profile(request.app.state.settings)
    return lambda store: store_out(store, profile)


# An endpoint's way to turn a store row into its answer.
Presenter = Annotated[Callable[[dict[str, Any]], StoreOut], Depends(_presenter)]
