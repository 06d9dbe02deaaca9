"""A background loop of passes: one now, then one every tick until asked to stop. A pass that fails
is logged and the next one runs: the loops keep their work in the database, not in the pass."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)


async def every(
    tick_s: float, stop: asyncio.Event, one_pass: Callable[[], Awaitable[object]], name: str
) -> None:
    while not stop.is_set():
        try:
            await one_pass()
        except Exception:
            log.exception("%s: pass failed; trying again", name)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=tick_s)
