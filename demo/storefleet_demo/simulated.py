"""The simulated cluster of `storefleet up --demo-cluster`: the Kubernetes API and Flux, run in
threads of the platform's own process, so stores really go requested -> provisioning -> ready, updates
and rollbacks land, and failures can be asked for.

Flux follows the fleet repo's branch on every pass (a few tenths of a second apart) and ends each
setup Job as soon as it starts. A failure is asked for with the word `fail`: a release whose store
name or storefront branding (display name, promo text) holds it fails, every attempt, until the
platform retries the store (its retry resets the release, as `flux reconcile helmrelease --reset`)
or a change without the word replaces it (a rollback); so a user sees `failed`, then a retry or a
rollback bring the store back.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from storefleet_demo.kube.applier import get_condition
from storefleet_demo.kube.cluster import running_kube_api
from storefleet_demo.kube.flux_double import RESET_AT, FluxDouble

log = logging.getLogger("storefleet.demo")

Obj = dict[str, Any]
TRIGGER = "fail"
# What a finished setup Job logs (a Medusa store's setup prints the storefront's publishable key).
SETUP_LOG = "setup finished\npublishable-key=pk_simulated0000000000000000\n"
PASS_INTERVAL_S = 0.3


def trigger_in(values: Obj) -> str | None:
    """Which user-written value of a release asks for a failure (None: none does)."""
    store = values.get("store") or {}
    storefront = values.get("storefront") or {}
    for label, text in (
        ("name", store.get("name")),
        ("display name", storefront.get("displayName")),
        ("promo text", storefront.get("promoText")),
    ):
        if isinstance(text, str) and TRIGGER in text.lower():
            return label
    return None


class DemoFlux(FluxDouble):
    """The Flux double with failures a user triggers from the platform itself (module docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # (release, generation) -> the reset token it was first tried under: a new token is a retry
        self._first_try: dict[tuple[str, int], str | None] = {}

    def finish_releases(self, store_id: str | None = None) -> list[str]:
        with self.lock:
            for release in self._releases(store_id):
                self._arm_failure(release)
            return super().finish_releases(store_id)

    def _arm_failure(self, release: Obj) -> None:
        """Make this pass's attempt of the release fail when its values ask for it and no retry came
        since its spec was first tried."""
        name, generation = release["metadata"]["name"], release["metadata"]["generation"]
        reconciling = get_condition(release, "Reconciling")
        if reconciling is None or reconciling["reason"] != "Progressing":
            return  # no attempt under way: nothing to finish this pass
        trigger = trigger_in(release["spec"].get("values") or {})
        token = (release["metadata"].get("annotations") or {}).get(RESET_AT)
        first = self._first_try.setdefault((name, generation), token)
        if trigger is None or token != first:
            self.clear_failures(name)
            return
        self.fail(name, times=1, message=f'simulated failure: the store\'s {trigger} contains "{TRIGGER}"')


def _simulate(applier: DemoFlux, stop: threading.Event) -> None:
    """Flux's controllers and the setup Jobs, one pass every few tenths of a second, until `stop`."""
    while not stop.is_set():
        try:
            applier.reconcile()
            applier.finish_jobs(log=SETUP_LOG)
        except Exception as error:  # a race with the platform's own writes: the next pass retries
            log.info("simulated cluster: %s: %s", type(error).__name__, error)
        stop.wait(PASS_INTERVAL_S)


@contextlib.contextmanager
def simulated_cluster(
    state_dir: Path, fleet_repo: Path, branch: str = "main", flux_namespace: str = "flux-system"
) -> Iterator[Path]:
    """Serve the Kubernetes API and run Flux on `fleet_repo` (a bare repository on this machine) for
    the block; yields the kubeconfig of the API (written in `state_dir`)."""
    # The platform logs its own requests to the API; each of the API's would drown them.
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    with running_kube_api() as cluster:
        kubeconfig = cluster.write_kubeconfig(state_dir / "demo-kubeconfig")
        applier = DemoFlux(cluster, fleet_repo, branch, namespace=flux_namespace)
        stop = threading.Event()
        flux = threading.Thread(target=_simulate, args=(applier, stop), name="simulated-flux", daemon=True)
        flux.start()
        log.info("simulated cluster serving at %s (kubeconfig %s)", cluster.url, kubeconfig)
        try:
            yield kubeconfig
        finally:
            stop.set()
            flux.join(timeout=10)
