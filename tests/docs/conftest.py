"""The Helm fixtures of tests/helm (the real Helm v4 engine, the Kubernetes schemas), shared here.

Under importlib mode a conftest is not importable by name, so tests/helm/conftest.py is loaded from
its path once and its fixtures are re-exported for the tests in this folder.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType


def _load(path: Path, name: str) -> ModuleType:
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


_helm = _load(Path(__file__).resolve().parents[1] / "helm" / "conftest.py", "storefleet_tests_helm_conftest")

platform_chart = _helm.platform_chart
render_platform = _helm.render_platform
kit = _helm.kit
