"""Offline validation of fleet-repo manifests against the upstream CRD schemas.

The CRD schemas do not reject unknown fields (the API server prunes them), so each object schema that
lists `properties` and is not declared free-form gets `additionalProperties: false`: a typo becomes an
error here instead of a silently dropped setting in the cluster. What the schemas cannot express is
checked separately: metadata names and namespaces (DNS-1123), label and annotation keys and values, and
the HelmRelease CEL rule "exactly one of spec.chart / spec.chartRef".
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft4Validator

from storefleet.renderer.manifests import (
    CLUSTERS_DIR,
    STORE_FILE,
    TENANTS_DIR,
    StoreYamlError,
    parse_store_dir,
    parse_store_yaml,
    store_dir,
)
from storefleet.renderer.names import (
    LABEL_STORE,
    LABEL_TENANT,
    is_dns_label,
    is_dns_subdomain,
    is_label_value,
    label_key_errors,
)

# libyaml's loader parses the 1.4 MB ApplicationSet CRD about ten times faster than pure Python.
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_METADATA_FIELDS = {"name", "namespace", "labels", "annotations", "finalizers"}
# Core kinds a fleet repo holds; their full schema is Kubernetes', checked by kubernetes-validate in tests.
_CORE_SCHEMAS: dict[tuple[str, str], tuple[dict[str, Any], bool]] = {
    ("v1", "Namespace"): (
        {
            "type": "object",
            "properties": {
                "apiVersion": {"type": "string"},
                "kind": {"type": "string"},
                "metadata": {"type": "object"},
                "spec": {
                    "type": "object",
                    "properties": {"finalizers": {"type": "array", "items": {"type": "string"}}},
                },
            },
        },
        False,
    ),
}


@dataclass(frozen=True)
class KindSchema:
    validator: Draft4Validator
    namespaced: bool


def tighten(schema: Any) -> Any:
    """A copy of `schema` where every closed object refuses unknown fields (see the module docstring)."""
    schema = copy.deepcopy(schema)
    _tighten_in_place(schema)
    return schema


def _tighten_in_place(node: Any) -> None:
    if isinstance(node, list):
        for item in node:
            _tighten_in_place(item)
        return
    if not isinstance(node, dict):
        return
    if (
        "properties" in node
        and "additionalProperties" not in node
        and not node.get("x-kubernetes-preserve-unknown-fields")
    ):
        node["additionalProperties"] = False
    for key in ("properties", "patternProperties", "definitions"):
        for child in node.get(key, {}).values():
            _tighten_in_place(child)
    for key in ("items", "additionalProperties", "not", "anyOf", "allOf", "oneOf"):
        if key in node:
            _tighten_in_place(node[key])


def load_yaml_documents(data: bytes | str) -> list[Any]:
    """All documents of a YAML stream, read the way Kubernetes reads them (YAML 1.1); empty ones dropped."""
    return [doc for doc in yaml.load_all(data, Loader=_Loader) if doc is not None]


def _crd_entries(crd: Mapping[str, Any]) -> Iterator[tuple[tuple[str, str], KindSchema]]:
    spec = crd["spec"]
    namespaced = spec.get("scope", "Namespaced") == "Namespaced"
    for version in spec["versions"]:
        schema = version.get("schema", {}).get("openAPIV3Schema")
        if schema is not None:
            key = (f"{spec['group']}/{version['name']}", spec["names"]["kind"])
            yield key, KindSchema(Draft4Validator(tighten(schema)), namespaced)


@functools.cache
def load_crds(crd_dir: Path) -> Mapping[tuple[str, str], KindSchema]:
    """(apiVersion, kind) -> schema, for every CRD in `crd_dir` and the core kinds; parsed once per dir."""
    schemas = {key: KindSchema(Draft4Validator(tighten(s)), ns) for key, (s, ns) in _CORE_SCHEMAS.items()}
    for path in sorted(crd_dir.glob("*.yaml")) + sorted(crd_dir.glob("*.yml")):
        for doc in load_yaml_documents(path.read_bytes()):
            if isinstance(doc, dict) and doc.get("kind") == "CustomResourceDefinition":
                schemas.update(_crd_entries(doc))
    return schemas


def _map_errors(what: str, value: Any) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, dict):
        return [f"metadata.{what} must be a mapping"]
    errors: list[str] = []
    for key, item in value.items():
        errors += [f"metadata.{what}: {e}" for e in label_key_errors(str(key))]
        if not isinstance(item, str):
            errors.append(f"metadata.{what}[{key!r}]: value must be a string, not {type(item).__name__}")
        elif what == "labels" and not is_label_value(item):
            errors.append(f"metadata.labels[{key!r}]: {item!r} is not a valid label value")
    return errors


def metadata_errors(obj: Mapping[str, Any], namespaced: bool) -> list[str]:
    """Rules the CRD schemas leave out: names, namespaces, labels, annotations."""
    metadata = obj.get("metadata")
    if not isinstance(metadata, dict):
        return ["metadata is missing or not a mapping"]
    errors = [
        f"metadata.{key}: not allowed in a manifest kept in git"
        for key in sorted(metadata.keys() - _METADATA_FIELDS)
    ]
    name = metadata.get("name")
    name_ok = is_dns_label if obj.get("kind") == "Namespace" else is_dns_subdomain
    if not isinstance(name, str) or not name_ok(name):
        errors.append(f"metadata.name {name!r} is not a valid DNS-1123 name")
    namespace = metadata.get("namespace")
    if namespaced and not (isinstance(namespace, str) and is_dns_label(namespace)):
        errors.append(f"metadata.namespace {namespace!r} must be set to a DNS-1123 label")
    if not namespaced and namespace is not None:
        errors.append("metadata.namespace must not be set on a cluster-scoped object")
    return (
        errors
        + _map_errors("labels", metadata.get("labels"))
        + _map_errors("annotations", metadata.get("annotations"))
    )


def _cel_errors(obj: Mapping[str, Any]) -> list[str]:
    spec = obj.get("spec")
    if (
        obj.get("kind") == "HelmRelease"
        and isinstance(spec, dict)
        and ("chart" in spec) == ("chartRef" in spec)
    ):
        return ["spec: exactly one of spec.chart / spec.chartRef must be set"]
    return []


def validate_object(obj: Any, schemas: Mapping[tuple[str, str], KindSchema]) -> list[str]:
    """Errors for one Kubernetes object against already loaded schemas."""
    if not isinstance(obj, dict):
        return [f"a Kubernetes object must be a mapping, not {type(obj).__name__}"]
    key = (str(obj.get("apiVersion")), str(obj.get("kind")))
    kind_schema = schemas.get(key)
    if kind_schema is None:
        return [f"no schema for apiVersion={key[0]!r} kind={key[1]!r}"]
    errors = [
        f"{'.'.join(map(str, error.absolute_path)) or '<root>'}: {error.message}"
        for error in sorted(
            kind_schema.validator.iter_errors(obj), key=lambda e: list(map(str, e.absolute_path))
        )
    ]
    return errors + metadata_errors(obj, kind_schema.namespaced) + _cel_errors(obj)


def validate_manifest(obj: dict[str, Any], crd_dir: Path) -> list[str]:
    """Errors (empty when valid) for one object, against the CRDs in `crd_dir` (parsed once per dir)."""
    return validate_object(obj, load_crds(crd_dir.resolve()))


# --- a whole fleet checkout -------------------------------------------------------------------------

_SKIPPED_TOP_DIRS = {"charts"}  # Helm templates are not plain YAML; the chart has its own lint
_KUSTOMIZE_API = "kustomize.config.k8s.io/"


def _skipped(rel: Path) -> bool:
    # `flux bootstrap` writes its own components (CRDs, Deployments) under clusters/<name>/flux-system/.
    flux_bootstrap = rel.parts[0] == "clusters" and "flux-system" in rel.parts[:-1]
    return (
        any(part.startswith(".") for part in rel.parts) or rel.parts[0] in _SKIPPED_TOP_DIRS or flux_bootstrap
    )


def _fleet_yaml_files(root: Path) -> Iterator[Path]:
    for path in sorted(root.rglob("*")):
        if _skipped(path.relative_to(root)):
            continue
        if path.is_file() and path.suffix in {".yaml", ".yml"}:
            yield path


def _store_location(rel: Path) -> tuple[str | None, str, str] | None:
    """(cluster, tenant, store id) when `rel` is a file of a store directory: tenants/<tenant>/<store>/
    (the home cluster: None) or clusters/<cluster>/tenants/<tenant>/<store>/."""
    home = len(rel.parts) == 4 and rel.parts[0] == TENANTS_DIR
    other = len(rel.parts) == 6 and rel.parts[0] == CLUSTERS_DIR and rel.parts[2] == TENANTS_DIR
    return parse_store_dir(rel.as_posix()) if home or other else None


def _store_yaml_errors(path: Path, rel: Path) -> list[str]:
    try:
        spec = parse_store_yaml(path.read_bytes())
    except StoreYamlError as exc:
        return [str(exc)]
    if _store_location(rel) != (spec.cluster, spec.tenant, spec.store_id):
        return [f"store.yaml of {spec.tenant}/{spec.store_id} must be at {store_dir(spec)}/{STORE_FILE}"]
    return []


def _kustomization_errors(path: Path, documents: list[Any]) -> list[str]:
    if len(documents) != 1 or not isinstance(documents[0], dict):
        return ["a kustomization.yaml holds exactly one mapping"]
    config = documents[0]
    if (
        not str(config.get("apiVersion", "")).startswith(_KUSTOMIZE_API)
        or config.get("kind") != "Kustomization"
    ):
        return [f"must be apiVersion {_KUSTOMIZE_API}v1beta1, kind Kustomization"]
    resources = config.get("resources") or []
    errors = [
        f"resources: {r!r} is platform state and must never be applied"
        for r in resources
        if Path(str(r)).name == STORE_FILE
    ]
    errors += [f"resources: {r!r} does not exist" for r in resources if not (path.parent / str(r)).exists()]
    siblings = {p.name for p in path.parent.iterdir() if p.suffix in {".yaml", ".yml"}} - {
        STORE_FILE,
        path.name,
    }
    errors += [
        f"{name} is never applied: list it in resources"
        for name in sorted(siblings - set(map(str, resources)))
    ]
    return errors


def _object_errors(obj: Any, rel: Path, schemas: Mapping[tuple[str, str], KindSchema]) -> list[str]:
    errors = validate_object(obj, schemas)
    location = _store_location(rel)
    if location is not None and isinstance(obj, dict) and isinstance(obj.get("metadata"), dict):
        labels = obj["metadata"].get("labels") or {}
        expected = {LABEL_TENANT: location[1], LABEL_STORE: location[2]}
        errors += [f"metadata.labels[{k!r}] must be {v!r}" for k, v in expected.items() if labels.get(k) != v]
    kind = f"{obj.get('kind')}/{(obj.get('metadata') or {}).get('name')}" if isinstance(obj, dict) else "?"
    return [f"{kind}: {error}" for error in errors]


def _file_errors(path: Path, rel: Path, schemas: Mapping[tuple[str, str], KindSchema]) -> list[str]:
    if path.name == STORE_FILE:
        return _store_yaml_errors(path, rel)
    try:
        documents = load_yaml_documents(path.read_bytes())
    except yaml.YAMLError as exc:
        return [f"not valid YAML: {exc}"]
    if path.name in {"kustomization.yaml", "kustomization.yml"}:
        return _kustomization_errors(path, documents)
    return [error for obj in documents for error in _object_errors(obj, rel, schemas)]


def _missing_store_yaml(root: Path) -> list[str]:
    return [
        f"{d.relative_to(root)}: a store directory without {STORE_FILE}"
        for d in sorted(_store_dirs(root))
        if not (d / STORE_FILE).is_file()
    ]


def _store_dirs(root: Path) -> list[Path]:
    roots = [root / TENANTS_DIR, *(root / CLUSTERS_DIR).glob(f"*/{TENANTS_DIR}")]
    return [d for tenants in roots if tenants.is_dir() for d in tenants.glob("*/*") if d.is_dir()]


def _copy_moved_from(directory: Path, root_cluster: str | None) -> bool:
    """Whether the directory's store.yaml says the store moved from the root of `root_cluster`."""
    try:
        spec = parse_store_yaml((directory / STORE_FILE).read_bytes())
    except (OSError, StoreYamlError):
        return False
    return spec.moved_from is not None and spec.moved_from.cluster == root_cluster


