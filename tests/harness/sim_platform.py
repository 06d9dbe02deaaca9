"""`storefleet up` with a simulated cluster, for the dashboard's browser tests and for demos.

    python -m tests.harness.sim_platform --state-dir DIR --port N

The real platform (embedded PostgreSQL, local fleet repo, writer, watcher) runs as a child process;
the cluster it watches is the test Kubernetes API, and the Flux double plays Flux on the fleet repo
the platform serves, so stores really go requested -> provisioning -> ready. Setup Jobs end as soon
as they start (a Medusa store's log carries a publishable key). Prints `READY <url>` once the API
answers; SIGTERM or SIGINT stops everything.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

from tests.kube.cluster import running_kube_api
from tests.kube.flux_double import FluxDouble

SIMULATED_SETUP_LOG = "setup finished\npublishable-key=pk_simulated0000000000000000\n"
# The dashboard's tests create several stores in a row as one user: no cooldown there.
PLATFORM_ENV = {
    "STORE_CREATION_COOLDOWN_S": "0",
    "WATCH_TICK_S": "0.5",
    "FLEET_SYNC_INTERVAL_S": "0.5",
    "DEMO_CLUSTER": "true",  # health and the status bar say the cluster is simulated
}


def _wait_healthy(url: str, platform: subprocess.Popen[bytes], timeout_s: float = 90) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if platform.poll() is not None:
            raise SystemExit(f"storefleet up exited with {platform.returncode}")
        try:
            if httpx.get(f"{url}/health/live", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise SystemExit("storefleet up did not answer in time")


def _simulate(applier: FluxDouble, stop: threading.Event) -> None:
    """Flux and the setup Jobs, every few tenths of a second, until `stop`."""
    while not stop.is_set():
        try:
            applier.reconcile()
            applier.finish_jobs(log=SIMULATED_SETUP_LOG)
        except Exception as error:  # a race with the platform's own writes: the next pass retries
            print(f"simulated cluster: {type(error).__name__}: {error}", file=sys.stderr, flush=True)
        stop.wait(0.3)


def run(state_dir: Path, port: int) -> int:
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    state_dir.mkdir(parents=True, exist_ok=True)
    url = f"http://127.0.0.1:{port}"
    with running_kube_api() as cluster:
        kubeconfig = cluster.write_kubeconfig(state_dir / "sim-kubeconfig")
        env = {**os.environ, **PLATFORM_ENV, "KUBECONFIG": str(kubeconfig)}
        command = [sys.executable, "-m", "storefleet.api.cli", "up", "--port", str(port), "--state-dir"]
        platform = subprocess.Popen([*command, str(state_dir)], env=env, stdin=subprocess.DEVNULL)
        try:
            _wait_healthy(url, platform)
            applier = FluxDouble(cluster, state_dir / "fleet.git")
            simulator = threading.Thread(target=_simulate, args=(applier, stop), daemon=True)
            simulator.start()
            print(f"READY {url}", flush=True)
            while not stop.is_set() and platform.poll() is None:
                stop.wait(0.5)
            stop.set()
            simulator.join(timeout=10)
        finally:
            if platform.poll() is None:
                platform.terminate()
                try:
                    platform.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    platform.kill()
    return platform.returncode or 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--state-dir", type=Path, default=None, help="default: a new temporary directory")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    state_dir = args.state_dir or Path(tempfile.mkdtemp(prefix="storefleet-sim-"))
    sys.exit(run(state_dir.resolve(), args.port))


if __name__ == "__main__":
    main()
