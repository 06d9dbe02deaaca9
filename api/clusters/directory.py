"""The clusters' names and regions as other answers show them (a store says where it runs), read at
most every few seconds instead of joined into every store query. Names never change; a change made
through this process is seen at once (`changed`), one made through another replica within
`MAX_AGE_S`."""

from __future__ import annotations

import time

from storefleet.api.clusters import repository
from storefleet.api.clusters.placement import ClusterName
from storefleet.api.db.pool import Connection

MAX_AGE_S = 5.0
_generation = 0  # bumped by every change of a cluster made in this process


def changed() -> None:
    global _generation
    _generation += 1


class ClusterDirectory:
    def __init__(self) -> None:
        self._names: dict[str, ClusterName] = {}
        self._read_at = float("-inf")
        self._generation = -1
        self.reads = 0

    async def current(self, conn: Connection) -> dict[str, ClusterName]:
        if time.monotonic() - self._read_at > MAX_AGE_S or self._generation != _generation:
            generation = _generation
            rows = await repository.list_all(conn)
            self._names = {row.id: ClusterName(row.name, row.region) for row in rows}
            self._read_at, self._generation = time.monotonic(), generation
            self.reads += 1
        return self._names
