"""Shared fixtures for the renderer tests: the vendored upstream CRDs (parsed once) and store specs."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from storefleet.renderer.spec import StoreSpec
from storefleet.renderer.validate import KindSchema, load_crds

CRD_DIR = (Path(__file__).parents[1] / "fixtures" / "crds").resolve()

SpecFactory = Callable[..., StoreSpec]


@pytest.fixture(scope="session")
def crd_dir() -> Path:
    return CRD_DIR


@pytest.fixture(scope="session")
def crd_schemas() -> Mapping[tuple[str, str], KindSchema]:
    # The ApplicationSet CRD alone is 1.4 MB: parse the folder once for the whole session
    # (load_crds caches per folder, so validate_manifest/validate_tree reuse this parse too).
    return load_crds(CRD_DIR)


@pytest.fixture
def make_spec() -> SpecFactory:
    def factory(**overrides: object) -> StoreSpec:
        fields: dict[str, object] = {
            "store_id": "st-abcdefgh23",
            "tenant": "u-abcdefgh23",
            "name": "acme-shop",
            "engine": "woocommerce",
        }
        return StoreSpec.model_validate({**fields, **overrides})

    return factory
