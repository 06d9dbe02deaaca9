"""A fleet repo for the doubles' tests: a bare repository (what the doubles read) and a work tree that
commits the renderer's store directories into it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from storefleet.renderer.manifests import render_store, store_dir
from storefleet.renderer.profile import RenderProfile
from storefleet.renderer.spec import StoreSpec

_IDENTITY = ("-c", "user.name=storefleet", "-c", "user.email=storefleet@localhost")


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *_IDENTITY, *args], cwd=cwd, capture_output=True, check=True, text=True
    ).stdout


class GitFleet:
    def __init__(self, root: Path, branch: str = "main") -> None:
        self.bare = root / "fleet.git"
        self.work = root / "fleet-work"
        self.branch = branch
        root.mkdir(parents=True, exist_ok=True)
        _git(root, "init", "--quiet", "--bare", f"--initial-branch={branch}", str(self.bare))
        _git(root, "init", "--quiet", f"--initial-branch={branch}", str(self.work))
        (self.work / "tenants").mkdir()
        (self.work / "tenants" / "README.md").write_text("store directories\n")
        self.commit("fleet: initialise")

    def write_store(self, spec: StoreSpec, profile: RenderProfile) -> None:
        target = self.work / store_dir(spec)
        if target.exists():
            shutil.rmtree(target)
        target.mkdir(parents=True)
        for name, data in render_store(spec, profile).items():
            (target / name).write_bytes(data)

    def remove_store(self, spec: StoreSpec) -> None:
        shutil.rmtree(self.work / store_dir(spec))

    def commit(self, message: str = "fleet: change") -> str:
        """Commit everything in the work tree and push it to the bare repo's branch; the new sha."""
        _git(self.work, "add", "--all")
        _git(self.work, "commit", "--quiet", "--allow-empty", "-m", message)
        _git(self.work, "push", "--quiet", str(self.bare), f"HEAD:refs/heads/{self.branch}")
        return _git(self.work, "rev-parse", "HEAD").strip()
