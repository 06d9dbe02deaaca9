"""Ancestry against a real git repository: linear growth, a rewritten branch, and bounded memory."""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from pathlib import Path

import pytest

from storefleet.reconciler_watch.ancestry import Ancestry


class Repo:
    """A plain repository with the two calls Ancestry makes, counted."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.calls = 0
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str) -> str:
        env_args = ["-c", "user.name=t", "-c", "user.email=t@t"]
        return subprocess.run(
            ["git", *env_args, *args], cwd=self.path, check=True, capture_output=True, text=True
        ).stdout.strip()

    def commit(self, message: str) -> str:
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.git("rev-parse", "HEAD")

    def commits(self, revision: str, exclude: Sequence[str] = ()) -> list[str]:
        self.calls += 1
        return self.git("rev-list", revision, *(f"^{e}" for e in exclude)).split()

    def is_ancestor(self, ancestor: str, descendant: str) -> bool:
        self.calls += 1
        args = ["git", "merge-base", "--is-ancestor", ancestor, descendant]
        return subprocess.run(args, cwd=self.path, check=False).returncode == 0


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    return Repo(tmp_path)


def test_a_revision_contains_itself_and_its_ancestors_only(repo: Repo) -> None:
    first, second = repo.commit("a"), repo.commit("b")
    repo.git("checkout", "-q", "-b", "side", first)
    side = repo.commit("side")
    ancestry = Ancestry()
    ancestry.learn(second, repo)
    assert ancestry.contains(second, first) and ancestry.contains(second, second)
    assert not ancestry.contains(second, side)


def test_a_descendant_lists_only_what_it_adds_and_stores_need_no_calls(repo: Repo) -> None:
    base = repo.commit("base")
    ancestry = Ancestry()
    ancestry.learn(base, repo)
    stores = [repo.commit(f"store {n}") for n in range(20)]
    repo.calls = 0
    ancestry.learn(stores[-1], repo)
    assert repo.calls == 2  # is_ancestor(base, new) and rev-list new ^base
    assert all(ancestry.contains(stores[-1], sha) for sha in [base, *stores])
    repo.calls = 0
    ancestry.learn(stores[-1], repo)
    assert repo.calls == 0


def test_a_rewritten_branch_is_listed_afresh(repo: Repo) -> None:
    root = repo.commit("root")
    old = repo.commit("old")
    ancestry = Ancestry()
    ancestry.learn(old, repo)
    repo.git("reset", "-q", "--hard", root)
    new = repo.commit("new")
    ancestry.learn(new, repo)
    assert ancestry.contains(new, root) and ancestry.contains(new, new)
    assert not ancestry.contains(new, old)  # the old revision's commit is not in the rewritten one


def test_only_the_newest_revisions_are_kept(repo: Repo) -> None:
    revisions = [repo.commit(str(n)) for n in range(6)]
    ancestry = Ancestry(keep=2)
    for revision in revisions:
        ancestry.learn(revision, repo)
    assert [ancestry.known(r) for r in revisions] == [False] * 4 + [True] * 2


def test_what_a_revision_reaches_is_returned_and_kept_for_readers(repo: Repo) -> None:
    first, second = repo.commit("a"), repo.commit("b")
    ancestry = Ancestry(keep=1)
    assert ancestry.reachable(second) is None
    reached = ancestry.learn(second, repo)
    assert reached == {first, second} and ancestry.reachable(second) is reached
    ancestry.learn(first, repo)  # the older revision pushes it out: a reader keeps what it was given
    assert ancestry.reachable(second) is None and second in reached
