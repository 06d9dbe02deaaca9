"""`storefleet rollout`: fleet-wide rollouts from a terminal, a client of the admin HTTP API
(`/api/v1/rollouts`). It speaks plain JSON over the standard library's `urllib`, behind a `Transport`
(method, path, JSON body, headers -> status, JSON) that tests swap for the app itself.

CLI
---
``storefleet rollout create --chart-version 0.4.0 --all --canary 1 --steps "10%,50%,100%" --dry-run``
(or ``--image-tag 6.7.2-php8.2-apache --engine woocommerce``, or ``--values-patch '{...}'``)
prints the plan (waves, failure budgets, skipped stores, the checks that ran and a sample store's diff)
and commits nothing; without ``--dry-run`` the rollout is recorded and its first wave queued.
``storefleet rollout list [--state running]`` and ``storefleet rollout show ID [--stores]`` read
rollouts back (per wave: state, stores ready/failed/pending, the commit, the gate's message);
``pause``, ``resume``, ``retry`` and ``abort ID [--reason TEXT]`` act on one (``abort`` reverts every
committed wave and asks first, unless ``--yes``). Every command takes ``--api-url``
(``STOREFLEET_API_URL``, default ``http://127.0.0.1:8000``) and ``--token`` (``STOREFLEET_TOKEN``) or
``--username``/``--password`` (``STOREFLEET_USERNAME``/``STOREFLEET_PASSWORD``; the password is
prompted for, hidden, when stdin is a terminal) to sign in first, and ``--output json`` to print the
API's answer as it is. An API error exits with status 1 showing its code and message.
"""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import click

from storefleet.api.cli_http import (
    DEFAULT_API_URL,
    DEFAULT_REQUEST_TIMEOUT_S,
    ROLLOUTS,
    TRANSPORT_KEY,
    Api,
    Transport,
    TransportError,
    UrllibTransport,
    describe_error,
)
from storefleet.api.rollout_cli_output import (
    print_json,
    print_plan,
    print_rollout,
    print_wave_stores,
    print_waves,
    table,
    when,
)
from storefleet.api.rollouts.states import RolloutState
from storefleet.renderer.catalogue import Template
from storefleet.renderer.spec import Engine, Plan

__all__ = ["TRANSPORT_KEY", "Transport", "TransportError", "UrllibTransport", "describe_error", "rollout"]
F = TypeVar("F", bound=Callable[..., Any])


def _stdin_is_tty() -> bool:
    return sys.stdin.isatty()


def _connect(ctx: click.Context, conn: Mapping[str, Any]) -> Api:
    transport = (ctx.obj or {}).get(TRANSPORT_KEY) if isinstance(ctx.obj, dict) else None
    api = Api(transport or UrllibTransport(conn["api_url"], conn["request_timeout"]))
    if conn["token"]:
        api.token = conn["token"]
        return api
    username, password = conn["username"], conn["password"]
    if not username:
        raise click.UsageError(
            "not signed in: give --token (STOREFLEET_TOKEN), or --username (STOREFLEET_USERNAME)"
            " and a password"
        )
    if password is None:
        if not _stdin_is_tty():
            raise click.UsageError(
                "no password: give --password or STOREFLEET_PASSWORD (stdin is not a terminal)"
            )
        password = click.prompt(f"Password for {username}", hide_input=True, err=True)
    api.login(username, password)
    return api


_CONNECTION_OPTIONS = (
    click.option(
        "--api-url",
        envvar="STOREFLEET_API_URL",
        default=DEFAULT_API_URL,
        show_default=True,
        show_envvar=True,
        help="The storefleet API.",
    ),
    click.option("--token", envvar="STOREFLEET_TOKEN", show_envvar=True, help="An admin's bearer token."),
    click.option(
        "--username",
        envvar="STOREFLEET_USERNAME",
        show_envvar=True,
        help="Sign in as this admin (username or email) when no token is given.",
    ),
    click.option(
        "--password",
        envvar="STOREFLEET_PASSWORD",
        show_envvar=True,
        help="The admin's password (prompted for when stdin is a terminal).",
    ),
    click.option(
        "--request-timeout",
        type=click.FloatRange(min=0, min_open=True),
        default=DEFAULT_REQUEST_TIMEOUT_S,
        show_default=True,
        metavar="SECONDS",
        help="How long one HTTP request may take.",
    ),
    click.option(
        "-o",
        "--output",
        type=click.Choice(["table", "json"]),
        default="table",
        show_default=True,
        help="`json`: the API's answer as it is.",
    ),
)
_CONNECTION_KEYS = ("api_url", "token", "username", "password", "request_timeout")


