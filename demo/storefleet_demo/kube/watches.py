"""Watch events and one watch's view of them: namespace and selectors applied the way the API server's
watch cache applies them (an object that stops matching is DELETED for that watch, one that starts
matching is ADDED)."""

from __future__ import annotations

import asyncio
import copy
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Obj = dict[str, Any]


@dataclass(frozen=True)
class Event:
    rv: int
    type: str
    obj: Obj
    old: Obj | None = None  # the previous state of a MODIFIED object


def _with_rv(obj: Obj, rv: int) -> Obj:
    result = copy.deepcopy(obj)
    result.setdefault("metadata", {})["resourceVersion"] = str(rv)
    return result


@dataclass(eq=False)
class Subscriber:
    namespace: str | None
    matches: Callable[[Obj], bool]
    # None ends the stream (server shutdown, a reset).
    queue: asyncio.Queue[Obj | None] = field(default_factory=asyncio.Queue)

    def view(self, event: Event) -> Obj | None:
        """The event as this watch sees it, or None when it does not concern it."""
        if self.namespace is not None and event.obj["metadata"].get("namespace") != self.namespace:
            return None
        now_matches = self.matches(event.obj)
        if event.type != "MODIFIED":
            return {"type": event.type, "object": event.obj} if now_matches else None
        before = event.old is not None and self.matches(event.old)
        if now_matches:
            return {"type": "MODIFIED" if before else "ADDED", "object": event.obj}
        if before and event.old is not None:
            # The previous content, at this event's resourceVersion.
            return {"type": "DELETED", "object": _with_rv(event.old, event.rv)}
        return None

    def offer(self, event: Event) -> None:
        seen = self.view(event)
        if seen is not None:
            self.queue.put_nowait(seen)

    def close(self) -> None:
        self.queue.put_nowait(None)


class History:
    """One resource's recent events; a watch may resume from any resourceVersion after `floor`."""

    def __init__(self, limit: int) -> None:
        self.events: deque[Event] = deque()
        self.limit = limit
        self.floor = 0
        self.subscribers: set[Subscriber] = set()
        # Open watches get each event this late (a slow stream); lists and GETs are not delayed.
        self.delay_s = 0.0

    def append(self, event: Event) -> None:
        if len(self.events) >= self.limit:
            self.floor = self.events.popleft().rv
        self.events.append(event)
        for subscriber in self.subscribers:
            if self.delay_s > 0:
                asyncio.get_running_loop().call_later(self.delay_s, subscriber.offer, event)
            else:
                subscriber.offer(event)
