"""Read access to the fleet repo for the API and the git-side sync: a mirror clone, fetched when stale.

The writer has its own clone; this one is only ever fetched and read, from one thread at a time.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, TypeVar

from anyio import to_thread

from storefleet.api.fleet.repo import FleetRepository, GitError
from storefleet.renderer.commit_message import (
    ACTION,
    CHANGE_GROUP,
    CHANGE_ID,
    REQUEST_ID,
    REQUESTED_BY,
    STORE_ID,
)
from storefleet.renderer.manifests import parse_store_yaml
from storefleet.renderer.model import CommitInfo
from storefleet.renderer.spec import StoreSpec

log = logging.getLogger(__name__)
T = TypeVar("T")
Fetch = Literal["always", "never", "if_stale"]


@dataclass(frozen=True)
class HistoryEntry:
    sha: str
    summary: str
    action: str  # create | update | delete | rollback, or "external" for commits the platform did not write
    actor: str
    time: str
    request_id: str | None
    change_id: int | None
    parents: tuple[str, ...]

    @classmethod
    def of(cls, commit: CommitInfo) -> HistoryEntry:
        ours = bool(
            (commit.trailers.get(STORE_ID) or commit.trailers.get(CHANGE_GROUP))
            and commit.trailers.get(CHANGE_ID)
        )
        change_id = commit.trailers.get(CHANGE_ID, "")
        return cls(
            sha=commit.sha,
            summary=commit.summary,
            action=commit.trailers.get(ACTION, "external") if ours else "external",
            actor=commit.trailers.get(REQUESTED_BY) or commit.author,
            time=commit.time,
            request_id=commit.trailers.get(REQUEST_ID),
            change_id=int(change_id) if change_id.isdigit() else None,
            parents=commit.parents,
        )


class FleetReader:
    def __init__(
        self, repo_factory: Callable[[], FleetRepository], min_fetch_interval_s: float = 5.0
    ) -> None:
        self._repo_factory = repo_factory
        self._repo: FleetRepository | None = None
        self._lock = threading.Lock()
        self._min_fetch_interval_s = min_fetch_interval_s
        self._fetched_at = 0.0
        self._head: str | None = None

    async def call(
        self,
        fn: Callable[[FleetRepository, str | None], T],
        *,
        fetch: Fetch = "if_stale",
        needs: str | None = None,
    ) -> T:
        """Run `fn(repo, head)` in a worker thread. `fetch` first: "always", "never", or "if_stale"
        (older than the interval); in any case fetch if the clone lacks commit `needs`
        (read-your-writes after a push)."""
        return await to_thread.run_sync(self._call, fn, fetch, needs)

    def _call(self, fn: Callable[[FleetRepository, str | None], T], fetch: Fetch, needs: str | None) -> T:
        with self._lock:
            if self._repo is None:
                self._repo = self._repo_factory().open()
            stale = time.monotonic() - self._fetched_at >= self._min_fetch_interval_s
            required = fetch == "always" or bool(needs and not self._holds(needs))
            if required or (fetch == "if_stale" and stale):
                self._fetch(required)
            return fn(self._repo, self._head)

    def _fetch(self, required: bool) -> None:
        """Fetch; when the remote is away and the read can do with the mirror's last fetch, it does
        (and the remote is tried again after the interval, not on every read)."""
        assert self._repo is not None
        try:
            self._head = self._repo.fetch()
        except GitError as exc:
            if required or self._head is None or not exc.temporary:
                raise
            log.warning("fleet repo fetch failed (%s); reading the mirror as last fetched", exc)
        self._fetched_at = time.monotonic()

    def _holds(self, commit: str) -> bool:
        assert self._repo is not None
        return (
            self._head is not None
            and self._repo.resolve(commit) is not None
            and (self._repo.is_ancestor(commit, self._head))
        )

    async def history(
        self, directory: str, limit: int = 100, *, needs: str | None = None
    ) -> list[HistoryEntry]:
        def read(repo: FleetRepository, head: str | None) -> list[HistoryEntry]:
            return [HistoryEntry.of(c) for c in repo.log(head, [directory], limit=limit)] if head else []

        return await self.call(read, fetch="if_stale" if needs is None else "never", needs=needs)

    async def spec_at(self, rev: str, directory: str) -> StoreSpec | None:
        """The StoreSpec in `directory/store.yaml` at `rev`, or None where the store did not exist."""

        def read(repo: FleetRepository, _: str | None) -> bytes | None:
            return repo.read_file(rev, f"{directory}/store.yaml")

        data = await self.call(read, fetch="never")
        return parse_store_yaml(data) if data is not None else None

    def close(self) -> None:
        with self._lock:
            if self._repo is not None:
                self._repo.close()
                self._repo = None
