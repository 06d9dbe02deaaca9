"""The fleet as an API: its status and its log (admins), re-baselining the sync, and the git push
webhook."""

from __future__ import annotations

import hmac
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request, status
from pydantic import BaseModel, Field

from storefleet.api.auth.dependencies import AdminActor
from storefleet.api.core.errors import AppError, NotFound, Unauthorized
from storefleet.api.core.openapi import error_responses
from storefleet.api.core.services import services
from storefleet.api.core.webhook_signature import signature_matches
from storefleet.api.db.dependencies import DbConnection
from storefleet.api.domain import audit
from storefleet.api.domain import outbox_repository as outbox
from storefleet.api.fleet import commit_log, repository
from storefleet.api.fleet.log_entries import ActorKind, revert_refusal
from storefleet.api.fleet.log_repository import LogFilter, LoggedCommit
from storefleet.api.fleet.repo import GitError
from storefleet.api.fleet.runtime import FleetRuntime

router = APIRouter(tags=["fleet"])
# The push webhook apart: signed by its sender and never under the API request limits.
webhook_router = APIRouter(tags=["fleet"])


class FleetStatus(BaseModel):
    remote: str
    branch: str
    last_pushed_sha: str | None
    last_synced_sha: str | None
    sync_error: str | None
    outbox_depth: int
    outbox_oldest_age_seconds: float | None
    writer_active: bool = Field(description="Some process (this one or another) holds the writer lock")
    writer_in_this_process: bool = Field(description="This API process is the one writing")
    sync_active: bool = Field(description="This process runs the git-side sync")


class WebhookAccepted(BaseModel):
    status: str


class WebhookNotConfigured(NotFound):
    code = "WEBHOOK_NOT_CONFIGURED"


class FleetDisabled(AppError):
    status_code = 503
    code = "FLEET_NOT_CONFIGURED"


def _fleet(request: Request) -> FleetRuntime:
    fleet = services(request).fleet
    if fleet is None:
        raise FleetDisabled("No fleet repo is configured.")
    return fleet


_ADMIN = error_responses(401, 403, 503, _503="`FLEET_NOT_CONFIGURED`")


@router.get("/api/v1/fleet", operation_id="getFleetStatus", responses=_ADMIN)
async def fleet_status(request: Request, conn: DbConnection, _: AdminActor) -> FleetStatus:
    """Where the fleet writer and the git-side sync stand (admins)."""
    fleet = _fleet(request)
    state = await repository.get_state(conn, fleet.context.repo_key)
    depth, age = await outbox.pending_count(conn)
    return FleetStatus(
        remote=fleet.context.remote_url,
        branch=fleet.context.branch,
        last_pushed_sha=state.last_pushed_sha,
        last_synced_sha=state.last_synced_sha,
        sync_error=state.sync_error,
        outbox_depth=depth,
        outbox_oldest_age_seconds=age,
        writer_active=fleet.writer_active or await repository.writer_lock_held(conn, fleet.context.repo_key),
        writer_in_this_process=fleet.writer_active,
        sync_active=fleet.sync is not None,
    )


@router.post("/api/v1/fleet/sync/rebaseline", operation_id="rebaselineFleetSync", responses=_ADMIN)
async def rebaseline(request: Request, conn: DbConnection, admin: AdminActor) -> FleetStatus:
    """After the fleet branch was rewritten (force-push), accept its current head as the new baseline:
    the sync resumes from there without acting on the rewritten history."""
    fleet = _fleet(request)
    head = await fleet.reader.call(lambda _repo, head: head, fetch="always")
    async with conn.transaction():
        await repository.get_state(conn, fleet.context.repo_key)
        await repository.set_state(conn, fleet.context.repo_key, last_synced_sha=head, sync_error=None)
        await audit.record(conn, "fleet.sync_rebaselined", admin, detail={"head": head})
    return await fleet_status(request, conn, admin)


class TouchedStoreOut(BaseModel):
    id: str
    tenant: str


class FleetCommitOut(BaseModel):
    sha: str
    short_sha: str
    time: datetime
    summary: str
    actor_kind: ActorKind = Field(description="platform | push (a person's) | pull_request | rollout")
    actor: str = Field(description="Who asked (platform), the author (push), `#<number>`, the rollout id")
    action: str = Field(description="The Action trailer (create, update, rollout, ...) or `external`")
    rollout_id: str | None
    rollout_wave: int | None
    store_count: int
    stores: list[TouchedStoreOut] = Field(description="The stores it touched (a wave: the first 20)")
    commit_url: str | None = Field(description="A web page of the commit (FLEET_COMMIT_URL), if configured")
    revertable: bool = Field(description="Revert it through its store's rollback (`commit` = this sha)")
    not_revertable_reason: str | None


