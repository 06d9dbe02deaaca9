"""Which store chart versions a rollout may use, and the checks a version passes before anything is
committed: it exists (in the fleet repo at `charts/ecommerce-store-<version>/`, or as the chart this
release ships, which the first wave then adds in its own commit), its Chart.yaml says that version,
and its `values.schema.json` accepts what the renderer would give each engine under this profile."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import jsonschema
import yaml

from storefleet.api.core.errors import ValidationFailed
from storefleet.api.fleet.reader import FleetReader
from storefleet.api.fleet.repo import FleetRepository
from storefleet.renderer.manifests import store_host
from storefleet.renderer.profile import RenderProfile, versioned_chart_path
from storefleet.renderer.spec import Engine, StoreSpec
from storefleet.renderer.template import vendored_chart
from storefleet.renderer.values import chart_values


class UnknownChartVersion(ValidationFailed):
    code = "UNKNOWN_CHART_VERSION"


class ChartRejected(ValidationFailed):
    code = "CHART_VALUES_REJECTED"


@dataclass(frozen=True)
class ChartSource:
    version: str
    add_chart: bool  # not in the repo: the packaged chart is committed before wave 1
    chart_yaml: bytes
    schema: bytes | None


def packaged_version() -> str:
    chart = yaml.safe_load(vendored_chart("")["/Chart.yaml"])
    return str(chart["version"])


async def find_chart(reader: FleetReader | None, profile: RenderProfile, version: str) -> ChartSource:
    directory = versioned_chart_path(profile.chart_path, version)

    def read(repo: FleetRepository, head: str | None) -> tuple[bytes | None, bytes | None]:
        if head is None:
            return None, None
        return (
            repo.read_file(head, f"{directory}/Chart.yaml"),
            repo.read_file(head, f"{directory}/values.schema.json"),
        )

    chart_yaml, schema = (None, None) if reader is None else await reader.call(read, fetch="always")
    if chart_yaml is not None:
        return ChartSource(version, False, chart_yaml, schema)
    if version == packaged_version():
        files = vendored_chart("")
        return ChartSource(version, True, files["/Chart.yaml"], files.get("/values.schema.json"))
    raise UnknownChartVersion(
        f"No store chart {version}: neither {directory}/ in the fleet repo nor the chart this release ships"
        f" ({packaged_version()}). Commit the chart version to the fleet repo first."
    )


def check_chart(source: ChartSource, profile: RenderProfile) -> list[str]:
    """The checks that passed; raises ChartRejected naming the first problem."""
    try:
        declared = str(yaml.safe_load(source.chart_yaml).get("version"))
    except (yaml.YAMLError, AttributeError) as exc:
        raise ChartRejected(f"Chart.yaml of {source.version} is not readable: {exc}") from exc
    if declared != source.version:
        raise ChartRejected(f"the Chart.yaml of chart directory {source.version} declares version {declared}")
    checks = [f"Chart.yaml declares {declared}"]
    if source.schema is None:
        return [*checks, "no values.schema.json to check the values against"]
    schema = json.loads(source.schema)
    for engine in Engine:
        values = _sample_values(engine, profile, source.version)
        errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(values), key=str)
        if errors:
            where = "/".join(str(p) for p in errors[0].absolute_path) or "<root>"
            raise ChartRejected(
                f"chart {source.version} rejects the values of a {engine.value} store at {where}:"
                f" {errors[0].message}"
            )
        checks.append(f"values.schema.json accepts a {engine.value} store ({profile.values_profile.value})")
    return checks


def _sample_values(engine: Engine, profile: RenderProfile, version: str) -> dict[str, Any]:
    spec = StoreSpec(
        store_id="st-aaaaaaaaaa", tenant="u-aaaaaaaaaa", name="sample", engine=engine, chart_version=version
    )
    return chart_values(spec, profile, store_host(spec, profile))
