"""Kubernetes and DNS naming rules shared by the renderer and the validator, and the names of the
chart's objects that both the control plane and the watcher look up (pure)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from typing import Any

# The labels every object of a store carries (the watcher, the UIs and kubectl select on them).
LABEL_TENANT = "storefleet.io/tenant"
LABEL_STORE = "storefleet.io/store"
LABEL_ENGINE = "storefleet.io/engine"
LABEL_MANAGED_BY = "app.kubernetes.io/managed-by"
MANAGED_BY = "storefleet"

# The key of the admin password in a store's credentials Secret, per engine (one of the chart's
# `store.credentialKeys`): the watcher generates it for Argo CD stores, the API reads it.
ADMIN_PASSWORD_KEY = {"woocommerce": "wordpress-admin-password", "medusa": "medusa-admin-password"}

DNS_LABEL_MAX = 63
DNS_SUBDOMAIN_MAX = 253
LABEL_VALUE_MAX = 63

_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_LABEL_NAME = re.compile(r"^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")


def is_dns_label(value: str) -> bool:
    """RFC 1123 label as Kubernetes uses it: lower-case alphanumerics and '-', at most 63 characters."""
    return len(value) <= DNS_LABEL_MAX and bool(_DNS_LABEL.match(value))


def is_dns_subdomain(value: str) -> bool:
    """RFC 1123 subdomain: dot-separated DNS labels, at most 253 characters."""
    return 0 < len(value) <= DNS_SUBDOMAIN_MAX and all(is_dns_label(part) for part in value.split("."))


def label_key_errors(key: str) -> list[str]:
    """Why `key` is not a valid label or annotation key ([prefix/]name); empty when it is."""
    prefix, _, name = key.rpartition("/")
    errors = []
    if "/" in key and not is_dns_subdomain(prefix):
        errors.append(f"key {key!r}: prefix {prefix!r} is not a DNS-1123 subdomain")
    if not (0 < len(name) <= LABEL_VALUE_MAX and _LABEL_NAME.match(name)):
        errors.append(f"key {key!r}: name part must be 1-63 alphanumerics, '-', '_' or '.'")
    return errors


def is_label_value(value: str) -> bool:
    return value == "" or (len(value) <= LABEL_VALUE_MAX and bool(_LABEL_NAME.match(value)))


def chart_instance(store_id: str, spec: Mapping[str, Any] | None) -> str:
    """The chart instance of a store from its spec document (`StoreSpec.instance`): the instance a
    store created from a backup took over, else the store id. It names the chart's objects."""
    restored_from = (spec or {}).get("restored_from")
    instance = restored_from.get("instance") if isinstance(restored_from, Mapping) else None
    return instance if isinstance(instance, str) and instance else store_id


def credentials_secret_name(instance: str) -> str:
    """The chart's `store.credentialsSecret` for chart instance `instance` (`chart_instance`)."""
    return f"{instance}-credentials"


# Flux's controller sharding (fluxcd.io/flux/installation/configuration/sharding): each shard's
# controllers reconcile only the objects whose label names their shard, `shard1` … `shardN`.
SHARD_LABEL = "sharding.fluxcd.io/key"


def flux_shard(store_id: str, shards: int) -> str | None:
    """The store's shard among `shards` (None: not sharded): a stable hash of its id, so a store
    never moves between shards unless their number changes."""
    if shards <= 0:
        return None
    return f"shard{int.from_bytes(hashlib.sha256(store_id.encode()).digest()[:8], 'big') % shards + 1}"
