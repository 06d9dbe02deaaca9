"""The Job that sets a store's new admin password in the shop, and where that password waits.

Pure: no cluster access. The Job is the chart's setup Job (ConfigMap `<store>-setup`, `job.yaml`:
images, database settings, volumes, the pod's security context) running the chart's rotation script
instead of the setup: WP-CLI `wp user update` for WooCommerce, the emailpass provider's update in
`medusa exec` for Medusa (helm/ecommerce-store/files/*-rotate-admin.*). The new password reaches it
only as an environment variable taken from the store's credentials Secret by `secretKeyRef` (its
staging key), so the pod spec, the Job and their logs name the key, never the value.
"""

from __future__ import annotations

from typing import Any

from storefleet.reconciler_watch.credentials import ADMIN_PASSWORD_KEY, credentials_secret_name
from storefleet.reconciler_watch.setup_job import SetupTemplateError, load_job_manifest, own_job

ROTATION_LABEL = "storefleet.io/credentials-rotation"
GENERATION_ANNOTATION = "storefleet.io/rotation-generation"
NEW_PASSWORD_ENV = "NEW_ADMIN_PASSWORD"  # noqa: S105 - the variable's name, not a password
SETUP_DIR = "/etc/storefleet/setup"  # where the Job mounts the setup ConfigMap (the chart's SETUP_DIR)
# One attempt and a retry; a rotation that cannot finish in ten minutes fails and changes nothing.
BACKOFF_LIMIT = 1
ACTIVE_DEADLINE_S = 600


def staging_key(engine: str) -> str:
    """The credentials Secret's key that holds the new password until the shop has it. The chart
    renders no such key: Helm leaves it alone, and the watcher removes it when the rotation ends."""
    return f"{ADMIN_PASSWORD_KEY[engine]}-next"


def rotation_job_name(store_id: str, generation: int) -> str:
    """Stable for one store and rotation, so a restarted watcher finds its Job again."""
    return f"{store_id}-rotate-{generation}"


def rotation_script(engine: str) -> str:
    """The chart's rotation script, a key of the setup ConfigMap."""
    return f"{engine}-rotate-admin.sh"


def build_rotation_job(
    config_map: dict[str, Any] | None,
    *,
    store_id: str,
    tenant: str,
    engine: str,
    generation: int,
    instance: str | None = None,
) -> dict[str, Any]:
    """The rotation Job to create in the store namespace (`instance`: the chart instance naming the
    store's objects, default the store id)."""
    instance = instance or store_id
    script = rotation_script(engine)
    if script not in ((config_map or {}).get("data") or {}):
        raise SetupTemplateError(
            f"ConfigMap {instance}-setup has no {script}: the store's chart predates password rotation;"
            " roll out a newer chart version to the store, then rotate again"
        )
    job = load_job_manifest(config_map, store_id)
    name = rotation_job_name(store_id, generation)
    labels = {ROTATION_LABEL: "true"}
    job = own_job(job, store_id, tenant, name, labels, {GENERATION_ANNOTATION: str(generation)})
    spec = job["spec"]
    spec.update(backoffLimit=BACKOFF_LIMIT, activeDeadlineSeconds=ACTIVE_DEADLINE_S)
    container = _main_container(spec, store_id)
    container["command"] = ["bash", f"{SETUP_DIR}/{script}"]
    container.pop("args", None)
    new_password = {
        "name": NEW_PASSWORD_ENV,
        "valueFrom": {
            "secretKeyRef": {"name": credentials_secret_name(instance), "key": staging_key(engine)}
        },
    }
    env = [item for item in container.get("env") or [] if item.get("name") != NEW_PASSWORD_ENV]
    container["env"] = [*env, new_password]
    return job


def _main_container(spec: dict[str, Any], store_id: str) -> dict[str, Any]:
    pod = (spec.get("template") or {}).get("spec") or {}
    containers = [c for c in pod.get("containers") or [] if isinstance(c, dict)]
    if not containers:
        raise SetupTemplateError(f"job.yaml in ConfigMap {store_id}-setup has no container")
    return next((c for c in containers if c.get("name") == "setup"), containers[0])
