"""The alert rules and the Grafana dashboard use only metrics the platform exports, and have the
shape their consumers need."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from prometheus_client import REGISTRY

import storefleet.api.app  # noqa: F401 - defines every metric of the API process on REGISTRY
from tests.deploy.promql import exported_series_names, metric_names

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "deploy" / "prometheus" / "rules.yaml"
DASHBOARD = ROOT / "deploy" / "grafana" / "storefleet.json"


def _rules() -> list[dict[str, Any]]:
    document = yaml.safe_load(RULES.read_text())
    return [rule for group in document["groups"] for rule in group["rules"]]


def _panel_exprs() -> list[tuple[str, str]]:
    dashboard = json.loads(DASHBOARD.read_text())
    return [(p["title"], t["expr"]) for p in dashboard["panels"] for t in p.get("targets", [])]


@pytest.fixture(scope="module")
def exported() -> set[str]:
    return exported_series_names(REGISTRY)


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("max(store_oldest_transitional_age_seconds) > 600", {"store_oldest_transitional_age_seconds"}),
        (
            'histogram_quantile(0.95, sum by (le, engine) (rate(a_bucket{engine="x",le="1"}[5m])))',
            {"a_bucket"},
        ),
        (
            "sum(rate(b_total[$__rate_interval])) / clamp_min(sum(rate(c_total[5m])), 1e-9) > 0.05",
            {"b_total", "c_total"},
        ),
        ("x and on (instance) y unless ignoring (job) z offset 5m", {"x", "y", "z"}),
        ("sum(d) without (pod) > bool 1", {"d"}),
        ("namespace:e:rate5m", {"namespace:e:rate5m"}),
    ],
)
def test_the_tokenizer_finds_metric_names(expr: str, expected: set[str]) -> None:
    assert metric_names(expr) == expected


def test_the_process_collector_is_on_the_registry_the_endpoint_renders(exported: set[str]) -> None:
    assert {"process_cpu_seconds_total", "process_resident_memory_bytes"} <= exported


def test_every_rule_uses_exported_metrics(exported: set[str]) -> None:
    for rule in _rules():
        names = metric_names(rule["expr"])
        assert names, rule["alert"]
        assert names <= exported, f"{rule['alert']}: unknown {sorted(names - exported)}"


def test_every_rule_is_complete() -> None:
    rules = _rules()
    assert {r["alert"] for r in rules} >= {
        "StorefleetStoreStuckInTransition",
        "StorefleetOutboxBacklog",
        "StorefleetPushConflictsRising",
        "StorefleetCircuitOpen",
        "StorefleetHttp5xxRate",
    }
    for rule in rules:
        assert "for" in rule, rule["alert"]
        assert rule["labels"]["severity"] in {"critical", "warning", "info"}, rule["alert"]
        assert {"summary", "description"} <= set(rule["annotations"]), rule["alert"]


def test_every_dashboard_panel_uses_exported_metrics(exported: set[str]) -> None:
    exprs = _panel_exprs()
    assert len(exprs) >= 12
    for title, expr in exprs:
        names = metric_names(expr)
        assert names, title
        assert names <= exported, f"{title}: unknown {sorted(names - exported)}"


def test_the_dashboard_is_importable() -> None:
    dashboard = json.loads(DASHBOARD.read_text())
    assert dashboard["schemaVersion"] >= 38
    variables = {v["name"]: v for v in dashboard["templating"]["list"]}
    assert variables["datasource"]["type"] == "datasource"
    assert variables["datasource"]["query"] == "prometheus"
    ids = [panel["id"] for panel in dashboard["panels"]]
    assert len(ids) == len(set(ids))
    for panel in dashboard["panels"]:
        assert panel["datasource"]["uid"] == "${datasource}", panel["title"]
