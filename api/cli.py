"""The `storefleet` command: `up` (everything, embedded defaults), `api` (production shape), `migrate`."""

from __future__ import annotations

import ctypes
import gc
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import click
from pydantic import SecretStr, ValidationError

from storefleet import __version__
from storefleet.api.core.logging import configure_logging
from storefleet.api.db.embedded import EmbeddedPostgres, EmbeddedPostgresError
from storefleet.api.db.migrate import apply_migrations
from storefleet.api.demo_cluster import load_simulation, set_demo_defaults, start_demo_cluster
from storefleet.api.fleet_cli import fleet
from storefleet.api.rollout_cli import rollout
from storefleet.api.settings import ConfigurationError, Environment, Settings
from storefleet.api.state_dir import StateDirBusy, hold_state_dir, load_or_create_secret

log = logging.getLogger("storefleet")

EXIT_CONFIG = 2
EXIT_STARTUP = 3


def _load_settings(**overrides: object) -> Settings:
    try:
        settings = Settings()
    except ValidationError as exc:
        raise click.ClickException(f"invalid settings:\n{exc}") from exc
    return settings.model_copy(update={k: v for k, v in overrides.items() if v is not None})


@contextmanager
def _embedded_database(settings: Settings, stack: ExitStack) -> Iterator[Settings]:
    """Yield settings with a DATABASE_URL: the configured one, or an embedded server in the state dir."""
    if settings.database_url is not None:
        yield settings
        return
    server = EmbeddedPostgres(settings.state_dir / "postgres")
    try:
        conninfo = server.start()
    except EmbeddedPostgresError as exc:
        raise click.ClickException(f"could not start the embedded PostgreSQL: {exc}") from exc
    stack.callback(server.stop)
    yield settings.model_copy(update={"database_url": SecretStr(conninfo)})


