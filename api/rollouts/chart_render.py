"""A real Helm render of a chart version before a rollout commits it: one sample store per engine,
with the values the renderer gives it under the platform's profile. It runs where the Helm engine
is installed (`pip install 'storefleet[helm]'`: helm-python-sdk, Helm v4 as a library, about 240 MB,
which is why it is not a default dependency); elsewhere the check says it was skipped."""

from __future__ import annotations

import importlib.util
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any


def helm_available() -> bool:
    return importlib.util.find_spec("helm_python") is not None


def render_errors(files: Mapping[str, bytes], samples: Mapping[str, tuple[str, dict[str, Any]]]) -> list[str]:
    """Render the chart (`files`: path inside the chart -> bytes) once per sample (label -> (release
    name, values)); the problems found, one per failed sample."""
    import helm_python as helm  # the optional extra: imported only when a rollout is validated

    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="storefleet-chart-") as tmp:
        root = Path(tmp)
        for path, data in files.items():
            target = root / path.lstrip("/")
            if not target.resolve().is_relative_to(root.resolve()):
                return [f"chart path {path!r} leaves the chart"]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        try:
            chart = helm.Chart.load(root)
        except Exception as exc:  # whatever Helm refuses is the answer
            return [f"Helm cannot load the chart: {exc}"]
        with chart:
            for label, (name, values) in samples.items():
                try:
                    rendered = chart.render(values, name=name, namespace=name, is_install=True)
                except Exception as exc:
                    problems.append(f"Helm cannot render a {label} store: {str(exc)[:500]}")
                    continue
                if not any(text.strip() for path, text in rendered.items() if not path.endswith("NOTES.txt")):
                    problems.append(f"Helm renders nothing for a {label} store")
    return problems
