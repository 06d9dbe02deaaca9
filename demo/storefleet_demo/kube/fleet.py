"""The fleet repo as the appliers read it: a branch of a git repository, and the store directories
(`tenants/<tenant>/<store-id>/`) in a commit, read with plain git commands."""

from __future__ import annotations

import copy
import functools
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

Obj = dict[str, Any]


def _git(repo: Path, *args: str, stdin: bytes | None = None) -> bytes:
    # git from PATH, as the platform runs it; the arguments are ours
    result = subprocess.run(  # noqa: S603
        ["git", "-C", str(repo), *args],  # noqa: S607
        input=stdin,
        capture_output=True,
        check=True,
    )
    return result.stdout


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@functools.lru_cache(maxsize=4096)
def _documents(data: bytes) -> tuple[Obj, ...]:
    """A file's objects, parsed once per content: an applier pass re-reads every store directory,
    and most are the same bytes as last pass (libyaml when present: the pure-Python parser was most
    of a pass over 200 stores)."""
    return tuple(doc for doc in yaml.load_all(data, Loader=_LOADER) if isinstance(doc, dict))


@dataclass(frozen=True)
class StoreDir:
    tenant: str
    store_id: str
    files: dict[str, bytes]

    def objects(self, names: list[str]) -> list[Obj]:
        """The Kubernetes objects in the named files, in file order (empty documents skipped)."""
        found: list[Obj] = []
        for name in names:
            if name in self.files:
                found += [copy.deepcopy(doc) for doc in _documents(self.files[name])]
        return found

    def kustomize_resources(self) -> list[str]:
        """What kustomization.yaml lists: the only files kustomize applies (never store.yaml)."""
        config = yaml.safe_load(self.files.get("kustomization.yaml", b"")) or {}
        return [str(item) for item in config.get("resources") or []]


class FleetSource:
    """`root`: the store directories this cluster's applier syncs (`tenants` for the home cluster,
    `clusters/<name>/tenants` for another), as its bootstrap's Kustomization or root Application path."""

    def __init__(self, repo: Path | str, branch: str = "main", root: str = "tenants") -> None:
        self.repo = Path(repo)
        self.branch = branch
        self.root = root.strip("/")

    def head(self) -> str:
        return _git(self.repo, "rev-parse", f"refs/heads/{self.branch}").decode().strip()

    def revision(self, sha: str) -> str:
        """How Flux names a commit: `<branch>@sha1:<sha>`."""
        return f"{self.branch}@sha1:{sha}"

    def store_dirs(self, sha: str) -> dict[str, StoreDir]:
        """Every store directory at the commit, by store id."""
        listed = (
            _git(self.repo, "ls-tree", "-r", "--name-only", sha, "--", f"{self.root}/").decode().split("\n")
        )
        depth = self.root.count("/") + 3
        paths = [path for path in listed if path.count("/") == depth]
        contents = self._read(sha, paths)
        stores: dict[str, StoreDir] = {}
        for path in paths:
            tenant, store_id, name = path.split("/")[-3:]
            store = stores.setdefault(store_id, StoreDir(tenant, store_id, {}))
            store.files[name] = contents[path]
        return stores

    def _read(self, sha: str, paths: list[str]) -> dict[str, bytes]:
        """All blobs in one `git cat-file --batch` (one process, however many files)."""
        if not paths:
            return {}
        output = _git(self.repo, "cat-file", "--batch", stdin="".join(f"{sha}:{p}\n" for p in paths).encode())
        contents: dict[str, bytes] = {}
        offset = 0
        for path in paths:
            header_end = output.index(b"\n", offset)
            size = int(output[offset:header_end].split()[2])
            contents[path] = output[header_end + 1 : header_end + 1 + size]
            offset = header_end + 1 + size + 1
        return contents