def api_command(func: F) -> F:
    """The options every command shares, gathered into a `conn` dict (and `output`)."""
    for option in reversed(_CONNECTION_OPTIONS):
        func = option(func)
    return func


def _split_connection(options: dict[str, Any]) -> dict[str, Any]:
    return {key: options.pop(key) for key in _CONNECTION_KEYS}


@click.group()
def rollout() -> None:
    """Roll a chart version, an image tag or a values patch out to the fleet in gated waves (an
    admin's client of the API)."""


def _csv_steps(_ctx: click.Context, _param: click.Parameter, value: str | None) -> list[str] | None:
    if value is None:
        return None
    steps = [step.strip() for step in value.split(",") if step.strip()]
    if not steps:
        raise click.BadParameter("give at least one step, e.g. '10%,50%,100%'")
    return steps


def _choice(values: Sequence[str]) -> click.Choice[str]:
    return click.Choice(list(values))


@rollout.command(short_help="Start a rollout, or --dry-run to see its plan.")
@click.option("--chart-version", metavar="VERSION", help="Change: the store chart version, e.g. 0.4.0.")
@click.option(
    "--image-tag",
    metavar="TAG",
    help="Change: the engine's application image tag (with exactly one --engine).",
)
@click.option(
    "--values-patch",
    metavar="JSON",
    help='Change: chart values merged over each store\'s, e.g. \'{"redis": {"enabled": true}}\'.',
)
@click.option(
    "--all", "all_stores", is_flag=True, help="Every store (needed when no other selector is given)."
)
@click.option(
    "--engine", "engines", multiple=True, type=_choice([e.value for e in Engine]), help="Repeatable."
)
@click.option("--plan", "plans", multiple=True, type=_choice([p.value for p in Plan]), help="Repeatable.")
@click.option("--tenant", "tenants", multiple=True, metavar="USER_ID", help="A tenant's user id; repeatable.")
@click.option(
    "--template", "templates", multiple=True, type=_choice([t.value for t in Template]), help="Repeatable."
)
@click.option("--store", "store_ids", multiple=True, metavar="STORE_ID", help="A store id; repeatable.")
@click.option(
    "--canary", "canary_count", type=click.IntRange(0, 1000), metavar="N", help="Stores in the canary."
)
@click.option(
    "--canary-store", "canary_ids", multiple=True, metavar="STORE_ID", help="A canary store; repeatable."
)
@click.option(
    "--steps",
    callback=_csv_steps,
    metavar="STEPS",
    help="Each wave's cumulative reach after the canary, a share or a count of more stores, ending at"
    ' 100%: "10%,50%,100%" (the default), "5,25%,100%".',
)
@click.option(
    "--soak", type=click.FloatRange(min=0), metavar="SECONDS", help="Time every store must stay ready."
)
@click.option(
    "--probe-path", metavar="PATH", help="Probe each store's URL at this path before a wave passes."
)
@click.option(
    "--canary-max-failures", type=click.IntRange(min=0), metavar="N", help="Failures the canary may have."
)
@click.option(
    "--max-failure-percent",
    type=click.FloatRange(0, 100),
    metavar="PERCENT",
    help="Later waves' failure budget.",
)
@click.option(
    "--timeout",
    "timeout_s",
    type=click.FloatRange(min=0, min_open=True),
    metavar="SECONDS",
    help="Stores not ready by then fail the gate (default: the store timeout).",
)
@click.option("--reason", help="Why: recorded with the rollout.")
@click.option("--dry-run", is_flag=True, help="Validate and print the plan; record and commit nothing.")
@api_command
@click.pass_context
def create(ctx: click.Context, /, **options: Any) -> None:
    """Start a rollout (validated, its first wave queued); --dry-run: only print its plan."""
    conn, output = _split_connection(options), options.pop("output")
    body = _create_body(options)
    answer = _connect(ctx, conn).call("POST", ROLLOUTS, body)
    if output == "json":
        print_json(answer)
    elif options["dry_run"]:
        print_plan(answer)
    else:
        click.echo(f"Created rollout {answer['id']} ({answer['state']}): {answer['change']}"
                   f" to {answer['store_count']} stores in {len(answer['waves'])} waves.")  # fmt: skip
        print_waves(answer)
        click.echo(f"Follow it with: storefleet rollout show {answer['id']}")


