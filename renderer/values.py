"""The values contract between the renderer and the `ecommerce-store` chart (pure).

Flux passes these as HelmRelease `spec.values`, Argo CD as Application `spec.source.helm.valuesObject`;
the chart accepts exactly these keys, with the same meaning under both engines. Quantities are strings.

```yaml
store:
  id: st-abcdefgh23        # store id: also the namespace and the Helm release name
  name: acme-shop          # the tenant's name for the store (a DNS label)
  tenant: u-abcdefgh23     # owner id
  instance: st-oldoldold2  # only for a store created from a backup (chart 0.4.0 on): the instance
                           # whose object names it keeps (StoreSpec.restored_from, docs/backups.md)
engine: woocommerce        # woocommerce | medusa
theme: storefront          # storefront | astra; present for WooCommerce only
plan: small                # small | medium | large, for display: the sizes below are concrete
catalogue:
  template: classic        # the catalogue the setup seeds: classic | minimal | fashion | electronics | food
storefront:                # Medusa only, and only the keys the store's branding sets
  displayName: Acme Shop   # the shop's name as shoppers see it
  brand: {primary: "#1e3a8a", accent: "#f59e0b"}
  logoUrl: https://cdn.example.com/logo.svg
  promoText: Free shipping over $50   # the promo bar
  newsletterUrl: https://lists.example.com/join  # where the newsletter form posts
resources:                 # the application container (WordPress / Medusa server)
  requests: {cpu: 100m, memory: 256Mi}
  limits: {cpu: 500m, memory: 512Mi}
database:
  resources:               # the database container (MariaDB / PostgreSQL)
    requests: {cpu: 100m, memory: 256Mi}
    limits: {cpu: 500m, memory: 512Mi}
persistence:
  size: 2Gi                # application data volume (wp-content, Medusa uploads)
  databaseSize: 2Gi        # database volume
  storageClass: local-path # optional; absent: leave storageClassName unset (cluster default)
ingress:
  className: nginx         # IngressClass name
  host: acme-shop-abcdefgh23.localhost   # see manifests.store_host
  tls: false               # serve HTTPS on host, certificate in Secret <store.id>-tls
credentials:               # Argo CD only: rendering there cannot `lookup`, so the platform
  existingSecret: st-abcdefgh23-credentials  # creates this Secret (`<instance>-credentials`);
                           # absent (Flux): the chart generates the passwords and keeps them
                           # stable with `lookup`
imagePullSecrets:          # only when STORE_IMAGE_PULL_SECRETS names some (RenderProfile), and
  - name: regcred          # only for a chart that has the key (0.3.0 on, see PULL_SECRETS_UNKNOWN_TO)
wordpress:                 # (medusa: for Medusa) only when an image rollout set the tag
  image: {tag: 6.7.2-php8.2-apache}
```

A rollout's values patch (`values_patch.py`) is merged over all of the above, last.

Never in values: a password, a token, any secret material. Secrets are made in the cluster.

Plan sizes (`PLAN_SIZES` is the one place they are defined; CPU and memory as request / limit):

| plan   | app CPU     | app memory    | DB CPU      | DB memory     | app volume | DB volume |
|--------|-------------|---------------|-------------|---------------|------------|-----------|
| small  | 100m / 500m | 256Mi / 512Mi | 100m / 500m | 256Mi / 512Mi | 2Gi        | 2Gi       |
| medium | 250m / 1    | 512Mi / 1Gi   | 250m / 1    | 512Mi / 1Gi   | 5Gi        | 10Gi      |
| large  | 500m / 2    | 1Gi / 2Gi     | 500m / 2    | 1Gi / 2Gi     | 20Gi       | 40Gi      |
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from storefleet.renderer import names
from storefleet.renderer.catalogue import Branding
from storefleet.renderer.profile import GitOpsEngine, RenderProfile
from storefleet.renderer.spec import Engine, Plan, StoreSpec
from storefleet.renderer.values_patch import merge_patch


@dataclass(frozen=True)
class Resources:
    cpu_request: str
    cpu_limit: str
    memory_request: str
    memory_limit: str

    def to_values(self) -> dict[str, Any]:
        return {
            "requests": {"cpu": self.cpu_request, "memory": self.memory_request},
            "limits": {"cpu": self.cpu_limit, "memory": self.memory_limit},
        }


@dataclass(frozen=True)
class PlanSize:
    app: Resources
    database: Resources
    app_storage: str
    database_storage: str


PLAN_SIZES: Mapping[Plan, PlanSize] = MappingProxyType(
    {
        Plan.SMALL: PlanSize(
            Resources("100m", "500m", "256Mi", "512Mi"),
            Resources("100m", "500m", "256Mi", "512Mi"),
            "2Gi",
            "2Gi",
        ),
        Plan.MEDIUM: PlanSize(
            Resources("250m", "1", "512Mi", "1Gi"), Resources("250m", "1", "512Mi", "1Gi"), "5Gi", "10Gi"
        ),
        Plan.LARGE: PlanSize(
            Resources("500m", "2", "1Gi", "2Gi"), Resources("500m", "2", "1Gi", "2Gi"), "20Gi", "40Gi"
        ),
    }
)


def credentials_secret_name(spec: StoreSpec) -> str:
    """The Secret (in the store namespace) the platform pre-creates for Argo CD stores: the chart
    instance's (a store created from a backup uses the restored one, made with its data)."""
    return names.credentials_secret_name(spec.instance)


