"""The FleetRepository behaviour the writer, the reader, the git-side sync and the pull-request writer
rely on, checked against every implementation: git publishing straight into a local bare repo, git
pushing over a transport, and the in-memory one. Another party commits to the same remote."""

from __future__ import annotations

import itertools
import subprocess
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from storefleet.api.fleet.git_repo import FleetRepo
from storefleet.api.fleet.memory_repo import MemoryFleetRepo, MemoryRemote
from storefleet.api.fleet.repo import FleetRepository, GitError, Identity, PushRejected, blob_id
from storefleet.renderer.model import DirectoryChange

ME = Identity("storefleet", "storefleet@localhost")
UNKNOWN = "0123456789abcdef0123456789abcdef01234567"


@dataclass
class Fleet:
    """A clone under test, and what the other parties on its remote can do."""

    repo: FleetRepository
    someone_commits: Callable[[Mapping[str, bytes | None]], str]  # pushes; returns the commit
    remote_head: Callable[[], str | None]
    cut_off: Callable[[], None]  # the remote becomes unreachable


def _git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def _git_fleet(tmp_path: Path, direct: bool) -> Fleet:
    remote = tmp_path / "remote.git"
    _git("init", "--bare", "-q", "-b", "main", str(remote), cwd=tmp_path)
    url = str(remote) if direct else f"file://{remote}"
    clones = itertools.count()

    def someone_commits(files: Mapping[str, bytes | None]) -> str:
        clone = tmp_path / f"someone-{next(clones)}"
        _git("clone", "-q", str(remote), str(clone), cwd=tmp_path)
        for path, data in files.items():
            if data is None:
                _git("rm", "-q", path, cwd=clone)
            else:
                (clone / path).parent.mkdir(parents=True, exist_ok=True)
                (clone / path).write_bytes(data)
        _git("add", "-A", cwd=clone)
        _git("-c", "user.name=Pat", "-c", "user.email=pat@example.com", "commit", "-qm", "by hand", cwd=clone)
        _git("push", "-q", "origin", "HEAD:main", cwd=clone)
        return _git("rev-parse", "HEAD", cwd=clone).strip()

    def remote_head() -> str | None:
        out = subprocess.run(
            ["git", "rev-parse", "--verify", "-q", "refs/heads/main"],
            cwd=remote,
            capture_output=True,
            text=True,
        )
        return out.stdout.strip() or None

    return Fleet(
        FleetRepo(tmp_path / "work.git", url, "main", ME).open(),
        someone_commits,
        remote_head,
        lambda: remote.rename(tmp_path / "gone.git"),
    )


def _memory_fleet() -> Fleet:
    remote = MemoryRemote()

    def cut_off() -> None:
        remote.reachable = False

    return Fleet(
        MemoryFleetRepo(remote, "main", ME).open(),
        lambda files: remote.commit("main", files, "by hand"),
        lambda: remote.head("main"),
        cut_off,
    )


@pytest.fixture(params=["git-direct", "git-push", "memory"])
def fleet(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Fleet]:
    built = (
        _memory_fleet() if request.param == "memory" else _git_fleet(tmp_path, request.param == "git-direct")
    )
    yield built
    built.repo.close()


def change(store: str, files: dict[str, bytes] | None, change_id: int = 1) -> DirectoryChange:
    return DirectoryChange(
        f"tenants/t1/{store}", files, f"store: {store}\n\nStore-Id: {store}\nChange-Id: {change_id}\n"
    )


def _published(repo: FleetRepository, changes: list[DirectoryChange]) -> list[str]:
    """Commit `changes` on the current head and push them; their commits."""
    shas = repo.build_commits(repo.fetch(), changes)
    assert all(shas)
    repo.push(shas[-1] or "")
    return [sha for sha in shas if sha]


def test_a_batch_becomes_one_commit_per_change_published_by_its_push(fleet: Fleet) -> None:
    repo = fleet.repo
    assert repo.fetch() is None  # the branch does not exist yet
    first, second = repo.build_commits(
        None, [change("s1", {"a.yaml": b"1\n"}, 1), change("s2", {"a.yaml": b"2\n"}, 2)]
    )
    assert first and second and first != second
    assert fleet.remote_head() is None  # nothing is published before the push
    repo.push(second)
    assert fleet.remote_head() == second and repo.fetch() == second
    commits = repo.log(second)
    assert [c.sha for c in commits] == [second, first]
    assert [c.trailers["Change-Id"] for c in commits] == ["2", "1"]
    assert commits[0].parents == (first,) and commits[1].parents == ()
    assert commits[1].paths == ("tenants/t1/s1/a.yaml",) and commits[1].author == ME.name
    assert (
        commits[1].message == "store: s1\n\nStore-Id: s1\nChange-Id: 1" and commits[1].summary == "store: s1"
    )


def test_a_change_that_alters_no_byte_makes_no_commit_and_a_rendering_replaces_its_directory(
    fleet: Fleet,
) -> None:
    repo = fleet.repo
    (base,) = _published(repo, [change("s1", {"a.yaml": b"1\n", "old.yaml": b"x\n"})])
    shas = repo.build_commits(
        base,
        [
            change("s1", {"old.yaml": b"x\n", "a.yaml": b"1\n"}),  # the same bytes: no commit
            change("s1", {"a.yaml": b"2\n"}),  # old.yaml goes
            change("missing", None),  # deleting what is not there: no commit
            change("empty", {}),  # nor writing no file at all (git has no empty directories)
            change("s1", None),
        ],
    )
    assert shas[0] is None and shas[2] is None and shas[3] is None and shas[1] and shas[4]
    assert repo.read_directory(shas[1], "tenants/t1/s1") == {"a.yaml": b"2\n"}
    assert repo.list_directories(shas[1], ["tenants/t1/s1", "tenants/t1/nope"]) == {
        "tenants/t1/s1": {"a.yaml": blob_id(b"2\n")}
    }
    assert repo.read_file(shas[1], "tenants/t1/s1/a.yaml") == b"2\n"
    assert repo.read_file(shas[1], "tenants/t1/s1/old.yaml") is None
    assert repo.read_directory(shas[4], "tenants/t1/s1") is None
    assert repo.list_directories(None, ["tenants/t1/s1"]) == {}


