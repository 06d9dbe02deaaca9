"""The renderer's values for the git side are plain values, and the renderer holds no git code."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import pytest

from storefleet.renderer.model import CommitInfo, DirectoryChange


def _imported_by(code: str) -> list[str]:
    """The modules a fresh interpreter holds after running `code` (on top of what it starts with)."""
    probe = (
        "import sys, dataclasses, __future__\n"
        "before = set(sys.modules)\n"
        f"{code}\n"
        "print('\\n'.join(sorted(set(sys.modules) - before)))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True).stdout
    return out.split()


def test_the_model_imports_nothing_but_itself() -> None:
    assert _imported_by("import storefleet.renderer.model") == [
        "storefleet",
        "storefleet.renderer",
        "storefleet.renderer.model",
    ]


def test_no_renderer_module_loads_git_or_starts_processes() -> None:
    loaded = _imported_by(
        "import importlib, pkgutil, storefleet.renderer as r\n"
        "for m in pkgutil.iter_modules(r.__path__): importlib.import_module(f'storefleet.renderer.{m.name}')"
    )
    assert "storefleet.renderer.manifests" in loaded  # the probe did import the renderer
    assert not {"git", "subprocess", "storefleet.api"} & set(loaded)


def test_the_values_are_frozen_and_a_commit_summarises_by_its_first_line() -> None:
    change = DirectoryChange("tenants/t1/s1", None, "store: delete s1\n\nChange-Id: 7\n", action="delete")
    with pytest.raises(dataclasses.FrozenInstanceError):
        change.directory = "elsewhere"  # type: ignore[misc]
    commit = CommitInfo("abc", (), "Pat", "2026-01-01T00:00:00+00:00", 'Revert "x"\n\nThis reverts y.')
    assert commit.summary == 'Revert "x"' and commit.trailers == {} and commit.paths == ()
