"""The platform image's build, replayed without a Docker engine, and what it installs used as a user
would: outside the checkout, in an empty directory.

The build context is what `.dockerignore` lets in (Docker's own matching rules); the Dockerfile's COPY
steps are replayed from it stage by stage; the dashboard stage runs its own RUN lines (npm) and the
wheel is built from the build stage's files and installed, with its pinned dependencies, into a fresh
virtualenv. A Debian bookworm root made with debootstrap would be closer still to the image's OS, but
it adds minutes and tests only what the image's one apt line installs (git, CA certificates), which the
host has: what can break here — files missing from the wheel, a path into a checkout — is all covered.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from storefleet import __version__
from storefleet.renderer.profile import RenderProfile

from .dockerbuild import copy_context, parse_stages, replay_copies, stage
from .installed import InstalledPlatform, free_port, wait_for

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
CHART_PATH = RenderProfile().chart_path


@dataclass
class ImageBuild:
    wheel: Path
    venv: Path


def _run(command: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: float = 600) -> str:
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{' '.join(command)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


def _build_dashboard(context: Path, root: Path) -> Path:
    """The dashboard stage: its COPY steps, then its RUN lines as written (npm from the warm cache)."""
    dashboard = stage(parse_stages(context / "Dockerfile"), "dashboard")
    replay_copies(dashboard, context, {}, root)
    workdir = root / "src/frontend"
    env = {**os.environ, "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD": "1", "NPM_CONFIG_PREFER_OFFLINE": "true"}
    for command in dashboard.runs:
        _run(["bash", "-euo", "pipefail", "-c", command], workdir, env)
    assert (workdir / "dist/index.html").is_file()
    return root


@pytest.fixture(scope="module")
def image_build(tmp_path_factory: pytest.TempPathFactory) -> ImageBuild:
    work = tmp_path_factory.mktemp("image")
    context = copy_context(ROOT, work / "context")
    roots = {"dashboard": _build_dashboard(context, work / "dashboard")}
    build = stage(parse_stages(context / "Dockerfile"), "build")
    replay_copies(build, context, roots, work / "build")
    assert any("pip install" in run and " ." in run for run in build.runs), "the build stage installs ."
    sources = work / "build/src"
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(work),
            ".",
        ],
        sources,
    )
    (wheel,) = work.glob("storefleet-*.whl")
    venv = work / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], work)
    pip = [str(venv / "bin/python"), "-m", "pip", "--disable-pip-version-check", "-q"]
    _run([*pip, "install", "-c", str(ROOT / "constraints.txt"), str(wheel)], work)
    return ImageBuild(wheel, venv)


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }


def _wheel_tree(wheel: Path, prefix: str) -> dict[str, bytes]:
    with zipfile.ZipFile(wheel) as archive:
        return {
            name.removeprefix(prefix): archive.read(name)
            for name in archive.namelist()
            if name.startswith(prefix)
        }


def test_the_wheel_carries_chart_template_migrations_and_dashboard(image_build: ImageBuild) -> None:
    wheel = image_build.wheel
    assert wheel.name == f"storefleet-{__version__}-py3-none-any.whl"
    assert _wheel_tree(wheel, "storefleet/renderer/ecommerce_store_chart/") == _tree(
        ROOT / "helm/ecommerce-store"
    )
    assert _wheel_tree(wheel, "storefleet/renderer/gitops_template/") == _tree(ROOT / "gitops-template")
    migrations = _wheel_tree(wheel, "storefleet/api/db/migrations/")
    assert migrations == {p.name: p.read_bytes() for p in (ROOT / "api/db/migrations").glob("*.sql")}
    dashboard = _wheel_tree(wheel, "storefleet/dashboard/")
    assert "index.html" in dashboard and any(name.startswith("assets/") for name in dashboard)
    with zipfile.ZipFile(wheel) as archive:
        links = [i.filename for i in archive.infolist() if (i.external_attr >> 16) & 0o170000 == 0o120000]
        simulation = [name for name in archive.namelist() if "storefleet_demo" in name or "kmock" in name]
    assert not links, f"symlinks in the wheel: {links}"
    assert not simulation, f"the simulated cluster (the demo extra) in the platform's wheel: {simulation}"


def _user_env(home: Path) -> dict[str, str]:
    """A user's environment: nothing that points into the checkout or at the test's database."""
    drop = {"PYTHONPATH", "VIRTUAL_ENV", "DATABASE_URL", "JWT_SECRET", "FRONTEND_DIST", "KUBECONFIG"}
    env = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("STOREFLEET_")}
    return {**env, "HOME": str(home), "PASSWORD_HASH_PROFILE": "cheapest"}


@pytest.mark.parametrize("engine", ["flux", "argocd"])
def test_fleet_init_writes_a_repo_whose_chart_exists(
    image_build: ImageBuild, engine: str, tmp_path: Path
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    storefleet = str(image_build.venv / "bin/storefleet")
    _run(
        [storefleet, "fleet", "init", "--engine", engine, "--cluster", "demo", "fleet"],
        empty,
        _user_env(tmp_path),
    )
    chart = empty / "fleet" / CHART_PATH
    assert _tree(chart) == _tree(ROOT / "helm/ecommerce-store")
    assert (empty / "fleet/clusters/demo").is_dir()


@pytest.fixture(scope="module")
def platform(
    image_build: ImageBuild, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[InstalledPlatform]:
    home = tmp_path_factory.mktemp("home")
    plat = InstalledPlatform(image_build.venv / "bin/storefleet", home, _user_env(home))
    plat.start_up()
    yield plat
    plat.stop_all()


def test_up_serves_the_packaged_dashboard(platform: InstalledPlatform) -> None:
    index = platform.get("/")
    assert index.status_code == 200 and index.headers["content-type"].startswith("text/html")
    asset = next(line.split('"')[1] for line in index.text.split() if line.startswith('src="/assets/'))
    assert platform.get(asset).status_code == 200
    assert platform.get("/stores/some-deep-link").status_code == 200, "the app's routes fall back to it"


def test_up_accepts_a_store_and_commits_it(platform: InstalledPlatform, tmp_path: Path) -> None:
    store = platform.create_store("acme-shop")
    history = f"/api/v1/stores/{store['id']}/history"
    commits = wait_for(lambda: platform.get(history, auth=True).json()["commits"], 60)
    assert commits[0]["action"] == "create"
    clone = tmp_path / "fleet"
    _run(["git", "clone", "-q", str(platform.state_dir / "fleet.git"), str(clone)], tmp_path)
    (release,) = clone.glob(f"tenants/*/{store['id']}/helmrelease.yaml")
    chart = yaml.safe_load(release.read_text())["spec"]["chart"]["spec"]["chart"]
    assert (clone / chart / "Chart.yaml").is_file(), f"the HelmRelease's chart {chart} is not in the repo"


def test_up_describes_the_packaged_catalogue_templates(platform: InstalledPlatform) -> None:
    # Read from the chart inside the wheel, with no checkout around.
    templates = platform.get("/api/v1/templates", auth=True).json()["templates"]
    assert [t["name"] for t in templates] == ["classic", "minimal", "fashion", "electronics", "food"]
    assert all(t["products"] > 0 and t["categories"] > 0 for t in templates)


def test_api_writer_and_migrate_start_against_that_database(platform: InstalledPlatform) -> None:
    env = platform.production_env()
    assert "up to date" in _run([str(platform.storefleet), "migrate"], platform.home, env)
    port = free_port()
    api = platform.spawn("api", ["api", "--host", "127.0.0.1", "--port", str(port)], env)
    listed = wait_for(lambda: platform.get("/api/v1/stores", auth=True, port=port).json(), 30)
    assert [s["name"] for s in listed["stores"]] == ["acme-shop"]
    assert platform.get("/", port=port).headers["content-type"].startswith("text/html")
    writer = platform.spawn(
        "writer", ["writer"], {**env, "FLEET_REPO_URL": str(platform.state_dir / "fleet.git")}
    )
    wait_for(lambda: "fleet writer started" in platform.log("writer"), 30)
    for process in (writer, api):
        assert process.poll() is None, platform.log("writer") + platform.log("api")
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
