"""gitops-template instantiated for both engines: valid manifests, applied the way the design says."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from storefleet.renderer import argocd
from storefleet.renderer.manifests import render_store, store_dir
from storefleet.renderer.profile import GitOpsEngine, RenderProfile
from storefleet.renderer.template import TemplateError, instantiate_template, template_files
from storefleet.renderer.validate import validate_tree

REPO = Path(__file__).parents[2]
URL = "https://git.example.com/platform/fleet.git"
PLACEHOLDER = re.compile(rb"__[A-Z_]+__")


def _write(root: Path, files: dict[str, bytes]) -> None:
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)


def _fleet(root: Path, engine: GitOpsEngine, specs: list[Any]) -> Path:
    _write(root, instantiate_template(engine, "prod", URL, "main"))
    profile = RenderProfile(gitops_engine=engine, fleet_repo_url=URL)
    for spec in specs:
        _write(root / store_dir(spec), render_store(spec, profile))
    return root


def _objects(root: Path, rel: str) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all((root / rel).read_bytes()) if d is not None]


@pytest.fixture
def specs(make_spec: Any) -> list[Any]:
    return [
        make_spec(),
        make_spec(store_id="st-bbbbbbbbbb", name="other", engine="medusa"),
        make_spec(store_id="st-cccccccccc", tenant="u-cccccccccc", theme="astra"),
    ]


def test_file_sets_and_no_placeholder_left() -> None:
    flux = instantiate_template(GitOpsEngine.FLUX, "prod", URL, "main")
    argo = instantiate_template(GitOpsEngine.ARGOCD, "prod", URL, "main")
    assert list(flux) == [
        ".sourceignore",
        "README.md",
        "clusters/prod/fleet-source.yaml",
        "clusters/prod/tenants.yaml",
        "tenants/README.md",
    ]
    assert list(argo) == [
        "README.md",
        "clusters/prod/projects.yaml",
        "clusters/prod/tenants.yaml",
        "tenants/README.md",
    ]
    for files in (flux, argo):
        for path, data in files.items():
            assert not PLACEHOLDER.search(path.encode()) and not PLACEHOLDER.search(data), path
    assert b"applied by Flux" in flux["README.md"] and b"applied by Argo CD" in argo["README.md"]


@pytest.mark.parametrize("engine", list(GitOpsEngine))
def test_instantiated_template_validates_with_and_without_stores(
    tmp_path: Path, crd_dir: Path, engine: GitOpsEngine, specs: list[Any]
) -> None:
    assert validate_tree(_fleet(tmp_path / "empty", engine, []), crd_dir) == []
    assert validate_tree(_fleet(tmp_path / "stores", engine, specs), crd_dir) == []


def test_flux_objects_match_the_render_profile(tmp_path: Path) -> None:
    root = _fleet(tmp_path, GitOpsEngine.FLUX, [])
    source, kustomization = (
        _objects(root, "clusters/prod/fleet-source.yaml")[0],
        _objects(root, "clusters/prod/tenants.yaml")[0],
    )
    assert source["metadata"] == {
        **source["metadata"],
        "name": RenderProfile().flux_source_name,
        "namespace": "flux-system",
    }
    assert source["spec"]["url"] == URL and source["spec"]["ref"] == {"branch": "main"}
    assert kustomization["spec"]["path"] == "./tenants" and kustomization["spec"]["prune"] is True
    assert kustomization["spec"]["sourceRef"] == {"kind": "GitRepository", "name": "fleet"}
    assert kustomization["spec"]["deletionPolicy"] == "Orphan"


def _flux_applied(tenants: Path) -> set[Path]:
    """What kustomize-controller applies from a tree with no root kustomization.yaml: its generator adds
    a sub-directory holding a kustomization.yaml as one resource (without descending), else every YAML."""
    applied: set[Path] = set()
    for child in sorted(tenants.iterdir()):
        if child.is_dir() and (child / "kustomization.yaml").is_file():
            config = yaml.safe_load((child / "kustomization.yaml").read_bytes())
            applied |= {child / rel for rel in config["resources"]}
        elif child.is_dir():
            applied |= _flux_applied(child)
        elif child.suffix in {".yaml", ".yml"}:
            applied.add(child)
    return applied


def test_flux_applies_every_kubernetes_file_and_never_store_yaml(tmp_path: Path, specs: list[Any]) -> None:
    root = _fleet(tmp_path, GitOpsEngine.FLUX, specs)
    applied = {p.relative_to(root).as_posix() for p in _flux_applied(root / "tenants")}
    expected = {f"{store_dir(s)}/{name}" for s in specs for name in ("namespace.yaml", "helmrelease.yaml")}
    assert applied == expected


def _argo_glob(pattern: str) -> re.Pattern[str]:
    """Argo CD's directory include glob (gobwas/glob, no separators): `*` spans '/', `{a,b}` alternates."""
    out = ""
    for token in re.findall(r"\{[^}]*\}|\*|[^{*]+", pattern):
        if token == "*":
            out += ".*"
        elif token.startswith("{"):
            out += "(" + "|".join(_argo_glob(alt).pattern[:-1] for alt in token[1:-1].split(",")) + ")"
        else:
            out += re.escape(token)
    return re.compile(out + "$")


