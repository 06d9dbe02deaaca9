"""Serving the app with uvicorn, with the shutdown order the platform needs.

SIGTERM/SIGINT: readiness turns 503 at once, the listener closes after SHUTDOWN_GRACE_SECONDS (time
for a load balancer to notice), in-flight requests drain for up to SHUTDOWN_DRAIN_SECONDS, then the
lifespan stops background work and closes the pool. A second signal exits at once.
"""

from __future__ import annotations

import logging
import signal
import threading
from types import FrameType

import uvicorn
from fastapi import FastAPI

from storefleet.api.core.services import Lifecycle, app_services
from storefleet.api.settings import Settings

log = logging.getLogger(__name__)


class _GracefulServer(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, lifecycle: Lifecycle, grace_seconds: float) -> None:
        super().__init__(config)
        self._lifecycle = lifecycle
        self._grace_seconds = grace_seconds

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        # Unlike uvicorn's own handler, the signal is not re-raised after shutdown: the caller still
        # has work to do (stopping the embedded database) and exits normally afterwards.
        if self._lifecycle.shutting_down:
            log.warning("second %s: exiting without waiting for requests", signal.Signals(sig).name)
            self.force_exit = True
            self.should_exit = True
            return
        log.info("%s received: shutting down gracefully", signal.Signals(sig).name)
        self._lifecycle.shutting_down = True
        if self._grace_seconds > 0:
            timer = threading.Timer(self._grace_seconds, self._stop_listening)
            timer.daemon = True
            timer.start()
        else:
            self._stop_listening()

    def _stop_listening(self) -> None:
        self.should_exit = True


def serve(app: FastAPI, settings: Settings, *, host: str, port: int) -> bool:
    """Run until a shutdown signal; True if the server started and stopped cleanly."""
    lifecycle = app_services(app).lifecycle
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_config=None,
        access_log=False,
        server_header=False,
        proxy_headers=False,
        timeout_graceful_shutdown=int(settings.shutdown_drain_seconds),
        lifespan="on",
    )
    server = _GracefulServer(config, lifecycle, settings.shutdown_grace_seconds)
    server.run()
    return server.started