def _create_body(options: Mapping[str, Any]) -> dict[str, Any]:
    selector: dict[str, Any] = {
        key: list(options[key])
        for key in ("engines", "plans", "tenants", "templates", "store_ids")
        if options[key]
    }
    if not selector and not options["all_stores"]:
        raise click.UsageError("choose stores: --all, or --engine/--plan/--tenant/--template/--store")
    if options["all_stores"]:
        selector["all"] = True
    body: dict[str, Any] = {**_change(options), "selector": selector}
    canary: dict[str, Any] = {}
    if options["canary_ids"]:
        canary["store_ids"] = list(options["canary_ids"])
    if options["canary_count"] is not None:
        canary["count"] = options["canary_count"]
    if canary:
        body["canary"] = canary
    if options["steps"] is not None:
        body["steps"] = options["steps"]
    gate_options = (
        ("soak", "soak_seconds"),
        ("probe_path", "probe_path"),
        ("canary_max_failures", "canary_max_failures"),
        ("max_failure_percent", "max_failure_percent"),
        ("timeout_s", "timeout_seconds"),
    )
    gate = {field: options[name] for name, field in gate_options if options[name] is not None}
    if gate:
        body["gate"] = gate
    if options["reason"]:
        body["reason"] = options["reason"]
    if options["dry_run"]:
        body["dry_run"] = True
    return body


def _change(options: Mapping[str, Any]) -> dict[str, Any]:
    """The one change a rollout makes, from --chart-version, --image-tag or --values-patch."""
    given = [key for key in ("chart_version", "image_tag", "values_patch") if options[key] is not None]
    if len(given) != 1:
        raise click.UsageError("give exactly one change: --chart-version, --image-tag or --values-patch")
    if options["chart_version"] is not None:
        return {"chart_version": options["chart_version"]}
    if options["image_tag"] is not None:
        if len(options["engines"]) != 1:
            raise click.UsageError("--image-tag needs exactly one --engine: an image is one engine's")
        return {"image": {"engine": options["engines"][0], "tag": options["image_tag"]}}
    try:
        patch = json.loads(options["values_patch"])
    except json.JSONDecodeError as exc:
        raise click.BadParameter(f"not JSON: {exc}", param_hint="--values-patch") from exc
    if not isinstance(patch, dict):
        raise click.BadParameter("give a JSON object", param_hint="--values-patch")
    return {"values_patch": patch}


@rollout.command(name="list")
@click.option("--state", type=_choice([s.value for s in RolloutState]), help="Only rollouts in this state.")
@click.option("--limit", type=click.IntRange(1, 100), default=20, show_default=True)
@click.option("--offset", type=click.IntRange(min=0), default=0, show_default=True)
@api_command
@click.pass_context
def list_rollouts(ctx: click.Context, /, state: str | None, limit: int, offset: int, **options: Any) -> None:
    """Rollouts, newest first."""
    conn, output = _split_connection(options), options.pop("output")
    query = {"limit": limit, "offset": offset, **({"state": state} if state else {})}
    answer = _connect(ctx, conn).call("GET", f"{ROLLOUTS}?{urllib.parse.urlencode(query)}")
    if output == "json":
        print_json(answer)
        return
    items = answer.get("items", [])
    rows = [
        (
            r["id"],
            r["state"],
            r["change"],
            r["store_count"],
            f"{sum(w['state'] == 'passed' for w in r.get('waves', []))}/{len(r.get('waves', []))}",
            when(r.get("created_at")),
            r.get("created_by"),
        )
        for r in items
    ]
    click.echo(table(("ID", "STATE", "CHANGE", "STORES", "WAVES PASSED", "CREATED", "BY"), rows))
    click.echo(f"{len(items)} of {answer.get('total', len(items))} rollouts")