def chart_values(spec: StoreSpec, profile: RenderProfile, host: str) -> dict[str, Any]:
    """The chart values for one store under `profile` (see the module docstring for the contract)."""
    size = PLAN_SIZES[spec.plan]
    persistence: dict[str, Any] = {"size": size.app_storage, "databaseSize": size.database_storage}
    if profile.resolved_storage_class is not None:
        persistence["storageClass"] = profile.resolved_storage_class
    values: dict[str, Any] = {
        "store": _store_values(spec),
        "engine": spec.engine.value,
        "plan": spec.plan.value,
        "resources": size.app.to_values(),
        "database": {"resources": size.database.to_values()},
        "persistence": persistence,
        "ingress": {
            "className": profile.resolved_ingress_class,
            "host": host,
            "tls": profile.resolved_tls,
        },
    }
    if spec.theme is not None:
        values["theme"] = spec.theme.value
    if spec.template is not None:  # absent for stores older than templates: their values stay as they were
        values["catalogue"] = {"template": spec.template.value}
    if spec.branding is not None:
        values["storefront"] = storefront_values(spec.branding)
    if profile.gitops_engine is GitOpsEngine.ARGOCD:
        values["credentials"] = {"existingSecret": credentials_secret_name(spec)}
    if profile.image_pull_secrets and (spec.chart_version or profile.chart_version) not in (
        PULL_SECRETS_UNKNOWN_TO
    ):
        values["imagePullSecrets"] = [{"name": name} for name in profile.image_pull_secrets]
    if spec.image_tag is not None:
        values[APP_IMAGE_KEY[spec.engine]] = {"image": {"tag": spec.image_tag}}
    if spec.values_patch is not None:
        values = merge_patch(values, spec.values_patch)
    return values


def _store_values(spec: StoreSpec) -> dict[str, str]:
    store = {"id": spec.store_id, "name": spec.name, "tenant": spec.tenant}
    if spec.restored_from is not None:  # chart 0.4.0 on; absent otherwise, so other stores' values stay
        store["instance"] = spec.instance
    return store


# Chart versions without `imagePullSecrets`: their schema refuses the key, so a store a rollout moved
# (or reverted) to one of them is rendered without it rather than failing its every upgrade.
PULL_SECRETS_UNKNOWN_TO = frozenset({"0.1.0", "0.2.0"})

# The chart's key for each engine's application image (its tag is what an image rollout sets).
APP_IMAGE_KEY: Mapping[Engine, str] = MappingProxyType(
    {Engine.WOOCOMMERCE: "wordpress", Engine.MEDUSA: "medusa"}
)


def storefront_values(branding: Branding) -> dict[str, Any]:
    """The chart's `storefront` keys a branding sets; the chart's defaults fill the others."""
    values: dict[str, Any] = {}
    if branding.display_name is not None:
        values["displayName"] = branding.display_name
    brand = {"primary": branding.primary_color, "accent": branding.accent_color}
    if any(colour is not None for colour in brand.values()):
        values["brand"] = {key: colour for key, colour in brand.items() if colour is not None}
    for key, value in (
        ("logoUrl", branding.logo_url),
        ("promoText", branding.promo_text),
        ("newsletterUrl", branding.newsletter_url),
    ):
        if value is not None:
            values[key] = value
    return values


# The chart's namespace limits: `quota.enabled` and `limitRange.enabled` are on by the chart's default
# (helm/ecommerce-store/values.yaml) and the renderer derives neither, so only a rollout's values patch
# can turn one off (or, with `null`, back to the default).
_CHART_LIMIT_DEFAULTS: Mapping[str, Any] = MappingProxyType(
    {"quota": {"enabled": True}, "limitRange": {"enabled": True}}
)


def namespace_limits_enabled(values_patch: Mapping[str, Any] | None) -> tuple[bool, bool]:
    """(ResourceQuota, LimitRange): whether the chart creates each for a store with this values patch.
    Helm's `if` is false for false, 0, "" and null; anything else is on."""
    merged = merge_patch(dict(_CHART_LIMIT_DEFAULTS), dict(values_patch or {}))

    def on(key: str) -> bool:
        section = merged.get(key)
        return bool(section.get("enabled", True)) if isinstance(section, Mapping) else True

    return on("quota"), on("limitRange")
