"""What each image's build reads is in its build context, and the distribution names every package."""

from __future__ import annotations

import runpy
import tomllib
from pathlib import Path

import pytest
import yaml

from storefleet import __version__
from storefleet.renderer.profile import RenderProfile

from .dockerbuild import context_files, parse_stages

ROOT = Path(__file__).resolve().parents[2]
# (build context, Dockerfile): the platform, the Medusa storefront SPA, the Medusa application
CONTEXTS = (ROOT, ROOT / "storefront-medusa", ROOT / "storefront-medusa/backend")
IMAGES = [(context, context / "Dockerfile") for context in CONTEXTS]
SETUPTOOLS = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
# Folders of build output, installed dependencies or local state: an image builds these itself.
NEVER_IN_A_CONTEXT = {"node_modules", ".git", ".venv", "__pycache__", "dist", ".medusa", "test-results"}


@pytest.mark.parametrize(("context", "dockerfile"), IMAGES, ids=lambda p: str(Path(p).relative_to(ROOT)))
def test_every_copy_source_is_in_the_context(context: Path, dockerfile: Path) -> None:
    files = context_files(context)
    for stage in parse_stages(dockerfile):
        for copy in (c for c in stage.copies if c.from_stage is None):
            for source in copy.sources:
                prefix = source.strip("/").removeprefix(".").strip("/")
                found = [f for f in files if f == prefix or f.startswith(f"{prefix}/") or not prefix]
                assert found, (
                    f"{dockerfile.relative_to(ROOT)} ({stage.name}): COPY {source} is not in the context"
                )


@pytest.mark.parametrize(("context", "dockerfile"), IMAGES, ids=lambda p: str(Path(p).relative_to(ROOT)))
def test_contexts_hold_no_build_output_or_local_state(context: Path, dockerfile: Path) -> None:
    files = context_files(context)
    leaked = [f for f in files if NEVER_IN_A_CONTEXT.intersection(f.split("/")[:-1])]
    assert not leaked, leaked[:10]
    assert not [f for f in files if Path(f).name.startswith(".env")], "environment files hold secrets"


def test_the_platform_context_is_only_what_the_build_reads() -> None:
    files = context_files(ROOT)
    tops = {f.split("/", 1)[0] for f in files}
    assert tops == set(
        [
            ".dockerignore",
            "Dockerfile",
            "MANIFEST.in",
            "README.md",
            "api",
            "constraints.txt",
            "frontend",
            "gitops-template",
            "helm",
            "pyproject.toml",
            "reconciler-watch",
            "renderer",
            "setup.py",
            "src",
        ]
    )
    # src/storefleet's symlinks and the platform chart are not read by the build
    assert [f for f in files if f.startswith("src/")] == [
        "src/storefleet/__init__.py",
        "src/storefleet/py.typed",
    ]
    assert {f.split("/")[1] for f in files if f.startswith("helm/")} == {"ecommerce-store"}


def test_the_platform_image_never_carries_the_simulated_cluster() -> None:
    """`demo/` (the `storefleet-demo` distribution, the `demo` extra) ships apart: it is not in the
    image's build context, no COPY names it, and the platform's wheel maps no package to it."""
    files = context_files(ROOT)
    assert not [f for f in files if f.split("/", 1)[0] == "demo" or "storefleet_demo" in f]
    for stage in parse_stages(ROOT / "Dockerfile"):
        sources = [source for copy in stage.copies for source in copy.sources]
        assert not [source for source in sources if source.strip("./").split("/", 1)[0] == "demo"]
    assert not [package for package in SETUPTOOLS["packages"] if package.startswith("storefleet_demo")]
    assert not [folder for folder in SETUPTOOLS["package-dir"].values() if folder.startswith("demo")]


def _packages_on_disk() -> set[str]:
    """Every folder holding an __init__.py under each mapped folder, named as the mapping names it."""
    found = set()
    for package, folder in SETUPTOOLS["package-dir"].items():
        for init in (ROOT / folder).rglob("__init__.py"):
            found.add(".".join((package, *init.parent.relative_to(ROOT / folder).parts)))
    return found


def test_pyproject_names_every_package_and_nothing_else() -> None:
    # The migrations folder is data (SQL files), declared as a package so setuptools ships it.
    data_only = {"storefleet.api.db.migrations"}
    assert set(SETUPTOOLS["packages"]) == _packages_on_disk() | data_only
    assert SETUPTOOLS["package-data"]["storefleet.api.db.migrations"] == ["*.sql"]
    assert list((ROOT / "api/db/migrations").glob("*.sql"))


def test_the_version_is_stated_once_and_agreed_everywhere() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert "version" not in project and project["dynamic"] == ["version"]
    assert runpy.run_path(str(ROOT / "src/storefleet/__init__.py"))["__version__"] == __version__
    platform_chart = yaml.safe_load((ROOT / "helm/storefleet/Chart.yaml").read_text())
    assert platform_chart["appVersion"] == __version__, "the platform chart deploys this version's image"
    store_chart = yaml.safe_load((ROOT / "helm/ecommerce-store/Chart.yaml").read_text())
    assert RenderProfile().chart_version == store_chart["version"], "HelmReleases name the vendored chart"
