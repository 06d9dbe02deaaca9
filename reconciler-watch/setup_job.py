"""The post-install setup Job: which setup a spec needs, the Job's deterministic name, and the Job
object built from the manifest the chart renders into ConfigMap `<store>-setup` (key `job.yaml`).

Pure: no cluster access. The chart knows what the setup pod needs (images, volumes, database env);
the watcher only names the Job, labels it, and decides when to create it.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:
    from storefleet.reconciler_watch.decision import StoreView

SETUP_LABEL = "storefleet.io/setup"
STORE_LABEL = "storefleet.io/store"
SETUP_KEY_ANNOTATION = "storefleet.io/setup-key"
# The spec fields the post-install setup depends on: a change of plan resizes pods, a change of
# theme needs the setup again. The template seeds the catalogue; it counts only when it is not the
# classic one, so stores older than templates (no template: classic) keep their setup key.
_SETUP_FIELDS = ("engine", "name", "theme")
_DEFAULT_TEMPLATE = "classic"


# libyaml's safe loader parses a Job manifest ~10x faster than the pure-Python one.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_HELM_ONLY_LABELS = ("app.kubernetes.io/instance", "helm.sh/chart")


class SetupTemplateError(ValueError):
    """The chart's setup ConfigMap is missing or holds no usable Job manifest."""


def setup_key(spec: dict[str, Any]) -> str:
    relevant = {field: spec.get(field) for field in _SETUP_FIELDS}
    if spec.get("template", _DEFAULT_TEMPLATE) != _DEFAULT_TEMPLATE:
        relevant["template"] = spec["template"]
    return hashlib.sha256(json.dumps(relevant, sort_keys=True).encode()).hexdigest()[:10]


def job_name(store_id: str, key: str, generation: int) -> str:
    """Stable for one store, setup key and setup generation, so a restarted watcher finds its Job
    again. The generation grows with every completed setup, every retry, and every start after a Job
    of other inputs: a later change back to earlier inputs gets a new Job, never a finished one the
    cluster still keeps."""
    return f"{store_id}-setup-{key[:8]}-{generation}"


def pending_setup_generation(store: StoreView) -> int:
    """The generation the store's pending setup runs under: the current one while the last Job
    started was of these inputs (or none was recorded), the next one after a Job of other inputs.
    That Job may have changed the store after any earlier Job of these inputs ran, so the setup runs
    again, under a name no earlier Job had."""
    started = store.setup_started_key
    return store.setup_generation if started in (None, store.setup_key) else store.setup_generation + 1


def setup_job_name(store: StoreView) -> str:
    """The Job of the store's pending setup change."""
    return job_name(store.id, store.setup_key, pending_setup_generation(store))


def build_job(
    config_map: dict[str, Any] | None, *, store_id: str, tenant: str, key: str, generation: int
) -> dict[str, Any]:
    """The Job to create in the store namespace, from the chart's `job.yaml`."""
    job = load_job_manifest(config_map, store_id)
    labels = {SETUP_LABEL: "true"}
    return own_job(
        job, store_id, tenant, job_name(store_id, key, generation), labels, {SETUP_KEY_ANNOTATION: key}
    )


def load_job_manifest(config_map: dict[str, Any] | None, store_id: str) -> dict[str, Any]:
    """The Job manifest the chart renders into ConfigMap `<store>-setup` (key `job.yaml`)."""
    data = (config_map or {}).get("data") or {}
    manifest = data.get("job.yaml")
    if not isinstance(manifest, str) or not manifest.strip():
        raise SetupTemplateError(f"ConfigMap {store_id}-setup has no job.yaml (is the chart up to date?)")
    try:
        job = yaml.load(manifest, Loader=_SAFE_LOADER)  # noqa: S506 - a safe loader, the C one if built
    except yaml.YAMLError as exc:
        raise SetupTemplateError(f"job.yaml in ConfigMap {store_id}-setup is not YAML: {exc}") from exc
    if not isinstance(job, dict) or job.get("kind") != "Job" or not isinstance(job.get("spec"), dict):
        raise SetupTemplateError(f"job.yaml in ConfigMap {store_id}-setup is not a Job manifest")
    return job


def own_job(
    job: dict[str, Any],
    store_id: str,
    tenant: str,
    name: str,
    labels: dict[str, str],
    annotations: dict[str, str],
) -> dict[str, Any]:
    """The chart's Job as the watcher's own: named, in the store namespace, with the store's labels
    (and `labels`) on the Job and its pods, and `annotations`."""
    metadata = job.setdefault("metadata", {})
    metadata.update(name=name, namespace=store_id)
    metadata.pop("generateName", None)
    owned = {STORE_LABEL: store_id, "storefleet.io/tenant": tenant, **labels,
             "app.kubernetes.io/managed-by": "storefleet"}  # fmt: skip
    # The watcher owns the Job, not Helm; and Argo CD (label tracking) would prune an object carrying
    # the Application's instance label that is not in its manifests.
    chart_labels = {k: v for k, v in (metadata.get("labels") or {}).items() if k not in _HELM_ONLY_LABELS}
    metadata["labels"] = {**chart_labels, **owned}
    metadata["annotations"] = {**(metadata.get("annotations") or {}), **annotations}
    template_meta = job["spec"].setdefault("template", {}).setdefault("metadata", {})
    pod_labels = {k: v for k, v in (template_meta.get("labels") or {}).items() if k not in _HELM_ONLY_LABELS}
    template_meta["labels"] = {**pod_labels, **owned}
    return job
