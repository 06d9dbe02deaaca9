"""A running store's health as its applier reports it (pure): what turns a `ready` store `degraded`,
and a `degraded` one `ready` again, with no new spec involved (`decide._running`)."""

from __future__ import annotations

from storefleet.reconciler_watch.observed import ArgoApp, FluxRelease


def applier_health(applier: FluxRelease | ArgoApp | None, spec_hash: str | None) -> tuple[bool, str] | None:
    """(healthy, why) as the applier reports the store's current spec (`spec_hash`); None: no
    verdict (no object, an object of another spec, or one the applier is still working on)."""
    if applier is None or spec_hash is None or applier.spec_hash != spec_hash:
        return None
    return _flux_health(applier) if isinstance(applier, FluxRelease) else _argo_health(applier)


def _flux_health(release: FluxRelease) -> tuple[bool, str] | None:
    # helm-controller sets Ready=False on a release it already installed when drift correction, a
    # dependency or the chart's source fails; while Reconciling it has no verdict yet
    ready, reconciling = release.conditions.get("Ready"), release.conditions.get("Reconciling")
    current = ready is not None and ready.observed_generation in (None, release.generation)
    if ready is None or not current or (reconciling and reconciling.is_true):
        return None
    if ready.is_true:
        return True, "Helm release ready"
    return False, f"Helm: {ready.message or ready.reason}"


def _argo_health(app: ArgoApp) -> tuple[bool, str] | None:
    if not app.contains_commit or app.operation_phase == "Running":
        return None
    if app.health_status == "Degraded":
        return False, f"Argo CD: degraded: {app.health_message or 'see the application'}"
    if app.health_status == "Healthy" and app.sync_status == "Synced":
        return True, "Argo CD: synced and healthy"
    return None
