"""The API's client of each registered cluster other than the settings one, for the reads of a store
that runs there (its credentials, its objects, its backups). Built on first use from where the
cluster's row says its kubeconfig is (the composition root passes the builder: the stores slice never
imports the kubernetes client), and again when the row changes (its version); each cluster has its
own circuit breaker, so one unreachable cluster never stops the reads of another. A client unused for
`IDLE_S` is closed and dropped (its cluster was deleted, or nothing there was read for a while): the
next read builds it again."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from storefleet.api.core.circuit import RemoteCircuit
from storefleet.api.domain.cluster_access import ClusterReach
from storefleet.api.stores.cluster_port import StoreCluster

Build = Callable[[ClusterReach], StoreCluster]  # raises ValueError when the client cannot be built
IDLE_S = 900.0


@dataclass(frozen=True)
class Reached:
    version: int
    cluster: StoreCluster
    circuit: RemoteCircuit


class Unreachable:
    """A cluster whose client could not be built: every read fails as an unreachable cluster does
    (503 `CLUSTER_UNAVAILABLE` through the guard), after the store's own checks."""

    def __init__(self, name: str, why: str) -> None:
        self._error = f"cannot reach cluster {name}: {why}"

    def __getattr__(self, _name: str) -> Any:
        def unreachable(*_args: Any) -> Any:
            raise ConnectionError(self._error)

        return unreachable


class ClusterClients:
    def __init__(
        self,
        build: Build,
        circuit: Callable[[], RemoteCircuit],
        idle_s: float = IDLE_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._build, self._circuit = build, circuit
        self._idle_s, self._clock = idle_s, clock
        self._reached: dict[str, Reached] = {}
        self._used: dict[str, float] = {}  # cluster id -> when its client was last asked for
        self._lock = threading.Lock()  # one build per cluster and version, whichever thread asks

    def reach(self, cluster: ClusterReach) -> Reached:
        with self._lock:
            now = self._clock()
            self._drop_idle(now, keep=cluster.id)
            known = self._reached.get(cluster.id)
            if known is None or known.version != cluster.version:
                try:
                    client: StoreCluster = self._build(cluster)
                except ValueError as exc:
                    client = Unreachable(cluster.name, str(exc))
                known = Reached(cluster.version, client, self._circuit())
                self._reached[cluster.id] = known
            self._used[cluster.id] = now
            return known

    def _drop_idle(self, now: float, keep: str) -> None:
        """Close the clients nobody asked for in `idle_s` (no read of theirs can still be running: a
        read is bounded by its request timeout, far shorter). A replaced version's client is left to
        the garbage collector instead: a read may still be using it."""
        for cluster_id, used in list(self._used.items()):
            if cluster_id != keep and now - used > self._idle_s:
                del self._used[cluster_id]
                close = getattr(self._reached.pop(cluster_id).cluster, "close", None)
                if callable(close):
                    close()

    def __len__(self) -> int:
        return len(self._reached)
