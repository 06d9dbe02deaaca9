"""Golden files: the exact bytes of a few representative store directories, per engine.

Regenerate after an intended change, then review the diff like any other code change:

    STOREFLEET_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/renderer/test_golden.py
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from storefleet.renderer.manifests import render_store
from storefleet.renderer.profile import GitOpsEngine, RenderProfile, ValuesProfile
from storefleet.renderer.spec import StoreSpec

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("STOREFLEET_UPDATE_GOLDEN") == "1"

CASES: dict[str, tuple[dict[str, str], RenderProfile]] = {
    "flux-local-woocommerce": (
        {"engine": "woocommerce", "theme": "astra", "plan": "medium"},
        RenderProfile(),
    ),
    "flux-vps-medusa": (
        {"engine": "medusa", "plan": "small"},
        RenderProfile(values_profile=ValuesProfile.VPS, domain="shops.example.com"),
    ),
    "argocd-local-woocommerce": (
        {"engine": "woocommerce", "plan": "small"},
        RenderProfile(gitops_engine=GitOpsEngine.ARGOCD),
    ),
    "argocd-vps-medusa": (
        {"engine": "medusa", "plan": "large"},
        RenderProfile(
            gitops_engine=GitOpsEngine.ARGOCD, values_profile=ValuesProfile.VPS, domain="shops.example.com"
        ),
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_rendered_store_matches_its_golden_files(case: str) -> None:
    fields, profile = CASES[case]
    spec = StoreSpec.model_validate(
        {"store_id": "st-abcdefgh23", "tenant": "u-abcdefgh23", "name": "acme-shop", **fields}
    )
    files = render_store(spec, profile)
    directory = GOLDEN / case
    if UPDATE:
        directory.mkdir(parents=True, exist_ok=True)
        for stale in directory.iterdir():
            stale.unlink()
        for name, data in files.items():
            (directory / name).write_bytes(data)
    on_disk = {path.name: path.read_bytes() for path in sorted(directory.iterdir())}
    assert sorted(on_disk) == sorted(files), "file set changed: regenerate (see the module docstring)"
    for name, data in files.items():
        assert data == on_disk[name], f"{case}/{name} differs: regenerate (see the module docstring)"
