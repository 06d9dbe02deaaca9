"""The platform's own fleet repo for `storefleet up`: a bare repo in the state dir, seeded once
from the gitops-template, that the writer pushes to and /git/fleet.git serves."""

from __future__ import annotations

import logging
import subprocess
import tempfile
from pathlib import Path

from storefleet.api.fleet.repo import Identity

log = logging.getLogger(__name__)


def _git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, timeout=60)  # noqa: S603,S607


def ensure_local_fleet_repo(path: Path, branch: str, identity: Identity, files: dict[str, bytes]) -> bool:
    """Create and seed the bare repo unless it exists; True if it was created now."""
    if (path / "HEAD").exists():
        return False
    # Built beside its final place and renamed, so a run killed half-way leaves no half-seeded repo.
    staging = path.with_name(path.name + ".new")
    subprocess.run(["rm", "-rf", str(staging)], check=True)  # noqa: S603,S607
    path.parent.mkdir(parents=True, exist_ok=True)
    _git("init", "--bare", "--quiet", f"--initial-branch={branch}", str(staging), cwd=path.parent)
    with tempfile.TemporaryDirectory(prefix="fleet-seed-") as tmp:
        work = Path(tmp)
        _git("init", "--quiet", f"--initial-branch={branch}", cwd=work)
        for relative, data in files.items():
            target = work / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        _git("add", "--all", cwd=work)
        _git(
            "-c",
            f"user.name={identity.name}",
            "-c",
            f"user.email={identity.email}",
            "commit",
            "--quiet",
            "-m",
            "fleet: initialise from the storefleet gitops-template",
            cwd=work,
        )
        _git("push", "--quiet", str(staging), f"HEAD:refs/heads/{branch}", cwd=work)
    staging.rename(path)
    log.info("created the local fleet repo %s (branch %s)", path, branch)
    return True
