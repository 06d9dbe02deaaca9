"""What the in-memory fleet repo adds to the shared behaviour (tests/api/fleet/test_repo.py): the same
history always gets the same shas, and a test can play the other parties on its remote."""

from __future__ import annotations

import pytest

from storefleet.api.fleet.memory_repo import EPOCH, MemoryFleetRepo, MemoryRemote
from storefleet.api.fleet.repo import GitError, Identity, PushRejected
from storefleet.renderer.model import DirectoryChange

ME = Identity("storefleet", "storefleet@localhost")


def _change(store: str, content: bytes) -> DirectoryChange:
    return DirectoryChange(f"tenants/t1/{store}", {"store.yaml": content}, f"store: {store}\n")


def _history(remote: MemoryRemote) -> list[str]:
    clone = MemoryFleetRepo(remote, "main", ME).open()
    return clone.commits(clone.fetch() or "")


def test_the_same_history_gets_the_same_shas_and_times() -> None:
    built = []
    for _ in range(2):
        repo = MemoryFleetRepo(MemoryRemote(), "main", ME).open()
        built.append(repo.build_commits(None, [_change("s1", b"a"), _change("s2", b"b")]))
    assert built[0] == built[1] and len(set(built[0])) == 2
    other = MemoryFleetRepo(MemoryRemote(), "main", ME).open().build_commits(None, [_change("s1", b"A")])
    assert other[0] not in built[0]
    sha = built[1][1]
    assert sha is not None
    assert [c.time for c in repo.log(sha)] == [
        EPOCH.replace(second=2).isoformat(),
        EPOCH.replace(second=1).isoformat(),
    ]


def test_a_push_arriving_after_someone_elses_is_rejected_once() -> None:
    remote = MemoryRemote()
    repo = MemoryFleetRepo(remote, "main", ME).open()
    theirs: list[str] = []
    remote.before_next_push(lambda: theirs.append(remote.commit("main", {"README.md": b"hi\n"}, "hand edit")))
    mine = repo.build_commits(repo.fetch(), [_change("s1", b"a")])[0]
    assert mine is not None
    with pytest.raises(PushRejected):
        repo.push(mine)
    assert remote.head("main") == theirs[0] and remote.pushes == 0
    rebuilt = repo.build_commits(repo.fetch(), [_change("s1", b"a")])[0]
    assert rebuilt is not None
    repo.push(rebuilt)  # the action ran once: this push arrives alone
    assert remote.head("main") == rebuilt and remote.pushes == 1
    assert _history(remote) == [rebuilt, theirs[0]]


def test_commits_stay_in_the_clone_until_pushed() -> None:
    remote = MemoryRemote()
    writer, reader = MemoryFleetRepo(remote, "main", ME).open(), MemoryFleetRepo(remote, "main", ME).open()
    sha = writer.build_commits(None, [_change("s1", b"a")])[0]
    assert sha is not None
    assert reader.fetch() is None and reader.resolve(sha) is None
    writer.push(sha)
    assert reader.resolve(sha) is None  # not fetched yet
    assert reader.fetch() == sha and reader.read_file(sha, "tenants/t1/s1/store.yaml") == b"a"


def test_an_unknown_revision_is_an_error_where_git_fails_too() -> None:
    repo = MemoryFleetRepo(MemoryRemote(), "main", ME).open()
    for call in (
        lambda: repo.log("f" * 40),
        lambda: repo.commits("f" * 40),
        lambda: repo.list_directories("f" * 40, ["tenants"]),
        lambda: repo.build_commits("f" * 40, [_change("s1", b"a")]),
    ):
        with pytest.raises(GitError) as excinfo:
            call()
        assert not excinfo.value.temporary
