"""The Medusa storefront's publishable API key: the setup Job prints it as its last line
(`publishable-key=pk_...`), the watcher keeps it in Secret `<instance>-storefront-key`, and the
storefront pods mount that Secret as runtime config. A publishable key is meant for browsers, so a
pod log may carry it; it still lives in a Secret, never in git, because it is per store and made in
the cluster.

Pure: parsing and building the Secret; the watcher does the reading and writing.
"""

from __future__ import annotations

import re
from typing import Any

from storefleet.reconciler_watch.setup_job import STORE_LABEL

KEY_REPORTING_ENGINE = "medusa"  # the engine whose setup reports a storefront key
DATA_KEY = "publishable-key"
_LINE = re.compile(r"^publishable-key=(pk_[A-Za-z0-9_]+)\s*$")


def storefront_key_secret_name(instance: str) -> str:
    """The chart's `store.componentName` for component `storefront-key`: `instance` is the store's
    chart instance (its id, or the instance a store created from a backup kept)."""
    return f"{instance}-storefront-key"


def publishable_key(log: str) -> str | None:
    """The key the setup reported: its last `publishable-key=` line, or None."""
    found = [match.group(1) for line in log.splitlines() if (match := _LINE.match(line.strip()))]
    return found[-1] if found else None


def storefront_key_secret(
    store_id: str, tenant: str, key: str, instance: str | None = None
) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "type": "Opaque",
        "metadata": {
            "name": storefront_key_secret_name(instance or store_id),
            "namespace": store_id,
            "labels": {
                STORE_LABEL: store_id,
                "storefleet.io/tenant": tenant,
                "app.kubernetes.io/managed-by": "storefleet",
                "app.kubernetes.io/component": "storefront",
            },
        },
        "stringData": {DATA_KEY: key},
    }
