"""The fleet-repo skeleton (gitops-template/, shipped as package data) instantiated as {path: bytes}.

Reading the packaged template is the only I/O here, and it reads files that ship with the code;
`substitute` (the instantiation proper) is pure.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from importlib import resources
from importlib.resources.abc import Traversable

from storefleet.renderer.manifests import CLUSTERS_DIR, fleet_root
from storefleet.renderer.names import is_dns_label, is_dns_subdomain
from storefleet.renderer.profile import GitOpsEngine, RenderProfile, is_branch_name, is_repo_url

TEMPLATE_DIR = "gitops_template"
CHART_DIR = "ecommerce_store_chart"
COMMON = "common"
_DEFAULTS = RenderProfile()


class TemplateError(ValueError):
    """A template parameter that would produce an invalid fleet repo."""


def _walk(node: Traversable, prefix: str) -> Iterator[tuple[str, bytes]]:
    for child in sorted(node.iterdir(), key=lambda c: c.name):
        path = f"{prefix}{child.name}"
        if child.is_dir():
            yield from _walk(child, f"{path}/")
        else:
            yield path, child.read_bytes()


def template_files(engine: GitOpsEngine) -> dict[str, bytes]:
    """The raw template for `engine`: common/ overlaid with the engine's folder, placeholders intact."""
    root = resources.files("storefleet.renderer") / TEMPLATE_DIR
    files = dict(_walk(root / COMMON, ""))
    files.update(_walk(root / GitOpsEngine(engine).value, ""))
    return dict(sorted(files.items()))


def substitute(files: Mapping[str, bytes], placeholders: Mapping[str, str]) -> dict[str, bytes]:
    """Replace every placeholder in paths and contents, in one pass (a value is never re-scanned)."""
    pattern = re.compile("|".join(re.escape(p) for p in sorted(placeholders, key=len, reverse=True)))

    def apply(text: str) -> str:
        return pattern.sub(lambda match: placeholders[match.group(0)], text)

    return dict(sorted((apply(path), apply(data.decode()).encode()) for path, data in files.items()))


def _check(
    engine: GitOpsEngine, cluster: str, repo_url: str, branch: str, source: str, ns: str, velero_ns: str
) -> None:
    # Values land unquoted in YAML and in paths: refuse anything that could change their meaning.
    problems = [
        (is_dns_label(cluster), f"cluster {cluster!r} must be a DNS-1123 label"),
        (is_repo_url(repo_url, engine), f"repo URL {repo_url!r} is not a git URL {engine.value} accepts"),
        (is_branch_name(branch), f"branch {branch!r} is not a valid branch name"),
        (is_dns_subdomain(source), f"flux source name {source!r} must be a DNS-1123 subdomain"),
        (is_dns_label(ns), f"Argo CD namespace {ns!r} must be a DNS-1123 label"),
        (is_dns_label(velero_ns), f"Velero namespace {velero_ns!r} must be a DNS-1123 label"),
    ]
    for ok, message in problems:
        if not ok:
            raise TemplateError(message)


def instantiate_template(
    engine: GitOpsEngine,
    cluster: str,
    repo_url: str,
    branch: str,
    *,
    flux_source_name: str = _DEFAULTS.flux_source_name,
    argocd_namespace: str = _DEFAULTS.argocd_namespace,
    velero_namespace: str = _DEFAULTS.velero_namespace,
    home: bool = True,
) -> dict[str, bytes]:
    """The initial files of a fleet repo (path relative to the repo root -> bytes). `home=False`: only
    the bootstrap of one more cluster (`clusters/<cluster>/`), whose root is its own
    `clusters/<cluster>/tenants/` (docs/clusters.md)."""
    engine = GitOpsEngine(engine)
    _check(engine, cluster, repo_url, branch, flux_source_name, argocd_namespace, velero_namespace)
    placeholders = {
        "__TENANTS_PATH__": fleet_root(None if home else cluster),
        "__CLUSTER__": cluster,
        "__REPO_URL__": repo_url,
        "__BRANCH__": branch,
        "__ENGINE__": "Flux" if engine is GitOpsEngine.FLUX else "Argo CD",
        "__FLUX_SOURCE__": flux_source_name,
        "__ARGOCD_NAMESPACE__": argocd_namespace,
        "__VELERO_NAMESPACE__": velero_namespace,
    }
    files = substitute(template_files(engine), placeholders)
    if home:
        return files
    return {path: data for path, data in files.items() if path.startswith(f"{CLUSTERS_DIR}/{cluster}/")}


def vendored_chart(chart_path: str = _DEFAULTS.chart_path) -> dict[str, bytes]:
    """The `ecommerce-store` chart shipped with this release, placed at `chart_path` in the fleet repo.

    HelmReleases and Applications point at `chart_path` in the fleet repo itself, so a new fleet repo
    carries the chart (a platform that serves it from an OCI/Helm repo instead leaves it out).
    """
    root = resources.files("storefleet.renderer") / CHART_DIR
    prefix = chart_path.strip("/") + "/"
    return dict(sorted(_walk(root, prefix)))
