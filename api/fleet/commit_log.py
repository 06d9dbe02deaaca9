"""The fleet log: every commit of the fleet branch, newest first, filterable, from the `fleet_commits`
table, which is caught up from git after each pass of the git-side sync and whenever it is read.

Why a table caught up on read rather than rows written where each commit is recorded: every kind of
commit (the writer's, a rollout wave, a merged pull request, a person's push) is on the branch with
the trailers that say who made it, so one reader of `git log` keeps the log for all of them, the
commits made before the log existed included (the sync's first pass logs the whole branch, once), and
the writer's hot path gains no statement. Each later catch-up logs only the commits since the last one
logged: one `git log <last>..<head>` and three statements.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from storefleet.api.db.pool import Connection
from storefleet.api.fleet import log_repository
from storefleet.api.fleet import repository as fleet_repository
from storefleet.api.fleet.log_entries import log_entry
from storefleet.api.fleet.log_repository import LogFilter, LoggedCommit
from storefleet.api.fleet.reader import FleetReader
from storefleet.api.fleet.repo import FleetRepository
from storefleet.renderer.model import CommitInfo


@dataclass(frozen=True)
class _NewCommits:
    head: str | None
    commits: Sequence[CommitInfo]  # oldest first


@dataclass(frozen=True)
class LogPage:
    commits: list[LoggedCommit]
    next_cursor: int | None  # pass as `cursor` for the next (older) page; None: this is the last


def _new_commits(repo: FleetRepository, head: str | None, last: str | None) -> _NewCommits:
    if head is None or head == last:
        return _NewCommits(head, ())
    continues = last is not None and repo.resolve(last) is not None and repo.is_ancestor(last, head)
    # Not continuing (first read, or a rewritten branch): the whole branch; the rows already logged
    # are kept as they are.
    newest_first = repo.log(head, since=last if continues else None)
    return _NewCommits(head, list(reversed(newest_first)))


async def catch_up(conn: Connection, reader: FleetReader, repo_key: str, platform_author: str) -> int:
    """Log the branch's commits the table lacks; returns how many were read from git.
    `platform_author`: the git author name of the platform's own commits."""
    state = await fleet_repository.get_state(conn, repo_key)  # makes sure the branch has its row
    last = await log_repository.last_logged(conn, repo_key)
    # Read-your-writes: the mirror is fetched when it lacks the writer's last push, else when stale.
    new = await reader.call(lambda repo, head: _new_commits(repo, head, last), needs=state.last_pushed_sha)
    if new.head is None or new.head == last:
        return 0
    merged = await log_repository.merged_pulls(conn, [c.sha for c in new.commits])
    entries = [log_entry(commit, merged, platform_author) for commit in new.commits]
    async with conn.transaction():
        await log_repository.lock_catch_up(conn, repo_key)
        if await log_repository.last_logged(conn, repo_key) != last:
            return 0  # another replica logged them meanwhile
        await log_repository.add_commits(conn, repo_key, entries, new.head)
    return len(entries)


@dataclass(frozen=True)
class LogSource:
    """The branch a log is of: its reader, its key, and who the platform commits as."""

    reader: FleetReader
    repo_key: str
    platform_author: str


async def read_page(
    conn: Connection, source: LogSource, where: LogFilter, *, cursor: int | None, limit: int
) -> LogPage:
    await catch_up(conn, source.reader, source.repo_key, source.platform_author)
    rows = await log_repository.list_commits(conn, source.repo_key, where, before=cursor, limit=limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    return LogPage(commits=rows, next_cursor=rows[-1].seq if more and rows else None)
