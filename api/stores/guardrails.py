"""Store-creation guardrails: a cap per user, a cooldown between one user's creations, a cap per
cluster. Checked inside the create transaction, under PostgreSQL advisory locks, so they hold with
any number of API replicas. A limit of 0 disables it.

What counts: every store not `deleted`. A `deleting` store still holds its namespace and pods until
the cluster confirms it is gone, and a `failed` one may too; counting them means creating and
deleting in a loop cannot run more stores than the cap. (It is also what makes a name unique.)

Admins are exempt from the cooldown (they create stores for others, several in a row), not from the
per-user cap nor from the cluster cap, which protect capacity. Every refusal is a 429: the request
was fine, the caller has to wait or free a store; a 5xx would blame the platform for a client's
request.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import ClassVar

from storefleet.api.core.actor import Actor
from storefleet.api.core.errors import AppError
from storefleet.api.db.pool import Connection
from storefleet.api.domain import store_counts

log = logging.getLogger(__name__)

# The cluster cap takes a global lock only this close to the cap: far below it, concurrent creates
# stay parallel. Overshoot needs more than this many creates in flight at once that each counted
# before the others committed; with pools of ~10 connections per replica it does not happen.
GLOBAL_LOCK_MARGIN = 100


class StoreLimitExceeded(AppError):
    status_code: ClassVar[int] = 429
    code: ClassVar[str] = "STORE_LIMIT_EXCEEDED"


class CreationCooldown(AppError):
    status_code: ClassVar[int] = 429
    code: ClassVar[str] = "CREATION_COOLDOWN"


class PlatformStoreLimit(AppError):
    """The cluster is full until an operator raises the cap or stores go away; the refusals are
    logged and show in `http_requests_total{status="429"}` for the dashboards."""

    status_code: ClassVar[int] = 429
    code: ClassVar[str] = "PLATFORM_STORE_LIMIT"


# What a creation can be refused for by the guardrails (each refusal is audited).
CREATION_REFUSALS = (StoreLimitExceeded, CreationCooldown, PlatformStoreLimit)


@dataclass(frozen=True)
class CreationLimits:
    per_user: int = 0
    total: int = 0
    cooldown_s: float = 0.0


NO_LIMITS = CreationLimits()


def creation_guarded(actor: Actor, limits: CreationLimits) -> bool:
    """Whether a create by `actor` must pass `check_creation_allowed` (in a transaction) first."""
    return bool(limits.per_user or limits.total or (limits.cooldown_s and not actor.is_admin))


async def check_creation_allowed(conn: Connection, actor: Actor, limits: CreationLimits) -> None:
    """Raise if `actor` may not create a store now. Call inside the create transaction, before the
    insert: the locks taken here are held until it commits, so the next create sees this one.

    Two round trips whatever is enabled: the owner's lock, then every count in one statement (which
    must start after the lock is granted, for its snapshot to see the creation it waited for)."""
    assert actor.id is not None
    cooldown_s = 0.0 if actor.is_admin else limits.cooldown_s
    if not creation_guarded(actor, limits):
        return
    if limits.per_user or cooldown_s:
        await store_counts.lock_creations_of_owner(conn, actor.id)
    counts = await store_counts.creation_counts(
        conn,
        actor.id,
        owner_live=bool(limits.per_user),
        since_last=bool(cooldown_s),
        total_live=bool(limits.total),
    )
    _check_per_user_cap(actor.id, limits.per_user, counts.owner_live)
    _check_cooldown(actor.id, cooldown_s, counts.since_last_s)
    if counts.total_live is not None:
        await _check_total_cap(conn, limits.total, counts.total_live)


def _check_per_user_cap(owner_id: str, limit: int, active: int | None) -> None:
    if not limit or active is None or active < limit:
        return
    _refused("per_user", owner_id, limit=limit, active=active)
    raise StoreLimitExceeded(
        f"You have {active} stores; the limit is {limit} per user. Delete one to create another.",
        details={"limit": limit, "active": active},
    )


def _check_cooldown(owner_id: str, cooldown_s: float, elapsed: float | None) -> None:
    if not cooldown_s or elapsed is None or elapsed >= cooldown_s:
        return
    retry_after = max(1, math.ceil(cooldown_s - elapsed))
    _refused("cooldown", owner_id, limit=cooldown_s, retry_after_s=retry_after)
    raise CreationCooldown(
        f"You created a store less than {cooldown_s:g} seconds ago; try again in {retry_after} s.",
        details={"cooldown_s": cooldown_s, "retry_after_s": retry_after},
        headers={"Retry-After": str(retry_after)},
    )


async def _check_total_cap(conn: Connection, limit: int, active: int) -> None:
    if active < limit - GLOBAL_LOCK_MARGIN:
        return
    # Near the cap: serialise creates cluster-wide and count again, now that every create which
    # held the lock before us has committed.
    await store_counts.lock_creations_globally(conn)
    active = await store_counts.count_live_stores(conn)
    if active >= limit:
        _refused("total", None, limit=limit, active=active)
        raise PlatformStoreLimit(
            f"The platform is at its limit of {limit} stores; try again later or ask an operator.",
            details={"limit": limit},
        )


def _refused(guardrail: str, owner_id: str | None, **fields: float) -> None:
    # One structured line per refusal: the guardrail, the owner, the numbers behind the decision.
    log.warning(
        "store creation refused by the %s guardrail",
        guardrail,
        extra={"guardrail": guardrail, "owner_id": owner_id, **fields},
    )
