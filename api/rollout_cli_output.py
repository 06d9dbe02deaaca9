"""How `storefleet rollout` prints the API's answers for people: plans, rollouts, waves, stores."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import click


def print_json(answer: Any) -> None:
    click.echo(json.dumps(answer, indent=2, sort_keys=True))


# ---- human output ---------------------------------------------------------------------------------


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    cells = [[str(c) for c in headers], *[["-" if c is None else str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    return "\n".join(
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells
    )


def _short(sha: Any) -> str | None:
    return str(sha)[:7] if sha else None


def when(stamp: Any) -> str:
    """An ISO timestamp to the second: `2024-05-01 12:00:00Z`."""
    if not stamp:
        return "-"
    text = str(stamp).replace("T", " ")
    utc = text.endswith(("Z", "+00:00"))
    return text[:19] + ("Z" if utc else "")


def _sample(ids: Sequence[str], shown: int = 3) -> str:
    more = f" (+{len(ids) - shown})" if len(ids) > shown else ""
    return ", ".join(ids[:shown]) + more


def print_plan(plan: Mapping[str, Any]) -> None:
    waves = plan.get("waves", [])
    click.echo(
        f"Dry run, nothing committed: {plan['change']} to {plan['store_count']} stores in {len(waves)} waves."
    )
    if plan.get("add_chart"):
        click.echo(f"The chart {plan['chart_version']} this release ships is committed before wave 1.")
    rows = [
        (w["number"], w["store_count"], w["max_failures"], _sample(w.get("store_ids", []))) for w in waves
    ]
    click.echo(table(("WAVE", "STORES", "MAX FAILURES", "FIRST STORES"), rows))
    skipped = plan.get("skipped", [])
    reasons: dict[str, int] = {}
    for entry in skipped:
        reasons[entry.get("reason", "?")] = reasons.get(entry.get("reason", "?"), 0) + 1
    why = ", ".join(f"{n} {reason}" for reason, n in sorted(reasons.items()))
    click.echo(f"Skipped: {len(skipped)} stores" + (f" ({why})" if why else ""))
    click.echo("Checks:")
    for check in plan.get("checks", []):
        click.echo(f"  - {check}")
    diff = plan.get("diff") or ""
    click.echo("Diff (a sample store, before -> after):" if diff else "Diff: no change to the rendered files")
    if diff:
        click.echo(diff.rstrip("\n"))


def _gate_counts(gate: Mapping[str, Any]) -> tuple[Any, Any, Any]:
    return gate.get("ready"), gate.get("failed"), gate.get("pending")


def _wave_rows(rollout: Mapping[str, Any]) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    for wave in rollout.get("waves", []):
        gate = wave.get("gate") or {}
        commit = _short(wave.get("commit_sha"))
        if wave.get("revert_sha"):
            commit = f"{commit or '-'} (reverted {_short(wave['revert_sha'])})"
        rows.append(
            (
                wave["number"],
                wave["state"],
                wave.get("attempt"),
                wave["store_count"],
                wave.get("max_failures"),
                *_gate_counts(gate),
                commit,
                gate.get("message"),
            )
        )
    return rows


_WAVE_HEADERS = ("WAVE", "STATE", "RETRIES", "STORES", "MAX FAILURES", "READY", "FAILED", "PENDING")


def print_waves(rollout: Mapping[str, Any]) -> None:
    click.echo(table((*_WAVE_HEADERS, "COMMIT", "GATE"), _wave_rows(rollout)))


def _print_failing(rollout: Mapping[str, Any]) -> None:
    failing = rollout.get("failing") or []
    if not failing:
        return
    click.echo(f"Failing stores ({len(failing)}):")
    for entry in failing[:50]:
        click.echo(f"  {entry.get('store_id', '?')}: {entry.get('error') or 'failed'}")
    if len(failing) > 50:
        click.echo(f"  ... and {len(failing) - 50} more")


def _describe_selector(selector: Mapping[str, Any]) -> str:
    parts = [
        f"{key}={','.join(map(str, value))}"
        for key, value in sorted(selector.items())
        if value and key != "all"
    ]
    if selector.get("all"):
        parts.insert(0, "all stores")
    return "; ".join(parts) or "-"


def print_rollout(rollout: Mapping[str, Any]) -> None:
    click.echo(f"Rollout {rollout['id']}: {rollout['state']}")
    change = f"  change:        {rollout['change']}"
    if rollout.get("add_chart"):
        change += " (the chart is committed before wave 1)"
    click.echo(change)
    click.echo(
        f"  stores:        {rollout['store_count']} ({_describe_selector(rollout.get('selector') or {})})"
    )
    click.echo(f"  steps:         {', '.join(map(str, rollout.get('steps') or []))}")
    click.echo(f"  created:       {when(rollout.get('created_at'))} by {rollout.get('created_by', '?')}")
    if rollout.get("finished_at"):
        click.echo(f"  finished:      {when(rollout['finished_at'])}")
    if rollout.get("reason"):
        click.echo(f"  reason:        {rollout['reason']}")
    print_waves(rollout)
    _print_failing(rollout)


def print_wave_stores(rollout: Mapping[str, Any]) -> None:
    for wave in rollout.get("waves", []):
        stores = wave.get("stores")
        if not stores:
            continue
        click.echo(f"Wave {wave['number']} stores:")
        rows = [
            (s["store_id"], s.get("name"), s.get("tenant"), s.get("status"), s.get("state"),
             _cell(s.get("from_value")), _cell(s.get("value")), s.get("error") or s.get("note"))
            for s in stores
        ]  # fmt: skip
        headers = ("STORE", "NAME", "TENANT", "STATUS", "IN ROLLOUT", "FROM", "NOW", "NOTE")
        click.echo(table(headers, rows))


# ---- the commands --------------------------------------------------------------------------------


def _cell(value: object) -> str:
    """A field's value in a table cell: a values patch as compact JSON, cut short."""
    if value is None:
        return "-"
    if isinstance(value, dict):
        text = json.dumps(value, sort_keys=True, separators=(",", ":"))
        return text if len(text) <= 40 else text[:37] + "..."
    return str(value)