def test_a_push_only_fast_forwards_and_loses_to_someone_elses_push(fleet: Fleet) -> None:
    repo = fleet.repo
    (first,) = _published(repo, [change("s1", {"a.yaml": b"1\n"})])
    mine = repo.build_commits(first, [change("s2", {"a.yaml": b"2\n"})])[0]
    assert mine is not None
    theirs = fleet.someone_commits({"README.md": b"hand edit\n"})
    with pytest.raises(PushRejected):
        repo.push(mine)
    assert fleet.remote_head() == theirs  # never clobbered
    assert repo.fetch() == theirs
    rebuilt = repo.build_commits(theirs, [change("s2", {"a.yaml": b"2\n"})])[0]
    assert rebuilt is not None
    repo.push(rebuilt)
    assert fleet.remote_head() == rebuilt and repo.is_ancestor(theirs, rebuilt)
    assert repo.read_file(rebuilt, "README.md") == b"hand edit\n"


def test_log_since_a_commit_under_paths_and_limited(fleet: Fleet) -> None:
    repo = fleet.repo
    a, b, c = _published(
        repo,
        [
            change("s1", {"a.yaml": b"1\n"}, 1),
            change("s2", {"a.yaml": b"2\n"}, 2),
            change("s1", {"b.yaml": b"3\n"}, 3),
        ],
    )
    theirs = fleet.someone_commits({"README.md": b"hi\n", "tenants/t1/s9/store.yaml": b"x: 1\n"})
    repo.fetch()
    assert [x.sha for x in repo.log(c, since=a)] == [c, b]
    assert [x.sha for x in repo.log(c, ["tenants/t1/s1"])] == [c, a]
    assert [x.sha for x in repo.log(c, ["tenants/t1/s1"], since=a)] == [c]
    assert [x.sha for x in repo.log(c, limit=2)] == [c, b]
    walked = repo.log(theirs, ["tenants"], since=c)  # what the git-side sync walks
    assert [x.sha for x in walked] == [theirs] and walked[0].paths == ("tenants/t1/s9/store.yaml",)
    assert repo.log(theirs, since=c)[0].paths == ("README.md", "tenants/t1/s9/store.yaml")


def test_revisions_ancestry_and_reachable_commits(fleet: Fleet) -> None:
    repo = fleet.repo
    a, b, c = _published(
        repo,
        [
            change("s1", {"a.yaml": b"1\n"}, 1),
            change("s1", {"a.yaml": b"2\n"}, 2),
            change("s2", {"a.yaml": b"3\n"}, 3),
        ],
    )
    assert repo.resolve(c) == c and repo.resolve(f"{c}^") == b and repo.resolve(f"{a}^") is None
    assert repo.resolve(UNKNOWN) is None
    assert repo.read_file(f"{c}^^", "tenants/t1/s1/a.yaml") == b"1\n"
    assert repo.read_file(UNKNOWN, "tenants/t1/s1/a.yaml") is None
    assert repo.is_ancestor(a, c) and repo.is_ancestor(c, c)
    assert not repo.is_ancestor(c, a) and not repo.is_ancestor(UNKNOWN, c)
    assert set(repo.commits(c)) == {a, b, c}
    assert set(repo.commits(c, [a])) == {b, c}


def test_many_files_and_directories_read_at_once_answer_each_in_order(fleet: Fleet) -> None:
    repo = fleet.repo
    big = bytes(range(256)) * 300 + b"\n\nno trailing line break"  # binary, larger than a pipe buffer
    a, b = _published(
        repo, [change("s1", {"a.yaml": b"1\n", "big.bin": big}, 1), change("s2", {"a.yaml": b""}, 2)]
    )
    wanted = [
        (a, "tenants/t1/s1/a.yaml"),
        (b, "tenants/t1/s2/a.yaml"),  # empty
        (a, "tenants/t1/s2/a.yaml"),  # not yet there
        (b, "tenants/t1/s1"),  # a directory, not a file
        (UNKNOWN, "tenants/t1/s1/a.yaml"),
        (b, "tenants/t1/s1/big.bin"),
        (a, "tenants/t1/s1/a.yaml"),  # asked twice
    ]
    assert repo.read_files(wanted) == [b"1\n", b"", None, None, None, big, b"1\n"]
    assert repo.read_files([]) == []
    directories = [
        (a, "tenants/t1/s1"),
        (a, "tenants/t1/s2"),
        (b, "tenants/t1/s2"),
        (b, "tenants/t1/s1/a.yaml"),
    ]
    assert repo.directories_exist(directories) == [True, False, True, False]
    assert repo.directories_exist([(UNKNOWN, "tenants")]) == [False]


def test_an_unreachable_remote_is_a_temporary_error(fleet: Fleet) -> None:
    fleet.cut_off()
    with pytest.raises(GitError) as excinfo:
        fleet.repo.fetch()
    assert excinfo.value.temporary and not isinstance(excinfo.value, PushRejected)