@rollout.command(short_help="One rollout, wave by wave.")
@click.argument("rollout_id", metavar="ID")
@click.option("--stores", "with_stores", is_flag=True, help="Also list each wave's stores.")
@api_command
@click.pass_context
def show(ctx: click.Context, /, rollout_id: str, with_stores: bool, **options: Any) -> None:
    """One rollout: per wave its state, stores ready/failed/pending, commit and gate; why; failing stores."""
    conn, output = _split_connection(options), options.pop("output")
    path = f"{ROLLOUTS}/{_quote(rollout_id)}?stores={'true' if with_stores else 'false'}"
    answer = _connect(ctx, conn).call("GET", path)
    if output == "json":
        print_json(answer)
        return
    print_rollout(answer)
    if with_stores:
        print_wave_stores(answer)


def _quote(rollout_id: str) -> str:
    return urllib.parse.quote(rollout_id, safe="")


def _act(
    ctx: click.Context, action: str, rollout_id: str, reason: str | None, options: dict[str, Any]
) -> None:
    conn, output = _split_connection(options), options.pop("output")
    body = {"reason": reason} if reason else None
    answer = _connect(ctx, conn).call("POST", f"{ROLLOUTS}/{_quote(rollout_id)}/{action}", body)
    if output == "json":
        print_json(answer)
        return
    click.echo(f"Rollout {answer['id']}: {answer['state']}")
    if answer.get("reason"):
        click.echo(f"  reason: {answer['reason']}")
    reverting = [w["number"] for w in answer.get("waves", []) if w["state"] == "reverting"]
    if reverting:
        click.echo(f"  reverting waves {', '.join(map(str, reverting))} (one commit each)")
    print_waves(answer)


_reason = click.option("--reason", help="Why: recorded with the action.")
_rollout_id = click.argument("rollout_id", metavar="ID")


@rollout.command()
@_rollout_id
@_reason
@api_command
@click.pass_context
def pause(ctx: click.Context, /, rollout_id: str, reason: str | None, **options: Any) -> None:
    """Commit no further wave (the current one's gate still runs)."""
    _act(ctx, "pause", rollout_id, reason, options)


@rollout.command()
@_rollout_id
@_reason
@api_command
@click.pass_context
def resume(ctx: click.Context, /, rollout_id: str, reason: str | None, **options: Any) -> None:
    """Go on with a paused rollout."""
    _act(ctx, "resume", rollout_id, reason, options)


@rollout.command()
@_rollout_id
@_reason
@api_command
@click.pass_context
def retry(ctx: click.Context, /, rollout_id: str, reason: str | None, **options: Any) -> None:
    """Commit the failed wave again (once its revert is in) and go on."""
    _act(ctx, "retry", rollout_id, reason, options)


@rollout.command(short_help="Revert the committed waves and stop.")
@_rollout_id
@_reason
@click.option("--yes", "-y", is_flag=True, help="Do not ask (needed when stdin is not a terminal).")
@api_command
@click.pass_context
def abort(ctx: click.Context, /, rollout_id: str, reason: str | None, yes: bool, **options: Any) -> None:
    """Revert every wave committed so far (one commit each) and stop; asks first unless --yes."""
    if not yes:
        if not _stdin_is_tty():
            raise click.ClickException(
                "refusing to abort without --yes: stdin is not a terminal to confirm on"
            )
        click.confirm(f"Abort rollout {rollout_id} and revert every wave it committed?", abort=True, err=True)
    _act(ctx, "abort", rollout_id, reason, options)
