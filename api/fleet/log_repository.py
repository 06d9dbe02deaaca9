"""All SQL of the fleet log: its commits, the stores each touched, and how far it has read the branch."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from psycopg.rows import class_row

from storefleet.api.db.pool import Connection
from storefleet.api.fleet.log_entries import ActorKind, LogEntry


@dataclass(frozen=True, slots=True)
class LoggedCommit:
    """A fleet-log row as the API reads it, with its stores and whether its one store is live."""

    seq: int
    sha: str
    committed_at: datetime
    summary: str
    actor_kind: ActorKind
    actor: str
    action: str
    rollout_id: str | None
    rollout_wave: int | None
    store_count: int
    store_ids: list[str]
    tenants: list[str]  # each store's, in the order of store_ids
    store_live: bool


@dataclass(frozen=True, slots=True)
class LogFilter:
    tenant: str | None = None
    store_id: str | None = None
    action: str | None = None
    actor_kind: ActorKind | None = None


def catch_up_lock_key(repo_key: str) -> int:
    """The advisory lock one catch-up of a branch's log holds, so two replicas never add it twice."""
    digest = hashlib.sha256(f"fleet-log:{repo_key}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


async def lock_catch_up(conn: Connection, repo_key: str) -> None:
    await conn.execute("SELECT pg_advisory_xact_lock(%s)", (catch_up_lock_key(repo_key),))


async def last_logged(conn: Connection, repo_key: str) -> str | None:
    row = await (
        await conn.execute("SELECT last_logged_sha FROM fleet_state WHERE repo_key = %s", (repo_key,))
    ).fetchone()
    return row["last_logged_sha"] if row else None


async def merged_pulls(conn: Connection, shas: Sequence[str]) -> dict[str, int]:
    """{merge commit: pull request number} for those of `shas` that merged one of our pull requests."""
    if not shas:
        return {}
    cur = await conn.execute(
        "SELECT DISTINCT merge_commit_sha, number FROM pull_requests"
        " WHERE state = 'merged' AND merge_commit_sha = ANY(%s)",
        (list(shas),),
    )
    return {row["merge_commit_sha"]: int(row["number"]) for row in await cur.fetchall()}


async def add_commits(conn: Connection, repo_key: str, entries: Sequence[LogEntry], head: str) -> None:
    """Append `entries` (oldest first) after the newest logged commit, skip any already logged (a
    rewritten branch is logged again from its head), and move the cursor to `head`: three statements
    whatever the count. The caller holds the catch-up lock."""
    if entries:
        await conn.execute(_INSERT_COMMITS, _commit_columns(repo_key, entries))
        await conn.execute(_INSERT_STORES, _store_columns(repo_key, entries))
    await conn.execute(
        "UPDATE fleet_state SET last_logged_sha = %s, updated_at = now() WHERE repo_key = %s",
        (head, repo_key),
    )


# seq continues after the newest; ON CONFLICT leaves a commit logged before where it was.
_INSERT_COMMITS = (
    "INSERT INTO fleet_commits (repo_key, seq, sha, committed_at, summary, actor_kind, actor, action,"
    " rollout_id, rollout_wave, store_count)"
    " SELECT %(key)s, base.n + c.ord, c.sha, c.at, c.summary, c.kind, c.actor, c.action, c.rollout, c.wave,"
    "  c.stores"
    " FROM (SELECT coalesce(max(seq), 0) AS n FROM fleet_commits WHERE repo_key = %(key)s) base,"
    " unnest(%(sha)s::text[], %(at)s::timestamptz[], %(summary)s::text[], %(kind)s::text[],"
    "  %(actor)s::text[], %(action)s::text[], %(rollout)s::text[], %(wave)s::int[], %(stores)s::int[])"
    "  WITH ORDINALITY AS c (sha, at, summary, kind, actor, action, rollout, wave, stores, ord)"
    " ON CONFLICT (repo_key, sha) DO NOTHING"
)
# Each store row finds its commit's seq by sha (a commit logged before keeps its rows).
_INSERT_STORES = (
    "INSERT INTO fleet_commit_stores (repo_key, seq, store_id, tenant)"
    " SELECT %(key)s, f.seq, s.store_id, s.tenant"
    " FROM unnest(%(sha)s::text[], %(store)s::text[], %(tenant)s::text[]) AS s (sha, store_id, tenant)"
    " JOIN fleet_commits f ON f.repo_key = %(key)s AND f.sha = s.sha"
    " ON CONFLICT DO NOTHING"
)


def _commit_columns(repo_key: str, entries: Sequence[LogEntry]) -> dict[str, Any]:
    return {
        "key": repo_key,
        "sha": [e.sha for e in entries],
        "at": [e.committed_at for e in entries],
        "summary": [e.summary for e in entries],
        "kind": [e.actor_kind.value for e in entries],
        "actor": [e.actor for e in entries],
        "action": [e.action for e in entries],
        "rollout": [e.rollout_id for e in entries],
        "wave": [e.rollout_wave for e in entries],
        "stores": [len(e.stores) for e in entries],
    }


def _store_columns(repo_key: str, entries: Sequence[LogEntry]) -> dict[str, Any]:
    pairs = [(e.sha, s) for e in entries for s in e.stores]
    return {
        "key": repo_key,
        "sha": [sha for sha, _ in pairs],
        "store": [s.store_id for _, s in pairs],
        "tenant": [s.tenant for _, s in pairs],
    }


_SELECT_PAGE = (
    "SELECT c.seq, c.sha, c.committed_at, c.summary, c.actor_kind, c.actor, c.action, c.rollout_id,"
    " c.rollout_wave, c.store_count,"
    " coalesce(t.store_ids, '{}') AS store_ids, coalesce(t.tenants, '{}') AS tenants,"
    " EXISTS (SELECT 1 FROM stores s WHERE s.id = t.store_ids[1] AND s.status <> 'deleted') AS store_live"
    " FROM fleet_commits c"
    " LEFT JOIN LATERAL (SELECT array_agg(cs.store_id ORDER BY cs.store_id) AS store_ids,"
    "  array_agg(cs.tenant ORDER BY cs.store_id) AS tenants FROM fleet_commit_stores cs"
    "  WHERE cs.repo_key = c.repo_key AND cs.seq = c.seq) t ON true"
    " WHERE c.repo_key = %(key)s AND (%(before)s::bigint IS NULL OR c.seq < %(before)s)"
    " AND (%(action)s::text IS NULL OR c.action = %(action)s)"
    " AND (%(kind)s::text IS NULL OR c.actor_kind = %(kind)s)"
    " AND (%(store)s::text IS NULL OR EXISTS (SELECT 1 FROM fleet_commit_stores x"
    "  WHERE x.repo_key = c.repo_key AND x.seq = c.seq AND x.store_id = %(store)s))"
    " AND (%(tenant)s::text IS NULL OR EXISTS (SELECT 1 FROM fleet_commit_stores x"
    "  WHERE x.repo_key = c.repo_key AND x.seq = c.seq AND x.tenant = %(tenant)s))"
    " ORDER BY c.seq DESC LIMIT %(limit)s"
)


async def list_commits(
    conn: Connection, repo_key: str, where: LogFilter, *, before: int | None, limit: int
) -> list[LoggedCommit]:
    """Newest first, keyset-paged: `before` is the `seq` of the last row of the previous page."""
    params = {
        "key": repo_key,
        "before": before,
        "action": where.action,
        "kind": where.actor_kind.value if where.actor_kind else None,
        "store": where.store_id,
        "tenant": where.tenant,
        "limit": limit,
    }
    cur = conn.cursor(row_factory=class_row(LoggedCommit))
    return await (await cur.execute(_SELECT_PAGE, params)).fetchall()
