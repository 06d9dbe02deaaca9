"""FleetRepo against real git: a bare remote, a third party's clone, real pushes."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from storefleet.api.fleet.git_repo import FleetRepo
from storefleet.api.fleet.repo import GitError, Identity, PushRejected, blob_id, parse_trailers
from storefleet.renderer.model import DirectoryChange

ME = Identity("storefleet", "storefleet@localhost")


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def remote(tmp_path: Path) -> Path:
    path = tmp_path / "remote.git"
    git("init", "--bare", "-q", "-b", "main", str(path), cwd=tmp_path)
    return path


@pytest.fixture(params=["direct", "push"])
def repo(request: pytest.FixtureRequest, tmp_path: Path, remote: Path) -> FleetRepo:
    """Both ways to publish: straight into a local bare repo, and a push over a transport."""
    url = str(remote) if request.param == "direct" else f"file://{remote}"
    fleet = FleetRepo(tmp_path / "work.git", url, "main", ME).open()
    assert fleet.direct is (request.param == "direct")
    yield fleet
    fleet.close()


def change(store: str, files: dict[str, bytes] | None, change_id: int = 1) -> DirectoryChange:
    return DirectoryChange(
        f"tenants/t1/{store}", files, f"store: {store}\n\nStore-Id: {store}\nChange-Id: {change_id}\n"
    )


def test_blob_id_matches_git(tmp_path: Path) -> None:
    (tmp_path / "f").write_bytes(b"hello\n")
    assert blob_id(b"hello\n") == git("hash-object", "f", cwd=tmp_path).strip()


def test_parse_trailers() -> None:
    assert parse_trailers("subject\n\nbody text\n\nStore-Id: st-1\nAction: create\n") == {
        "Store-Id": "st-1",
        "Action": "create",
    }
    assert parse_trailers("subject only") == {}


def test_one_commit_per_change_touching_only_its_directory(repo: FleetRepo, remote: Path) -> None:
    assert repo.fetch() is None  # empty remote
    shas = repo.build_commits(
        None, [change("s1", {"a.yaml": b"1\n"}, 1), change("s2", {"a.yaml": b"2\n"}, 2)]
    )
    assert all(shas)
    repo.push(shas[-1])
    assert git("rev-parse", "main", cwd=remote).strip() == shas[-1]
    assert git("rev-list", "--count", "main", cwd=remote).strip() == "2"
    assert git("diff-tree", "--no-commit-id", "--name-only", "-r", shas[1], cwd=remote).split() == [
        "tenants/t1/s2/a.yaml"
    ]
    commits = repo.log(repo.remote_ref)
    assert [c.trailers["Change-Id"] for c in commits] == ["2", "1"]
    assert commits[0].paths == ("tenants/t1/s2/a.yaml",) and commits[0].author == "storefleet"


def test_identical_bytes_make_no_commit_and_deletes_and_stale_files_work(
    repo: FleetRepo, remote: Path
) -> None:
    base = repo.build_commits(None, [change("s1", {"a.yaml": b"1\n", "old.yaml": b"x\n"})])[0]
    assert base is not None
    repo.push(base)
    shas = repo.build_commits(
        base,
        [
            change("s1", {"a.yaml": b"1\n", "old.yaml": b"x\n"}),  # same bytes: no commit
            change("s1", {"a.yaml": b"2\n"}),  # old.yaml must disappear
            change("missing", None),  # deleting what is not there: no commit
            change("s1", None),
        ],
    )
    assert shas[0] is None and shas[2] is None and shas[1] and shas[3]
    assert repo.read_directory(shas[1], "tenants/t1/s1") == {"a.yaml": b"2\n"}
    assert repo.read_directory(shas[3], "tenants/t1/s1") is None
    assert repo.build_commits(base, [change("s1", {"old.yaml": b"x\n", "a.yaml": b"1\n"})]) == [None]


def test_push_is_fast_forward_only_and_never_clobbers(repo: FleetRepo, remote: Path, tmp_path: Path) -> None:
    first = repo.build_commits(None, [change("s1", {"a.yaml": b"1\n"})])[0]
    assert first is not None
    repo.push(first)
    # a third party pushes in between
    human = tmp_path / "human"
    git("clone", "-q", str(remote), str(human), cwd=tmp_path)
    (human / "README.md").write_text("hand edit\n")
    git("add", ".", cwd=human)
    git("-c", "user.name=h", "-c", "user.email=h@x", "commit", "-qm", "docs", cwd=human)
    git("push", "-q", "origin", "main", cwd=human)
    theirs = git("rev-parse", "HEAD", cwd=human).strip()
    mine = repo.build_commits(first, [change("s2", {"a.yaml": b"2\n"})])[0]
    assert mine is not None
    with pytest.raises(PushRejected):
        repo.push(mine)
    assert git("rev-parse", "main", cwd=remote).strip() == theirs
    # rebuild on the new head and push again
    head = repo.fetch()
    assert head == theirs
    rebuilt = repo.build_commits(head, [change("s2", {"a.yaml": b"2\n"})])[0]
    assert rebuilt is not None
    repo.push(rebuilt)
    assert repo.is_ancestor(theirs, rebuilt)
    assert git("show", "main:README.md", cwd=remote) == "hand edit\n"


def test_list_directories_reads_many_in_one_call(repo: FleetRepo) -> None:
    sha = repo.build_commits(None, [change(f"s{i}", {"a.yaml": b"%d\n" % i}, i) for i in range(5)])[-1]
    assert sha is not None
    listing = repo.list_directories(sha, ["tenants/t1/s1", "tenants/t1/s3", "tenants/t1/nope"])
    assert set(listing) == {"tenants/t1/s1", "tenants/t1/s3"}
    assert listing["tenants/t1/s3"] == {"a.yaml": blob_id(b"3\n")}
    assert repo.read_file(sha, "tenants/t1/s4/a.yaml") == b"4\n"
    assert repo.read_file(sha, "tenants/t1/s4/none.yaml") is None


def test_unreachable_remote_is_a_temporary_error(tmp_path: Path) -> None:
    fleet = FleetRepo(tmp_path / "w.git", str(tmp_path / "does-not-exist.git"), "main", ME).open()
    with pytest.raises(GitError) as excinfo:
        fleet.fetch()
    assert excinfo.value.temporary
    fleet.close()


def test_direct_mode_leaves_no_private_ref_in_the_served_repo(tmp_path: Path, remote: Path) -> None:
    fleet = FleetRepo(tmp_path / "unused.git", str(remote), "main", ME).open()
    fleet.fetch()
    sha = fleet.build_commits(None, [change("s1", {"a.yaml": b"1\n"})])[0]
    assert sha is not None
    fleet.push(sha)
    assert git("for-each-ref", "--format=%(refname)", cwd=remote).split() == ["refs/heads/main"]
    assert not (tmp_path / "unused.git").exists()
    fleet.close()


def test_a_batch_staged_while_rendering_commits_the_same_bytes(repo: FleetRepo, remote: Path) -> None:
    """Files handed over ahead (as the writer does while it renders) are committed as if built at
    once: only the changes passed to `build`, a directory nobody announced listed then, no-ops none."""
    base = repo.build_commits(None, [change("s1", {"a.yaml": b"1\n", "b.yaml": b"b\n"})])[0]
    wave = DirectoryChange(
        "tenants/t1/s1", {"a.yaml": b"2\n"}, "wave\n", also=(("tenants/t2/s9", {"x": b"9"}),)
    )
    same = change("s1", {"a.yaml": b"2\n"})  # after the wave: no byte changes
    unannounced = change("s5", {"a.yaml": b"5\n"})
    left_out = change("s6", {"a.yaml": b"6\n"})
    batch = repo.start_commits(base, ["tenants/t1/s1", "tenants/t2/s9"])
    try:
        for staged in (wave, same, unannounced, left_out):
            batch.stage(staged)
        shas = batch.build([wave, same, unannounced])
    finally:
        batch.close()
    assert shas[0] and shas[1] is None and shas[2]
    assert repo.read_directory(shas[0], "tenants/t1/s1") == {"a.yaml": b"2\n"}
    assert repo.read_directory(shas[2], "tenants/t2/s9") == {"x": b"9"}
    assert repo.read_directory(shas[2], "tenants/t1/s5") == {"a.yaml": b"5\n"}
    assert repo.read_directory(shas[2], "tenants/t1/s6") is None
    assert git("rev-list", "--count", shas[2], cwd=repo.path).strip() == "3"


def test_a_batch_closed_before_its_commits_leaves_nothing_behind(repo: FleetRepo, remote: Path) -> None:
    base = repo.build_commits(None, [change("s1", {"a.yaml": b"1\n"})])[0]
    assert base is not None
    repo.push(base)
    batch = repo.start_commits(base, ["tenants/t1/s1"])
    batch.stage(change("s1", {"a.yaml": b"2\n"}))
    batch.close()  # e.g. the rendering failed half-way
    assert git("for-each-ref", "--format=%(refname)", cwd=remote).split() == ["refs/heads/main"]
    leftovers = ("fast_import_crash_*", "marks-*", "objects/pack/tmp_*")
    assert not [path for pattern in leftovers for path in repo.path.glob(pattern)]
    assert repo.fetch() == base
