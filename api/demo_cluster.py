"""`storefleet up --demo-cluster`: the platform on a simulated Kubernetes API and Flux, for a first look.

The simulation ships apart from the platform (the `storefleet-demo` distribution, the `demo` extra):
this module is the one place the platform imports it, and only when asked to, so neither the wheel
nor the image carries it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import AbstractContextManager, ExitStack
from pathlib import Path

import click

from storefleet.api.settings import Settings

MISSING_EXTRA = (
    "--demo-cluster needs the simulated cluster, which ships apart from the platform "
    "(missing module: {module}). Install it with: pip install 'storefleet[demo]' "
    "(in a checkout: make demo)"
)
# (state dir, fleet repo, branch, Flux namespace) -> serves the simulation, yields its kubeconfig
Simulation = Callable[[Path, Path, str, str], AbstractContextManager[Path]]
# A demo answers quickly: the watcher and the git-side sync look every half second, and a user may
# create several stores in a row. Each is only a default: the environment still wins.
DEMO_DEFAULTS = {
    "WATCH_TICK_S": "0.5",
    "FLEET_SYNC_INTERVAL_S": "0.5",
    "STORE_CREATION_COOLDOWN_S": "0",
}


def set_demo_defaults() -> None:
    for name, value in DEMO_DEFAULTS.items():
        os.environ.setdefault(name, value)


def load_simulation(settings: Settings) -> Simulation:
    """The simulated cluster's entry point, checked before anything starts: the settings it needs,
    and the `demo` extra (a clear error naming it when it is not installed)."""
    if settings.fleet_repo_url is not None:
        raise click.ClickException("--demo-cluster applies the local fleet repo: unset FLEET_REPO_URL")
    if settings.gitops_engine != "flux":
        raise click.ClickException("--demo-cluster simulates Flux: unset GITOPS_ENGINE or set it to flux")
    try:
        from storefleet_demo.simulated import simulated_cluster
    except ModuleNotFoundError as exc:
        raise click.ClickException(MISSING_EXTRA.format(module=exc.name)) from exc
    return simulated_cluster


def start_demo_cluster(settings: Settings, stack: ExitStack, simulation: Simulation) -> Settings:
    """Serve the simulated cluster for as long as `stack` lives (threads of this process); the
    settings that point the watcher at it. The simulated Flux reads the local fleet repo from disk."""
    from storefleet.api.fleet.context import local_fleet_repo_path  # as `up` does: only when used

    fleet_repo = local_fleet_repo_path(settings)
    kubeconfig = stack.enter_context(
        simulation(settings.state_dir, fleet_repo, settings.fleet_branch, settings.flux_namespace)
    )
    # The simulated API replaces any cluster the environment names, and the watcher runs in the API.
    update = {
        "kubeconfig": kubeconfig,
        "kube_context": None,
        "kube_in_cluster": False,
        "demo_cluster": True,
        "run_watcher": True,
    }
    return settings.model_copy(update=update)
