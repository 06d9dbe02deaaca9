"""Which commits an applied fleet revision contains, answered from a set per revision.

Every store's readiness hangs on "does the revision the cluster applied contain the store's
commit?". One `git merge-base --is-ancestor` per store and revision costs a process each, so a new
revision during a wave of 1,000 provisioning stores would hold the watcher for seconds. Instead the
commits reachable from a revision are listed once (`git rev-list`); a revision that descends from
the newest known one lists only what it adds.

One `Ancestry` serves every cluster watcher of a process (`factory.build_cluster_watchers`): the
fleet repo is the same, so ten clusters at the same revision hold one set of its commits, not ten.
It keeps the few newest revisions it was asked about, enough for clusters applying different ones.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from typing import Protocol


class Commits(Protocol):
    def commits(self, revision: str, exclude: Sequence[str] = ()) -> list[str]: ...

    def is_ancestor(self, ancestor: str, descendant: str) -> bool: ...


class Ancestry:
    def __init__(self, keep: int = 4) -> None:
        # Written by `learn` (the fleet reader's thread), read by the watchers' loop: a reader keeps
        # the set `reachable`/`learn` returned, so a revision dropped meanwhile is no error.
        self._reachable: OrderedDict[str, frozenset[str]] = OrderedDict()
        self._keep = keep

    def known(self, revision: str) -> bool:
        return revision in self._reachable

    def reachable(self, revision: str) -> frozenset[str] | None:
        """The commits `revision` reaches, when known (None: learn() it)."""
        return self._reachable.get(revision)

    def contains(self, revision: str, commit: str) -> bool:
        """Whether `commit` (a full sha) is `revision` or one of its ancestors; learn() it first."""
        return commit in self._reachable[revision]

    def learn(self, revision: str, repo: Commits) -> frozenset[str]:
        """List what `revision` reaches (git calls: one or two, whatever the number of stores)."""
        known = self._reachable.get(revision)
        if known is not None:
            self._reachable.move_to_end(revision)
            return known
        newest = next(reversed(self._reachable), None)
        if newest is not None and repo.is_ancestor(newest, revision):
            commits = self._reachable[newest] | frozenset(repo.commits(revision, [newest]))
        else:  # the first revision, or history was rewritten
            commits = frozenset(repo.commits(revision))
        self._reachable[revision] = commits
        while len(self._reachable) > self._keep:
            self._reachable.popitem(last=False)
        return commits