def test_argocd_root_app_applies_namespace_and_application_never_store_yaml(
    tmp_path: Path, specs: list[Any]
) -> None:
    root = _fleet(tmp_path, GitOpsEngine.ARGOCD, specs)
    app = _objects(root, "clusters/prod/tenants.yaml")[0]
    source = app["spec"]["source"]
    assert (source["repoURL"], source["targetRevision"], source["path"]) == (URL, "main", "tenants")
    assert source["directory"]["recurse"] is True
    assert app["spec"]["syncPolicy"]["automated"] == {"prune": True, "selfHeal": True, "allowEmpty": True}
    assert "finalizers" not in app["metadata"]
    include = _argo_glob(source["directory"]["include"])
    tenants = root / "tenants"
    files = [p.relative_to(tenants).as_posix() for p in tenants.rglob("*") if p.suffix in {".yaml", ".yml"}]
    applied = {f for f in files if include.match(f)}
    assert applied == {
        f"{store_dir(s).removeprefix('tenants/')}/{n}"
        for s in specs
        for n in ("namespace.yaml", "application.yaml")
    }


def test_argocd_projects_fence_the_store_applications(tmp_path: Path, make_spec: Any) -> None:
    root = _fleet(tmp_path, GitOpsEngine.ARGOCD, [make_spec()])
    projects = {p["metadata"]["name"]: p["spec"] for p in _objects(root, "clusters/prod/projects.yaml")}
    root_app = _objects(root, "clusters/prod/tenants.yaml")[0]
    store_app = _objects(root, f"{store_dir(make_spec())}/application.yaml")[0]
    assert set(projects) == {root_app["spec"]["project"], store_app["spec"]["project"]}
    stores = projects[argocd.STORES_PROJECT]
    assert stores["sourceRepos"] == [URL] and stores["clusterResourceWhitelist"] == []
    assert re.fullmatch(stores["destinations"][0]["namespace"].replace("*", ".*"), make_spec().store_id)


def test_names_are_configurable() -> None:
    files = instantiate_template(
        GitOpsEngine.FLUX, "prod", URL, "release", flux_source_name="storefleet", argocd_namespace="gitops"
    )
    assert b"name: storefleet\n" in files["clusters/prod/fleet-source.yaml"]
    assert b"branch: release\n" in files["clusters/prod/fleet-source.yaml"]
    argo = instantiate_template(GitOpsEngine.ARGOCD, "prod", URL, "main", argocd_namespace="gitops")
    assert b"namespace: gitops\n" in argo["clusters/prod/tenants.yaml"]


@pytest.mark.parametrize(
    ("engine", "cluster", "url", "branch", "message"),
    [
        ("flux", "Prod", URL, "main", "cluster"),
        ("flux", "prod/x", URL, "main", "cluster"),
        ("flux", "prod", "file:///srv/fleet.git", "main", "repo URL"),
        ("flux", "prod", "git@github.com:org/fleet.git", "main", "repo URL"),
        ("flux", "prod", "https://example.com/a b.git", "main", "repo URL"),
        ("flux", "prod", 'https://example.com/"x', "main", "repo URL"),
        ("flux", "prod", URL, "a..b", "branch"),
        ("flux", "prod", URL, "-main", "branch"),
        ("flux", "prod", URL, "main: x", "branch"),
        ("argocd", "prod", "git@github.com:org/fleet git", "main", "repo URL"),
    ],
)
def test_unsafe_parameters_are_refused(
    engine: str, cluster: str, url: str, branch: str, message: str
) -> None:
    with pytest.raises(TemplateError, match=message):
        instantiate_template(GitOpsEngine(engine), cluster, url, branch)


def test_argocd_accepts_scp_like_urls() -> None:
    files = instantiate_template(GitOpsEngine.ARGOCD, "prod", "git@github.com:org/fleet.git", "main")
    assert yaml.safe_load(files["clusters/prod/tenants.yaml"])["spec"]["source"]["repoURL"] == (
        "git@github.com:org/fleet.git"
    )


def _template_tree() -> set[str]:
    root = REPO / "gitops-template"
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def test_package_data_holds_every_template_file() -> None:
    shipped = {"README.md"}  # the template's own README, for storefleet developers
    for engine in GitOpsEngine:
        folder = "flux" if engine is GitOpsEngine.FLUX else "argocd"
        for rel in template_files(engine):
            common = (REPO / "gitops-template" / "common" / rel).is_file()
            shipped.add(f"common/{rel}" if common else f"{folder}/{rel}")
    assert shipped == _template_tree()


def test_validation_skips_chart_templates_flux_bootstrap_and_git(tmp_path: Path, crd_dir: Path) -> None:
    root = _fleet(tmp_path, GitOpsEngine.FLUX, [])
    _write(
        root,
        {
            "charts/ecommerce-store/templates/deployment.yaml": b"replicas: {{ .Values.replicas }}\n",
            "clusters/prod/flux-system/gotk-components.yaml": b"apiVersion: apps/v1\nkind: Deployment\n",
            ".git/config.yaml": b"[core]\n",
        },
    )
    assert validate_tree(root, crd_dir) == []
    _write(root, {"clusters/prod/extra.yaml": b"apiVersion: apps/v1\nkind: Deployment\n"})
    assert validate_tree(root, crd_dir) == [
        "clusters/prod/extra.yaml: Deployment/None: no schema for apiVersion='apps/v1' kind='Deployment'"
    ]
