"""GitHub's webhook for pull-request mode: `pull_request` events, verified by their signature."""

from __future__ import annotations

import json
import logging

from fastapi import APIRouter, Request, status
from pydantic import BaseModel

from storefleet.api.core.errors import NotFound, Unauthorized, ValidationFailed
from storefleet.api.core.openapi import error_responses
from storefleet.api.core.services import services
from storefleet.api.core.webhook_signature import signature_matches
from storefleet.api.fleet.pulls import service
from storefleet.api.fleet.pulls.pull_info import PullInfo

log = logging.getLogger(__name__)
router = APIRouter(tags=["fleet"])


class GitHubWebhookNotConfigured(NotFound):
    code = "WEBHOOK_NOT_CONFIGURED"


class WebhookResult(BaseModel):
    status: str


def _pull_request(body: bytes) -> PullInfo:
    try:
        return PullInfo.from_event(json.loads(body)["pull_request"])
    except (ValueError, KeyError, TypeError) as exc:
        raise ValidationFailed("The body is not a pull_request event.") from exc


@router.post(
    "/api/v1/webhooks/github",
    status_code=status.HTTP_202_ACCEPTED,
    operation_id="githubWebhook",
    responses=error_responses(
        401,
        404,
        422,
        _401="the `X-Hub-Signature-256` signature does not match",
        _404="`WEBHOOK_NOT_CONFIGURED`: no GITHUB_WEBHOOK_SECRET",
    ),
)
async def github_webhook(request: Request) -> WebhookResult:
    """GitHub's `pull_request` events for the pull requests the platform opened (pull-request mode):
    a merge moves the store on, a close without merge fails it. Authenticated by the HMAC-SHA256 of
    the body in `X-Hub-Signature-256`. Other events (`ping` included) are acknowledged and ignored."""
    secret = services(request).settings.github_webhook_secret
    if secret is None:
        raise GitHubWebhookNotConfigured("No webhook secret is configured (GITHUB_WEBHOOK_SECRET).")
    body = await request.body()
    if not signature_matches(secret.get_secret_value(), body, request.headers.get("x-hub-signature-256", "")):
        raise Unauthorized("The webhook signature does not match.")
    event = request.headers.get("x-github-event", "")
    if event != "pull_request":
        return WebhookResult(status=f"ignored {event or 'unnamed'} event")
    pull = _pull_request(body)
    async with services(request).pool.connection() as conn:
        outcome = await service.record_outcome(conn, pull)
    log.info("github webhook: pull request %s", outcome)
    return WebhookResult(status=outcome)