class FleetCommitPage(BaseModel):
    commits: list[FleetCommitOut]
    next_cursor: int | None = Field(description="`cursor` of the next, older page; null on the last")


class FleetLogUnavailable(AppError):
    status_code = 503
    code = "FLEET_UNAVAILABLE"


_SHOWN_STORES = 20


def _commit_out(row: LoggedCommit, commit_url: str | None) -> FleetCommitOut:
    kind = ActorKind(row.actor_kind)
    refusal = revert_refusal(kind, row.store_count, row.store_live)
    return FleetCommitOut(
        sha=row.sha,
        short_sha=row.sha[:12],
        time=row.committed_at,
        summary=row.summary,
        actor_kind=kind,
        actor=row.actor,
        action=row.action,
        rollout_id=row.rollout_id,
        rollout_wave=row.rollout_wave,
        store_count=row.store_count,
        stores=[
            TouchedStoreOut(id=store_id, tenant=tenant)
            for store_id, tenant in zip(row.store_ids[:_SHOWN_STORES], row.tenants, strict=False)
        ],
        commit_url=commit_url.replace("{sha}", row.sha) if commit_url else None,
        revertable=refusal is None,
        not_revertable_reason=refusal,
    )


_Id = Annotated[str | None, Query(max_length=64, pattern=r"^[a-z0-9-]+$")]


@router.get(
    "/api/v1/fleet/commits",
    operation_id="listFleetCommits",
    responses=_ADMIN | error_responses(503, _503="`FLEET_NOT_CONFIGURED` or `FLEET_UNAVAILABLE`"),
)
async def fleet_commits(
    request: Request,
    conn: DbConnection,
    _: AdminActor,
    tenant: _Id = None,
    store: _Id = None,
    action: Annotated[str | None, Query(max_length=40, pattern=r"^[a-z-]+$")] = None,
    actor: ActorKind | None = None,
    cursor: Annotated[int | None, Query(ge=1)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> FleetCommitPage:
    """Every commit of the fleet branch, newest first (admins): the platform's, people's pushes,
    merged pull requests and rollout waves, each with the stores it touched. Filters combine; page on
    with `cursor`. A commit of one live store that is not a rollout's is `revertable` through that
    store's rollback (`GET /stores/{id}/rollback/preview?commit=<sha>`, then `POST .../rollback`)."""
    fleet = _fleet(request)
    where = LogFilter(tenant=tenant, store_id=store, action=action, actor_kind=actor)
    async with services(request).fleet_bulkhead.slot():
        try:
            source = commit_log.LogSource(fleet.reader, fleet.context.repo_key, fleet.context.identity.name)
            page = await commit_log.read_page(conn, source, where, cursor=cursor, limit=limit)
        except GitError as exc:
            raise FleetLogUnavailable(
                "The fleet repo cannot be read right now; try again shortly.", headers={"Retry-After": "30"}
            ) from exc
    commit_url = services(request).settings.fleet_commit_url
    return FleetCommitPage(
        commits=[_commit_out(row, commit_url) for row in page.commits], next_cursor=page.next_cursor
    )


def _signature_ok(secret: str, body: bytes, request: Request) -> bool:
    token = request.headers.get("x-storefleet-token", "")
    return signature_matches(secret, body, request.headers.get("x-hub-signature-256", "")) or (
        bool(token) and hmac.compare_digest(token.encode(), secret.encode())
    )


@webhook_router.post(
    "/api/v1/webhooks/git",
    status_code=status.HTTP_202_ACCEPTED,
    operation_id="gitPushWebhook",
    responses=error_responses(
        401,
        404,
        _401="the signature does not match",
        _404="`WEBHOOK_NOT_CONFIGURED`: no FLEET_WEBHOOK_SECRET",
    ),
)
async def git_webhook(request: Request) -> WebhookAccepted:
    """A push to the fleet repo: sync now instead of at the next poll. Authenticated by an HMAC-SHA256
    of the body in `X-Hub-Signature-256` (GitHub, Gitea) or the secret in `X-Storefleet-Token`."""
    secret = services(request).settings.fleet_webhook_secret
    if secret is None:
        raise WebhookNotConfigured("No webhook secret is configured (FLEET_WEBHOOK_SECRET).")
    body = await request.body()
    if not _signature_ok(secret.get_secret_value(), body, request):
        raise Unauthorized("The webhook signature does not match.")
    fleet = services(request).fleet
    if fleet is not None and fleet.sync is not None:
        fleet.sync.wake.set()
    return WebhookAccepted(status="sync scheduled")