def _stores_in_two_roots(root: Path) -> list[str]:
    """A store lives under one cluster's root, except while it moves (docs/clusters.md "Moving a
    store"): then under two, the target's copy naming the other root in its `moved_from`."""
    by_store: dict[str, list[tuple[str | None, Path]]] = {}
    for directory in _store_dirs(root):
        found = _store_location(directory.relative_to(root) / STORE_FILE)
        if found is not None:
            by_store.setdefault(found[2], []).append((found[0], directory))
    errors = []
    for store_id, places in sorted(by_store.items()):
        if len(places) == 1:
            continue
        (first, first_dir), (second, second_dir) = places[0], places[-1]
        moving = len(places) == 2 and (
            _copy_moved_from(second_dir, first) or _copy_moved_from(first_dir, second)
        )
        if not moving:
            where = ", ".join(sorted(str(d.relative_to(root)) for _, d in places))
            errors.append(
                f"{where}: store {store_id} is under several clusters' roots (only a move's copy may be,"
                " its store.yaml naming the other root in moved_from)"
            )
    return errors


def validate_tree(root: Path, crd_dir: Path) -> list[str]:
    """Errors (`<path>: <problem>`) for every YAML file of a fleet checkout; empty when all is valid.

    store.yaml files are checked as StoreSpecs (and against their directory), kustomization.yaml files
    as kustomize configs that list every Kubernetes file of their directory and never store.yaml,
    everything else as Kubernetes objects. Skipped: hidden paths (.git), charts/ (Helm templates are
    not plain YAML) and clusters/*/flux-system/ (what `flux bootstrap` writes).
    """
    schemas = load_crds(crd_dir.resolve())
    errors = _missing_store_yaml(root) + _stores_in_two_roots(root)
    for path in _fleet_yaml_files(root):
        rel = path.relative_to(root)
        errors += [f"{rel}: {error}" for error in _file_errors(path, rel, schemas)]
    return errors
