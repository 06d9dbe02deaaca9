"""What the fleet runtime needs from a cluster watcher it runs: a loop to run until a stop event, and
enough about its watches to report their health.

The watcher the composition root builds fits these shapes without naming them, so the fleet slice
never imports the watcher (nor, through it, the kubernetes client). The members are read-only
properties: plain attributes and frozen dataclass fields both satisfy them.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Mapping
from typing import Any, Protocol


class WatchedKind(Protocol):
    @property
    def plural(self) -> str: ...


class Watch(Protocol):
    """One list-and-watch of a kind: whether it has listed once, where it stands, its last error."""

    @property
    def resource(self) -> WatchedKind: ...

    @property
    def synced(self) -> threading.Event: ...

    @property
    def resource_version(self) -> str | None: ...

    @property
    def last_error(self) -> str | None: ...


class WatcherSettings(Protocol):
    @property
    def engine(self) -> str: ...


class BackgroundWatcher(Protocol):
    @property
    def config(self) -> WatcherSettings: ...

    @property
    def informers(self) -> Mapping[str, Watch]: ...

    async def run(self, stop: asyncio.Event) -> None:
        """Watch and reconcile until `stop` is set."""


class WatcherFleet(Protocol):
    """The watchers of every registered cluster, as the runtime runs them and reports their health."""

    async def run(self, stop: asyncio.Event) -> None:
        """Watch every cluster this replica leads until `stop` is set."""

    async def health(self) -> tuple[bool, dict[str, Any]]:
        """(degraded, details per cluster)."""
