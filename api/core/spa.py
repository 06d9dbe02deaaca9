"""The dashboard: the frontend's production build served at `/`, next to the API.

Every GET that no API route answered and that names no file of the build gets `index.html`, so the
single-page app's own routes (`/stores/abc`) survive a reload. Paths of the API's own namespaces
never fall back: a mistyped API URL stays a JSON 404, not an HTML page with status 200.
"""

from __future__ import annotations

import logging
from importlib import resources
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse, Response
from starlette.types import Receive, Scope, Send

log = logging.getLogger(__name__)

# Vite writes content-hashed file names under assets/: a new build means new names, so cache forever.
_HASHED_DIR = "assets"
_IMMUTABLE = "public, max-age=31536000, immutable"
# index.html must be re-read on every visit, or a browser keeps asking for assets that are gone.
_REVALIDATE = "no-cache"
API_NAMESPACES = ("api", "health", "git", "metrics", "docs")
# The build loads only its own scripts and styles; Radix positions popovers with inline styles.
SPA_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)


def packaged_dist() -> Path:
    """The build shipped with the package: `storefleet/dashboard` in a wheel (setup.py copies it
    there), a symlink to frontend/dist in a checkout."""
    return Path(str(resources.files("storefleet") / "dashboard"))


def _file_in(root: Path, relative: str) -> Path | None:
    """The build's file at `relative`, or None; never a path outside the build (`..`, symlinks)."""
    candidate = (root / relative).resolve()
    if candidate.is_relative_to(root) and candidate.is_file():
        return candidate
    return None


def _response_for(root: Path, path: str) -> Response:
    index = root / "index.html"
    found = _file_in(root, path) if path else None
    if found is not None and found != index:
        cache = _IMMUTABLE if path.startswith(f"{_HASHED_DIR}/") else _REVALIDATE
        return FileResponse(found, headers={"Cache-Control": cache})
    return FileResponse(index, headers={"Cache-Control": _REVALIDATE, "Content-Security-Policy": SPA_CSP})


def install_spa(app: FastAPI, dist: Path | None) -> bool:
    """Serve the build at `dist` (default: the packaged one); False when there is none.

    It is the router's fallback, not a route: a path an API route knows keeps its 405 for a wrong
    method, and anything but a GET or HEAD outside the API's namespaces keeps the JSON 404."""
    root = (dist or packaged_dist()).resolve()
    if not (root / "index.html").is_file():
        log.info("dashboard: no build at %s (run `npm ci && npm run build` in frontend/)", root)
        return False
    not_found = app.router.default

    async def dashboard_or_not_found(scope: Scope, receive: Receive, send: Send) -> None:
        path = scope["path"].lstrip("/")
        if (
            scope["type"] != "http"
            or scope["method"] not in ("GET", "HEAD")
            or (path.split("/", 1)[0] in API_NAMESPACES)
        ):
            await not_found(scope, receive, send)
            return
        await _response_for(root, path)(scope, receive, send)

    app.router.default = dashboard_or_not_found
    return True
