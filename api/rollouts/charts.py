"""Which store chart versions a rollout may use, and the checks a chart passes before anything is
committed: it exists (in the fleet repo at `charts/ecommerce-store-<version>/`, or as the chart this
release ships, which the first wave then adds in its own commit), its Chart.yaml says that version,
its `values.schema.json` accepts what the renderer would give each engine under this profile (merged
over the chart's `values.yaml`, as Helm does) with the rollout's change applied, and Helm renders it.
An image or values rollout checks every chart its stores use (the default one: `version` None)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ruamel.yaml.error import YAMLError

from storefleet.api.core.errors import ServiceUnavailable, ValidationFailed
from storefleet.api.fleet.reader import FleetReader
from storefleet.api.fleet.repo import FleetRepository, GitError
from storefleet.api.rollouts import chart_render
from storefleet.renderer.manifests import store_host
from storefleet.renderer.profile import RenderProfile, versioned_chart_path
from storefleet.renderer.spec import Engine, StoreSpec
from storefleet.renderer.template import vendored_chart
from storefleet.renderer.values import chart_values
from storefleet.renderer.values_patch import merge_patch
from storefleet.renderer.yamlio import load as load_yaml


class UnknownChartVersion(ValidationFailed):
    code = "UNKNOWN_CHART_VERSION"


class ChartRejected(ValidationFailed):
    code = "CHART_VALUES_REJECTED"


class FleetUnavailable(ServiceUnavailable):
    code = "FLEET_UNAVAILABLE"


@dataclass(frozen=True)
class ChartSource:
    version: str | None  # None: the fleet repo's default chart
    add_chart: bool  # not in the repo: the packaged chart is committed before wave 1
    files: dict[str, bytes]  # path inside the chart -> bytes

    @property
    def chart_yaml(self) -> bytes:
        return self.files["Chart.yaml"]

    @property
    def schema(self) -> bytes | None:
        return self.files.get("values.schema.json")

    @property
    def label(self) -> str:
        return f"chart {self.version}" if self.version else "the default chart"

    def defaults(self) -> dict[str, Any]:
        raw = self.files.get("values.yaml")
        loaded = load_yaml(raw) if raw else None
        return dict(loaded) if isinstance(loaded, dict) else {}


def packaged_version() -> str:
    chart = load_yaml(vendored_chart("")["/Chart.yaml"])
    return str(chart["version"])


async def find_chart(reader: FleetReader | None, profile: RenderProfile, version: str | None) -> ChartSource:
    directory = versioned_chart_path(profile.chart_path, version) if version else profile.chart_path

    def read(repo: FleetRepository, head: str | None) -> dict[str, bytes] | None:
        if head is None or repo.read_file(head, f"{directory}/Chart.yaml") is None:
            return None
        files: dict[str, bytes] = {}
        for folder, names in repo.list_directories(head, [directory]).items():
            for name in names:
                data = repo.read_file(head, f"{folder}/{name}")
                if data is not None:
                    files[f"{folder}/{name}".removeprefix(f"{directory}/")] = data
        return files

    try:
        found = None if reader is None else await reader.call(read, fetch="always")
    except GitError as exc:
        raise FleetUnavailable(
            f"The fleet repo cannot be read right now ({exc}); nothing was recorded. Try again later.",
            headers={"Retry-After": "30"},
        ) from exc
    if found is not None:
        return ChartSource(version, False, found)
    if version is None:  # a repo set up by `fleet init` has it; else the chart this release ships
        return ChartSource(None, False, {k.lstrip("/"): v for k, v in vendored_chart("").items()})
    if version == packaged_version():
        return ChartSource(version, True, {k.lstrip("/"): v for k, v in vendored_chart("").items()})
    raise UnknownChartVersion(
        f"No store chart {version}: neither {directory}/ in the fleet repo nor the chart this release ships"
        f" ({packaged_version()}). Commit the chart version to the fleet repo first."
    )


def check_chart(
    source: ChartSource,
    profile: RenderProfile,
    change: dict[str, Any] | None = None,
    engines: Sequence[Engine] = tuple(Engine),
) -> list[str]:
    """The checks that passed for a sample store of each engine with `change` (spec fields) applied;
    raises ChartRejected naming the first problem."""
    checks = _declared_version(source)
    samples = {engine.value: _sample_values(engine, profile, source.version, change) for engine in engines}
    checks += _schema_checks(source, profile, samples)
    if not chart_render.helm_available():
        return [*checks, "Helm render: skipped (the Helm engine is not installed: storefleet[helm])"]
    problems = chart_render.render_errors(source.files, {e: (SAMPLE_STORE_ID, v) for e, v in samples.items()})
    if problems:
        raise ChartRejected(f"{source.label}: {problems[0]}", details={"problems": problems})
    profile_name = profile.values_profile.value
    return [*checks, *(f"Helm renders {source.label} for a {e} store ({profile_name})" for e in samples)]


def _declared_version(source: ChartSource) -> list[str]:
    try:
        declared = str(load_yaml(source.chart_yaml).get("version"))
    except (YAMLError, AttributeError) as exc:
        raise ChartRejected(f"Chart.yaml of {source.label} is not readable: {exc}") from exc
    if source.version is None:
        return []
    if declared != source.version:
        raise ChartRejected(f"the Chart.yaml of chart directory {source.version} declares version {declared}")
    return [f"Chart.yaml declares {declared}"]


def _schema_checks(
    source: ChartSource, profile: RenderProfile, samples: dict[str, dict[str, Any]]
) -> list[str]:
    # jsonschema (with referencing and rpds) costs ~4 MB of every API process if imported at start
    from jsonschema import Draft7Validator

    if source.schema is None:
        return [f"{source.label}: no values.schema.json to check the values against"]
    checks = []
    validator = Draft7Validator(json.loads(source.schema))
    defaults = source.defaults()
    for engine, values in samples.items():
        # Helm validates the user's values merged over the chart's values.yaml
        errors = sorted(validator.iter_errors(merge_patch(defaults, values)), key=str)
        if errors:
            where = "/".join(str(p) for p in errors[0].absolute_path) or "<root>"
            raise ChartRejected(
                f"{source.label} rejects the values of a {engine} store at {where}: {errors[0].message}"
            )
        checks.append(
            f"values.schema.json of {source.label} accepts a {engine} store ({profile.values_profile.value})"
        )
    return checks


SAMPLE_STORE_ID = "st-aaaaaaaaaa"


def _sample_values(
    engine: Engine, profile: RenderProfile, version: str | None, change: dict[str, Any] | None
) -> dict[str, Any]:
    fields = {"store_id": SAMPLE_STORE_ID, "tenant": "u-aaaaaaaaaa", "name": "sample", "engine": engine}
    spec = StoreSpec.model_validate({**fields, "chart_version": version, **(change or {})})
    return chart_values(spec, profile, store_host(spec, profile))
