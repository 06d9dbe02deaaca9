"""The per-store credentials Secret. Flux renders the chart against the cluster, so the chart's
`lookup` keeps generated passwords stable; Argo CD renders without cluster access, so for Argo CD
stores the watcher creates this Secret before the chart needs it (`credentials.existingSecret`).
Never written to git."""

from __future__ import annotations

import secrets
import string
from typing import Any

from storefleet.reconciler_watch.setup_job import STORE_LABEL
from storefleet.renderer.names import ADMIN_PASSWORD_KEY as ADMIN_PASSWORD_KEY  # re-exported
from storefleet.renderer.names import credentials_secret_name as credentials_secret_name

CREDENTIAL_KEYS: dict[str, tuple[str, ...]] = {
    # the same keys as `store.credentialKeys` in helm/ecommerce-store/templates/_helpers.tpl (a chart
    # test renders both engines and compares)
    "woocommerce": (
        "mariadb-root-password", "mariadb-password", "wordpress-admin-password", "wordpress-auth-key",
        "wordpress-secure-auth-key", "wordpress-logged-in-key", "wordpress-nonce-key", "wordpress-auth-salt",
        "wordpress-secure-auth-salt", "wordpress-logged-in-salt", "wordpress-nonce-salt",
    ),
    "medusa": ("postgres-password", "medusa-jwt-secret", "medusa-cookie-secret", "medusa-admin-password"),
}  # fmt: skip
_ALPHABET = string.ascii_letters + string.digits
PASSWORD_LENGTH = 48


def new_password() -> str:
    """A random 48-character alphanumeric value (what the chart's template generates: `randAlphaNum
    48`; alphanumeric, so it needs no escaping in a URL, a shell or a prompt)."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(PASSWORD_LENGTH))


def credentials_secret(
    store_id: str, tenant: str, engine: str, instance: str | None = None
) -> dict[str, Any]:
    """A new Secret with a random 48-character value per key (what the chart's template generates),
    named for the store's chart instance (`instance`, default the store id)."""
    values = {key: new_password() for key in CREDENTIAL_KEYS[engine]}
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "type": "Opaque",
        "metadata": {
            "name": credentials_secret_name(instance or store_id),
            "namespace": store_id,
            "labels": {
                STORE_LABEL: store_id,
                "storefleet.io/tenant": tenant,
                "app.kubernetes.io/managed-by": "storefleet",
            },
            "annotations": {"helm.sh/resource-policy": "keep"},
        },
        "stringData": values,
    }
