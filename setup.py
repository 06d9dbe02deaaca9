"""Bundles the data folders that live beside the code into the wheel.

The store chart, the gitops-template and the dashboard's production build are top-level folders of
the repository (helm/, gitops-template/, frontend/dist/). A checkout reaches them through symlinks;
a wheel must carry real copies, so `build_py` copies them in explicitly and never follows a symlink.
Everything else about the distribution is declared in pyproject.toml.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
# (folder in the repository, where it lands in the wheel, what to do when it is missing)
BUNDLED = (
    ("gitops-template", "storefleet/renderer/gitops_template", "required"),
    ("helm/ecommerce-store", "storefleet/renderer/ecommerce_store_chart", "required"),
    ("frontend/dist", "storefleet/dashboard", "dashboard"),
)
# A wheel without the dashboard serves only the API; allowed on request, never by accident.
WITHOUT_DASHBOARD = "STOREFLEET_WHEEL_WITHOUT_DASHBOARD"
_SKIPPED = shutil.ignore_patterns("__pycache__", "*.py[cod]", ".DS_Store")


class BundleDataFolders(build_py):
    """build_py that also copies the BUNDLED folders (not in editable installs: the checkout serves)."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        for source, target, kind in BUNDLED:
            origin = ROOT / source
            if not origin.is_dir() or (kind == "dashboard" and not (origin / "index.html").is_file()):
                self._missing(source, kind)
                continue
            self._copy_tree(origin, Path(self.build_lib) / target)

    def _missing(self, source: str, kind: str) -> None:
        if kind == "dashboard" and os.environ.get(WITHOUT_DASHBOARD) == "1":
            self.announce(f"{source} is missing: building a wheel without the dashboard", level=3)
            return
        hint = "build it first (`make wheel` does)" if kind == "dashboard" else "the checkout is incomplete"
        raise SystemExit(f"error: {source}/ is missing: {hint}; {WITHOUT_DASHBOARD}=1 builds without it")

    def _copy_tree(self, origin: Path, destination: Path) -> None:
        links = [p for p in origin.rglob("*") if p.is_symlink()]
        if links:
            raise SystemExit(f"error: {origin} holds symlinks a wheel cannot carry: {links[:3]}")
        shutil.rmtree(destination, ignore_errors=True)
        shutil.copytree(origin, destination, ignore=_SKIPPED)

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        outputs: list[str] = super().get_outputs(include_bytecode)
        for _, target, _ in BUNDLED:
            destination = Path(self.build_lib) / target
            outputs += [str(p) for p in destination.rglob("*") if p.is_file()]
        return outputs


setup(cmdclass={"build_py": BundleDataFolders})
