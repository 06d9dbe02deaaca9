"""HTTP for a store's commits in the fleet repo: its history, and rolling back (or previewing it).
Included in the stores router (same prefix, same tag)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, status
from pydantic import ConfigDict

from storefleet.api.auth.dependencies import CurrentActor
from storefleet.api.core.errors import ServiceUnavailable
from storefleet.api.core.openapi import error_responses
from storefleet.api.core.services import services
from storefleet.api.db.dependencies import DbConnection
from storefleet.api.fleet.reader import FleetReader, HistoryEntry
from storefleet.api.fleet.repo import GitError
from storefleet.api.stores import rollback, service
from storefleet.api.stores.presenter import Presenter
from storefleet.api.stores.rollback import RollbackPlan
from storefleet.api.stores.schemas import (
    HistoryEntryOut,
    RollbackChange,
    RollbackPreview,
    RollbackRequest,
    StoreHistory,
    StoreOut,
)

router = APIRouter(tags=["stores"])

StoreId = Annotated[str, Path(max_length=64, description="Store id, e.g. st-abcdefgh23")]
_NOT_FOUND = error_responses(404, _404="`STORE_NOT_FOUND`: no such store, or another tenant's")
_NO_FLEET = error_responses(
    503,
    _503="`FLEET_NOT_CONFIGURED`; `OVERLOADED` (too many reads of the fleet repo waiting) or"
    " `FLEET_UNAVAILABLE` (its remote cannot be reached), both with `Retry-After`",
)
_ROLLBACK_ERRORS = (
    error_responses(404, _404="`STORE_NOT_FOUND` or `COMMIT_NOT_FOUND`")
    | error_responses(409, _409="`NOTHING_TO_ROLL_BACK`, or not allowed in the store's state")
    | _NO_FLEET
)


class RollbackQuery(RollbackRequest):
    """The rollback's own rules, as query parameters (other parameters, e.g. cache busters, ignored)."""

    model_config = ConfigDict(extra="ignore")


class FleetNotConfigured(ServiceUnavailable):
    code = "FLEET_NOT_CONFIGURED"


def _reader(request: Request) -> FleetReader:
    reader = services(request).fleet_reader
    if reader is None:
        raise FleetNotConfigured("No fleet repo is configured (set FLEET_REPO_URL, or run `storefleet up`).")
    return reader


class FleetUnavailable(ServiceUnavailable):
    code = "FLEET_UNAVAILABLE"


@asynccontextmanager
async def _fleet_slot(request: Request) -> AsyncIterator[None]:
    """The fleet repo clone answers one read at a time: a bounded queue waits, the rest get 503. A
    read that needs the remote while it is away is a 503 too (not the client's fault), with a hint."""
    async with services(request).fleet_bulkhead.slot():
        try:
            yield
        except GitError as exc:
            if not exc.temporary:
                raise
            raise FleetUnavailable(
                "The fleet repo's remote cannot be reached right now; try again shortly.",
                headers={"Retry-After": "30"},
            ) from exc


@router.post(
    "/{store_id}/rollback",
    status_code=status.HTTP_202_ACCEPTED,
    operation_id="rollbackStore",
    responses=_ROLLBACK_ERRORS,
)
async def rollback_store(
    store_id: StoreId,
    request: Request,
    conn: DbConnection,
    actor: CurrentActor,
    present: Presenter,
    body: RollbackRequest | None = None,
) -> StoreOut:
    """Roll back through a new commit: revert one of the store's commits (`commit`, default its
    latest; reverting the creation deletes the store), or restore the settings it had at a commit
    (`to_commit`)."""
    body = body or RollbackRequest()
    async with _fleet_slot(request):
        store = await rollback.rollback_store(
            conn, _reader(request), actor, store_id, commit=body.commit, to_commit=body.to_commit
        )
    return present(store)


@router.get("/{store_id}/rollback/preview", operation_id="previewStoreRollback", responses=_ROLLBACK_ERRORS)
async def preview_rollback(
    store_id: StoreId,
    request: Request,
    conn: DbConnection,
    actor: CurrentActor,
    query: Annotated[RollbackQuery, Query()],
) -> RollbackPreview:
    """What `POST .../rollback` with the same `commit` or `to_commit` would change, changing nothing."""
    async with _fleet_slot(request):
        plan = await rollback.preview_rollback(
            conn, _reader(request), actor, store_id, commit=query.commit, to_commit=query.to_commit
        )
    return _preview(plan)


def _preview(plan: RollbackPlan) -> RollbackPreview:
    return RollbackPreview(
        mode=plan.mode,
        commit=plan.commit,
        deletes_store=plan.deletes_store,
        changes=[
            RollbackChange(field=k, current=_shown(old), after=_shown(new))
            for k, (old, new) in sorted(plan.changes.items())
        ],
    )


def _shown(value: object) -> str | None:
    """A field's value as the preview shows it: text as it is; a group of settings (branding,
    backups) as compact JSON."""
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


@router.get("/{store_id}/history", operation_id="getStoreHistory", responses=_NOT_FOUND | _NO_FLEET)
async def store_history(
    store_id: StoreId,
    request: Request,
    conn: DbConnection,
    actor: CurrentActor,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> StoreHistory:
    """The store's commits in the fleet repo, newest first (from `git log -- <store dir>`)."""
    async with _fleet_slot(request):
        entries = await service.store_history(conn, _reader(request), actor, store_id, limit)
    commit_url = services(request).settings.fleet_commit_url
    return StoreHistory(commits=[_entry(e, commit_url) for e in entries])


def _entry(entry: HistoryEntry, commit_url: str | None) -> HistoryEntryOut:
    return HistoryEntryOut(
        sha=entry.sha,
        short_sha=entry.sha[:12],
        action=entry.action,
        summary=entry.summary,
        actor=entry.actor,
        time=datetime.fromisoformat(entry.time),
        request_id=entry.request_id,
        change_id=entry.change_id,
        commit_url=commit_url.replace("{sha}", entry.sha) if commit_url else None,
    )