@click.group()
@click.version_option(__version__, prog_name="storefleet")
def main() -> None:
    """storefleet: e-commerce stores provisioned through a GitOps fleet repo."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--state-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where embedded data lives [default: $STOREFLEET_STATE_DIR or ~/.local/state/storefleet].",
)
@click.option(
    "--demo-cluster",
    is_flag=True,
    help="Run on a simulated Kubernetes API and Flux (the `demo` extra), for a first look.",
)
def up(host: str, port: int, state_dir: Path | None, demo_cluster: bool) -> None:
    """Run the whole platform on embedded defaults (development)."""
    if demo_cluster:
        os.environ["DEMO_CLUSTER"] = "true"
    for name, value in (
        ("STOREFLEET_ENV", Environment.DEVELOPMENT.value),
        ("RUN_FLEET_WRITER", "true"),
        ("RUN_GIT_SYNC", "true"),
        ("RUN_WATCHER", "true"),
        ("PUBLIC_URL", f"http://{host}:{port}"),
    ):
        os.environ.setdefault(name, value)
    settings = _load_settings(state_dir=state_dir.resolve() if state_dir else None)
    if settings.demo_cluster:  # the demo's quicker defaults, under what the environment sets
        set_demo_defaults()
        settings = _load_settings(state_dir=settings.state_dir)
    configure_logging(settings.log_level, settings.log_format)
    simulation = load_simulation(settings) if settings.demo_cluster else None
    settings.state_dir.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        try:
            stack.enter_context(hold_state_dir(settings.state_dir))
        except StateDirBusy as exc:
            raise click.ClickException(str(exc)) from exc
        if settings.jwt_secret is None and settings.is_development:
            secret = load_or_create_secret(settings.state_dir / "jwt-secret")
            settings = settings.model_copy(update={"jwt_secret": SecretStr(secret)})
        settings = stack.enter_context(_embedded_database(settings, stack))
        if settings.fleet_repo_url is None:
            _ensure_local_fleet(settings)
        if simulation is not None:
            settings = start_demo_cluster(settings, stack, simulation)
        if settings.run_fleet_writer:
            settings = _start_writer_process(settings, stack)
        log.info(
            "storefleet %s starting on http://%s:%s (state in %s)",
            __version__,
            host,
            port,
            settings.state_dir,
        )
        ok = _serve(settings, host, port)
    sys.exit(0 if ok else EXIT_STARTUP)


@main.command()
@click.option("--host", default="0.0.0.0", show_default=True)  # noqa: S104 - a server in a pod listens on all
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
def api(host: str, port: int) -> None:
    """Run only the API against DATABASE_URL (the production shape)."""
    settings = _load_settings()
    configure_logging(settings.log_level, settings.log_format)
    _refuse_demo_cluster(settings)
    if settings.database_url is None:
        raise click.ClickException("DATABASE_URL is not set; `storefleet api` needs an external PostgreSQL.")
    sys.exit(0 if _serve(settings, host, port) else EXIT_STARTUP)


@main.command()
@click.option("--state-dir", type=click.Path(file_okay=False, path_type=Path))
def migrate(state_dir: Path | None) -> None:
    """Apply pending schema migrations (to DATABASE_URL, or to the embedded database)."""
    settings = _load_settings(state_dir=state_dir.resolve() if state_dir else None)
    configure_logging(settings.log_level, settings.log_format)
    with ExitStack() as stack:
        settings = stack.enter_context(_embedded_database(settings, stack))
        assert settings.database_url is not None
        applied = apply_migrations(settings.database_url.get_secret_value())
    click.echo(
        f"applied {len(applied)} migration(s): {', '.join(applied)}" if applied else "schema is up to date"
    )


@main.command()
def openapi() -> None:
    """Print the API's OpenAPI document (what the dashboard's client is generated from)."""
    import json

    from storefleet.api.app import create_app

    # The document depends on the routes only: nothing connects, so placeholders stand in for the
    # settings a real start needs.
    settings = Settings(DATABASE_URL="postgresql://openapi@localhost/none", JWT_SECRET="x" * 48)
    click.echo(json.dumps(create_app(settings).openapi(), indent=2, sort_keys=True))


@main.command()
def writer() -> None:
    """Run the fleet writer (and, with RUN_GIT_SYNC=true, the git-side sync) without HTTP."""
    _run_worker("writer")


@main.command()
def watch() -> None:
    """Run the cluster watcher (and, with RUN_GIT_SYNC=true, the git-side sync) without HTTP."""
    _run_worker("watch")


def _run_worker(kind: str) -> None:
    import asyncio

    from storefleet.api.workers import run_fleet_workers, run_watcher

    settings = _load_settings()
    configure_logging(settings.log_level, settings.log_format)
    if kind == "watch":
        _refuse_demo_cluster(settings)
        _few_malloc_arenas()
        _fewer_collections()
    try:
        asyncio.run(run_watcher(settings) if kind == "watch" else run_fleet_workers(settings))
    except ConfigurationError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(EXIT_CONFIG)


M_ARENA_MAX = -8  # glibc's mallopt parameter
WATCHER_MALLOC_ARENAS = 2


def _few_malloc_arenas() -> None:
    """glibc gives threads that allocate at once arenas of their own (up to eight per core), and the
    watcher's informer threads (six per cluster) all decode list pages at start: what they free
    stays spread over many arenas, so the process peaks far above what it holds. Two arenas, unless
    the environment says otherwise (MALLOC_ARENA_MAX); nothing where the C library is not glibc."""
    if os.environ.get("MALLOC_ARENA_MAX"):
        return
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(M_ARENA_MAX, WATCHER_MALLOC_ARENAS)
    except (OSError, AttributeError):
        return


WATCHER_GC_THRESHOLD = 20_000  # the youngest generation's; CPython's default is 700


def _fewer_collections() -> None:
    """The watcher allocates containers by the million as it judges a batch of stores (rows,
    observations, decisions), which live until the batch is written. At the default threshold most
    of them are collected young while still alive, promoted, then walked again by full collections:
    a fifth of its CPU at 100,000 stores (bench B8: 20.2 against 15.5 CPU-s). Collected less often,
    they mostly die young; the caches it keeps are records the collector does not track."""
    _, middle, oldest = gc.get_threshold()
    gc.set_threshold(WATCHER_GC_THRESHOLD, middle, oldest)


def _refuse_demo_cluster(settings: Settings) -> None:
    """A real cluster is never labelled simulated: only `up` runs the simulated one."""
    if settings.demo_cluster:
        raise click.ClickException("DEMO_CLUSTER is for `storefleet up --demo-cluster` only: unset it")


def _start_writer_process(settings: Settings, stack: ExitStack) -> Settings:
    """Run the fleet writer as its own process beside the API (as in production), so committing a
    big batch never competes with answering requests for the API's event loop; stopped (by the
    ExitStack) before the embedded database."""
    from storefleet.api.supervisor import SupervisedProcess, child_environment, storefleet_command

    assert settings.database_url is not None
    env = child_environment(
        DATABASE_URL=settings.database_url.get_secret_value(),
        STOREFLEET_STATE_DIR=str(settings.state_dir),
        RUN_FLEET_WRITER="true",
        RUN_GIT_SYNC="false",
    )
    writer = SupervisedProcess("fleet writer", storefleet_command("writer"), env)
    writer.start()
    stack.callback(writer.stop)
    _wait_for_writer(settings)
    return settings.model_copy(update={"run_fleet_writer": False})


def _wait_for_writer(settings: Settings, timeout_s: float = 15.0) -> None:
    """Serve only once the writer holds its lock, so the first store is committed at once."""
    import time

    from storefleet.api.fleet.context import fleet_context
    from storefleet.api.fleet.writer import writer_is_active

    assert settings.database_url is not None
    conninfo = settings.database_url.get_secret_value()
    repo_key = fleet_context(settings, settings.public_url or "http://127.0.0.1:8000").repo_key
    deadline = time.monotonic() + timeout_s
    while not writer_is_active(conninfo, repo_key):
        if time.monotonic() > deadline:
            log.warning("the fleet writer is not active after %.0fs; serving anyway", timeout_s)
            return
        time.sleep(0.1)


def _ensure_local_fleet(settings: Settings) -> None:
    """Create <state-dir>/fleet.git from the gitops-template on first use."""
    from storefleet.api.fleet.context import local_fleet_repo_path
    from storefleet.api.fleet.local_remote import ensure_local_fleet_repo
    from storefleet.api.fleet.repo import Identity
    from storefleet.renderer.profile import GitOpsEngine
    from storefleet.renderer.template import instantiate_template, vendored_chart

    served_url = f"{(settings.public_url or 'http://127.0.0.1:8000').rstrip('/')}/git/fleet.git"
    files = instantiate_template(
        GitOpsEngine(settings.gitops_engine),
        settings.cluster_name,
        served_url,
        settings.fleet_branch,
        argocd_namespace=settings.argocd_namespace,
        velero_namespace=settings.velero_namespace,
    )
    files.update(vendored_chart())
    identity = Identity(settings.fleet_author_name, settings.fleet_author_email)
    ensure_local_fleet_repo(local_fleet_repo_path(settings), settings.fleet_branch, identity, files)


def _serve(settings: Settings, host: str, port: int) -> bool:
    from storefleet.api.app import create_app
    from storefleet.api.server import serve

    try:
        app = create_app(settings)
    except ConfigurationError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(EXIT_CONFIG)
    return serve(app, settings, host=host, port=port)


main.add_command(fleet)
main.add_command(rollout)


if __name__ == "__main__":
    main()
