"""A real Helm render of a chart version before a rollout commits it: one sample store per engine,
with the values the renderer gives it under the platform's profile. It runs where the Helm engine
is installed (`pip install 'storefleet[helm]'`: helm-python-sdk, Helm v4 as a library, about 240 MB,
which is why it is not a default dependency); elsewhere the check says it was skipped.

The render runs in a child process (`python -m storefleet.api.rollouts.chart_render`, JSON on stdin
and stdout): loading Helm's Go runtime costs ~50 MB of resident memory that a long-lived API
process would keep for good, for a check made once per rollout."""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import json
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

RENDER_TIMEOUT_S = 120


def helm_available() -> bool:
    return importlib.util.find_spec("helm_python") is not None


def render_errors(files: Mapping[str, bytes], samples: Mapping[str, tuple[str, dict[str, Any]]]) -> list[str]:
    """Render the chart (`files`: path inside the chart -> bytes) once per sample (label -> (release
    name, values)), in a child process; the problems found, one per failed sample. Blocking."""
    request = {
        "files": {path: base64.b64encode(data).decode() for path, data in sorted(files.items())},
        "samples": {label: [name, values] for label, (name, values) in sorted(samples.items())},
    }
    payload = json.dumps(request, sort_keys=True)
    key = hashlib.sha256(payload.encode()).hexdigest()
    if key in _RENDERED:
        return list(_RENDERED[key])
    problems, settled = _render_in_child(payload)
    if settled:  # Helm's own answer; a timeout or a child that could not run may pass next time
        _RENDERED[key] = problems
        while len(_RENDERED) > _CACHED:
            _RENDERED.pop(next(iter(_RENDERED)))
    return problems


# The same chart bytes with the same values render the same way: the answers of the last few renders
# are kept (a rollout per chart version is validated again at its create, after its dry run).
_CACHED = 16
_RENDERED: dict[str, list[str]] = {}


def _render_in_child(payload: str) -> tuple[list[str], bool]:
    try:
        result = subprocess.run(  # noqa: S603 - this interpreter, a fixed module, no shell
            [sys.executable, "-m", __name__],
            input=payload,
            capture_output=True,
            text=True,
            timeout=RENDER_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return [f"Helm did not render the chart within {RENDER_TIMEOUT_S} s"], False
    if result.returncode != 0:
        tail = result.stderr.strip().splitlines()[-1:] or ["no output"]
        return [f"the Helm render could not run: {tail[0][:300]}"], False
    problems: list[str] = json.loads(result.stdout)
    return problems, True


def render_here(files: Mapping[str, bytes], samples: Mapping[str, tuple[str, dict[str, Any]]]) -> list[str]:
    """The render itself, in this process (the child's work)."""
    import helm_python as helm  # the optional extra

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


def _main() -> None:
    request = json.load(sys.stdin)
    files = {path: base64.b64decode(data) for path, data in request["files"].items()}
    samples = {label: (name, values) for label, (name, values) in request["samples"].items()}
    json.dump(render_here(files, samples), sys.stdout)


if __name__ == "__main__":
    _main()
