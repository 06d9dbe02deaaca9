"""The API's clients of the registered clusters: built once per cluster and version, and a client
nobody asked for in a while closed and dropped."""

from __future__ import annotations

from typing import Any, cast

from storefleet.api.core.circuit import RemoteCircuit
from storefleet.api.domain.cluster_access import ClusterReach
from storefleet.api.stores.cluster_clients import ClusterClients


class FakeClient:
    def __init__(self, name: str, version: int) -> None:
        self.name, self.version, self.closed = name, version, False

    def close(self) -> None:
        self.closed = True


def reach(name: str, version: int = 1) -> ClusterReach:
    return ClusterReach(
        name, name, "flux", "api", "kubeconfig_file", None, None, None, f"/{name}", None, version
    )


def test_a_client_is_built_once_per_version_and_closed_once_idle() -> None:
    built: list[FakeClient] = []
    now = [0.0]

    def build(cluster: ClusterReach) -> Any:
        built.append(FakeClient(cluster.name, cluster.version))
        return built[-1]

    clients = ClusterClients(build, lambda: cast(RemoteCircuit, object()), idle_s=60, clock=lambda: now[0])
    fra = clients.reach(reach("fra-1")).cluster
    assert clients.reach(reach("fra-1")).cluster is fra and len(built) == 1
    assert clients.reach(reach("fra-1", version=2)).cluster is not fra  # its access changed: built again
    assert not fra.closed  # a read may still be using the replaced client
    now[0] = 30.0
    clients.reach(reach("ams-1"))
    now[0] = 100.0  # fra-1 last asked for at 0: idle; ams-1 at 30: not yet
    clients.reach(reach("ams-1"))
    assert built[1].closed and not built[2].closed and len(clients) == 1
    assert clients.reach(reach("fra-1", version=2)).cluster is built[3]  # asked for again: built anew
