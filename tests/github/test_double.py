"""The GitHub API double keeps GitHub's contract: every test drives it through PyGithub over HTTP and
checks the answers and what happened in the bare repository."""

from __future__ import annotations

import hashlib
import hmac
import json
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from github import Auth, Github, InputGitTreeElement
from github.GithubException import BadCredentialsException, GithubException, RateLimitExceededException
from github.GitRef import GitRef
from github.PullRequest import PullRequest
from github.Repository import Repository

from tests.github.double import GitHubDouble
from tests.github.fixtures import TOKEN, client_for


@pytest.fixture
def repo(github_client: Github, github: GitHubDouble) -> Repository:
    return github_client.get_repo(github.full_name)


def git(double: GitHubDouble, *args: str) -> str:
    return double.repo.git(*args)


def commit_files(repo: Repository, parent_sha: str, files: dict[str, str | None], message: str) -> str:
    """Tree (inline contents, None deletes) and commit on `parent_sha`, as the platform does."""
    parent = repo.get_git_commit(parent_sha)
    elements = [
        InputGitTreeElement(path, "100644", "blob", content=content)
        if content is not None
        else InputGitTreeElement(path, "100644", "blob", sha=None)
        for path, content in files.items()
    ]
    tree = repo.create_git_tree(elements, parent.tree)
    return repo.create_git_commit(message, tree, [parent]).sha


def propose(
    repo: Repository, branch: str, files: dict[str, str | None], title: str = "Change"
) -> PullRequest:
    main_sha = repo.get_git_ref("heads/main").object.sha
    sha = commit_files(repo, main_sha, files, f"{title}\n\nStorefleet-Store: {branch}")
    repo.create_git_ref(f"refs/heads/{branch}", sha)
    return repo.create_pull(base="main", head=f"storefleet:{branch}", title=title, body="Proposed change")


def test_repository_refs_and_commits(repo: Repository, github: GitHubDouble) -> None:
    assert (repo.full_name, repo.default_branch, repo.owner.login) == (
        "storefleet/fleet",
        "main",
        "storefleet",
    )
    main = repo.get_git_ref("heads/main")
    assert main.object.sha == github.branch_sha("main")
    commit = repo.get_git_commit(main.object.sha)
    assert commit.message == "Initial commit" and commit.parents == []
    with pytest.raises(GithubException) as unknown:
        _ = repo.get_git_ref("heads/nope").object
    assert unknown.value.status == 404


def test_nested_tree_then_deletions_of_a_file_and_a_directory(repo: Repository, github: GitHubDouble) -> None:
    files: dict[str, str | None] = {
        "tenants/u-1/st-2/helmrelease.yaml": "kind: HelmRelease\n",
        "tenants/u-1/st-2/values.yaml": "a: 1\n",
        "tenants/u-1/st-3/values.yaml": "b: 2\n",
    }
    first = commit_files(repo, github.branch_sha("main") or "", files, "add stores")
    second = commit_files(repo, first, {"tenants/u-1/st-2/values.yaml": None}, "drop a file")
    assert git(github, "ls-tree", "-r", "--name-only", second).split() == [
        "README.md",
        "tenants/u-1/st-2/helmrelease.yaml",
        "tenants/u-1/st-3/values.yaml",
    ]
    parent = repo.get_git_commit(second)
    tree = repo.create_git_tree(
        [InputGitTreeElement("tenants/u-1/st-2", "040000", "tree", sha=None)], parent.tree
    )
    assert git(github, "ls-tree", "-r", "--name-only", tree.sha).split() == [
        "README.md",
        "tenants/u-1/st-3/values.yaml",
    ]
    assert [element.path for element in tree.tree] == ["README.md", "tenants"]
    with pytest.raises(GithubException) as missing:
        repo.create_git_tree([InputGitTreeElement("no/such.yaml", "100644", "blob", sha=None)], parent.tree)
    assert missing.value.status == 422
    assert not [r for r in github.requests if "/git/blobs" in r.path]  # contents went inline


def test_refs_create_update_delete(repo: Repository, github: GitHubDouble) -> None:
    main_sha = github.branch_sha("main") or ""
    child = commit_files(repo, main_sha, {"a.txt": "a\n"}, "a")
    ref = repo.create_git_ref("refs/heads/work", child)
    assert (ref.ref, ref.object.sha) == ("refs/heads/work", child)
    with pytest.raises(GithubException) as exists:
        repo.create_git_ref("refs/heads/work", main_sha)
    assert (exists.value.status, exists.value.data["message"]) == (422, "Reference already exists")
    with pytest.raises(GithubException) as backwards:
        ref.edit(main_sha)
    assert (backwards.value.status, backwards.value.data["message"]) == (422, "Update is not a fast forward")
    ref.edit(main_sha, force=True)
    assert github.branch_sha("work") == main_sha
    ref.delete()
    assert github.branch_sha("work") is None
    with pytest.raises(GithubException) as gone:
        GitRef(ref.requester, ref.raw_headers, ref.raw_data, completed=True).delete()
    assert (gone.value.status, gone.value.data["message"]) == (422, "Reference does not exist")


def test_pull_request_is_found_by_head_and_merged_with_a_merge_commit(
    repo: Repository, github: GitHubDouble
) -> None:
    pull = propose(repo, "store/st-1", {"tenants/st-1.yaml": "x\n"}, title="Add st-1")
    found = repo.get_pulls(state="open", head="storefleet:store/st-1", base="main")
    assert [p.number for p in found] == [pull.number]
    assert (pull.state, pull.merged, pull.mergeable, pull.head.ref) == ("open", False, True, "store/st-1")
    base_before, head = github.branch_sha("main"), pull.head.sha
    status = pull.merge(merge_method="merge", sha=head)
    assert status.merged and status.sha == github.branch_sha("main")
    merge = repo.get_git_commit(status.sha)
    assert [p.sha for p in merge.parents] == [base_before, head]
    assert merge.message == f"Merge pull request #{pull.number} from storefleet/store/st-1\n\nAdd st-1"
    merged = repo.get_pull(pull.number)
    assert (merged.state, merged.merged, merged.merge_commit_sha) == ("closed", True, status.sha)
    assert git(github, "show", "main:tenants/st-1.yaml") == "x\n"


def test_squash_keeps_the_commit_trailers(repo: Repository, github: GitHubDouble) -> None:
    pull = propose(repo, "store/st-2", {"tenants/st-2.yaml": "y\n"}, title="Add st-2")
    base_before = github.branch_sha("main")
    status = pull.merge(merge_method="squash")
    squash = repo.get_git_commit(status.sha)
    assert [p.sha for p in squash.parents] == [base_before]
    assert squash.message == f"Add st-2 (#{pull.number})\n\n* Add st-2\n\nStorefleet-Store: store/st-2"
    trailers = subprocess.run(
        ["git", "interpret-trailers", "--parse"], input=squash.message, capture_output=True, text=True
    )
    assert trailers.stdout == "Storefleet-Store: store/st-2\n"
    assert repo.get_pull(pull.number).merge_commit_sha == status.sha == github.branch_sha("main")


def test_rebase_replays_each_commit_with_new_shas(repo: Repository, github: GitHubDouble) -> None:
    pull = propose(repo, "store/st-3", {"tenants/st-3.yaml": "1\n"}, title="Add st-3")
    github.push_to_branch("store/st-3", {"tenants/st-3.yaml": "2\n"}, "Review fix")
    github.push_to_base({"other.txt": "moved\n"}, "Unrelated change")
    originals = git(github, "rev-list", "--reverse", "main..store/st-3").split()
    status = repo.get_pull(pull.number).merge(merge_method="rebase")
    rebased = git(github, "rev-list", "--reverse", f"{originals[0]}~1..main", "--", "tenants").split()
    assert len(rebased) == 2 and set(rebased).isdisjoint(originals)
    for old, new in zip(originals, rebased, strict=True):
        assert repo.get_git_commit(new).message == repo.get_git_commit(old).message
    assert (
        status.sha == rebased[-1] == github.branch_sha("main") == repo.get_pull(pull.number).merge_commit_sha
    )
    assert git(github, "show", "main:tenants/st-3.yaml") == "2\n"


def test_conflicting_merge_is_refused_with_405(repo: Repository, github: GitHubDouble) -> None:
    pull = propose(repo, "store/st-4", {"README.md": "from the branch\n"})
    github.push_to_base({"README.md": "from main\n"}, "Edit README on main")
    assert repo.get_pull(pull.number).mergeable is False
    for method in ("merge", "squash", "rebase"):
        with pytest.raises(GithubException) as refused:
            pull.merge(merge_method=method)
        assert (refused.value.status, refused.value.data["message"]) == (405, "Pull Request is not mergeable")


def test_stale_head_sha_is_refused_with_409(repo: Repository, github: GitHubDouble) -> None:
    pull = propose(repo, "store/st-5", {"tenants/st-5.yaml": "1\n"})
    github.push_to_branch("store/st-5", {"tenants/st-5.yaml": "2\n"}, "Reviewer edit")
    with pytest.raises(GithubException) as stale:
        pull.merge(sha=pull.head.sha)
    assert stale.value.status == 409
    assert stale.value.data["message"] == "Head branch was modified. Review and try the merge again."
    assert repo.get_pull(pull.number).head.sha == github.branch_sha("store/st-5")


def test_pull_request_validation(repo: Repository, github: GitHubDouble) -> None:
    propose(repo, "store/st-6", {"tenants/st-6.yaml": "1\n"})
    with pytest.raises(GithubException) as duplicate:
        repo.create_pull(base="main", head="storefleet:store/st-6", title="Again")
    assert duplicate.value.status == 422
    assert duplicate.value.data["errors"] == [
        {
            "resource": "PullRequest",
            "code": "custom",
            "message": "A pull request already exists for storefleet:store/st-6.",
        }
    ]
    for head in ("main", "storefleet:missing"):
        with pytest.raises(GithubException) as invalid:
            repo.create_pull(base="main", head=head, title="Nothing")
        assert invalid.value.status == 422
    with pytest.raises(GithubException) as unknown:
        repo.get_pull(999).title  # noqa: B018 - the attribute fetches the pull request
    assert unknown.value.status == 404


def test_close_reopen_edit_comment_and_list_pages(github: GitHubDouble) -> None:
    client = client_for(github, per_page=2)
    repo = client.get_repo(github.full_name)
    pulls = [propose(repo, f"store/p{n}", {f"p{n}.yaml": "1\n"}, title=f"P{n}") for n in range(3)]
    assert [p.number for p in repo.get_pulls(state="all")] == [3, 2, 1]
    assert sum(1 for r in github.requests if r.method == "GET" and r.path.endswith("/pulls")) == 2
    pulls[0].edit(state="closed", title="P0 renamed")
    assert [p.title for p in repo.get_pulls(state="closed")] == ["P0 renamed"]
    github.reopen(pulls[0].number)
    assert repo.get_pull(pulls[0].number).state == "open"
    github.close_in_ui(pulls[1].number)
    assert repo.get_pull(pulls[1].number).closed_at is not None
    pulls[2].create_issue_comment("Store st-9 is waiting for review")
    assert [c.body for c in pulls[2].get_issue_comments()] == ["Store st-9 is waiting for review"]
    assert github.merge_in_ui(pulls[2].number, "squash") == github.branch_sha("main")
    client.close()


def test_primary_rate_limit(repo: Repository, github: GitHubDouble, github_client: Github) -> None:
    github.exhaust_rate_limit(reset_in_s=60)
    with pytest.raises(RateLimitExceededException) as limited:
        repo.get_pull(1).title  # noqa: B018
    assert limited.value.status == 403
    assert limited.value.headers is not None
    headers = {k.lower(): v for k, v in limited.value.headers.items()}
    assert headers["x-ratelimit-remaining"] == "0" and headers["x-ratelimit-resource"] == "core"
    assert int(headers["x-ratelimit-reset"]) >= time.time() + 59
    assert github_client.get_rate_limit().resources.core.remaining == 0
    github.exhaust_rate_limit(reset_in_s=0.05)
    time.sleep(0.06)
    assert repo.get_git_ref("heads/main").object.sha == github.branch_sha("main")
    assert github_client.get_rate_limit().resources.core.remaining == github.rate_limit - 1


def test_secondary_rate_limit(repo: Repository, github: GitHubDouble) -> None:
    github.throttle_next(1, status=429, retry_after_s=7)
    with pytest.raises(GithubException) as too_many:
        repo.get_git_ref("heads/main").object  # noqa: B018
    assert too_many.value.status == 429 and (too_many.value.headers or {})["retry-after"] == "7"
    assert too_many.value.data["message"].startswith("You have exceeded a secondary rate limit")
    github.throttle_next(1, status=403)
    with pytest.raises(RateLimitExceededException):
        repo.get_git_ref("heads/main").object  # noqa: B018
    assert repo.get_git_ref("heads/main").object.sha == github.branch_sha("main")


def test_pygithub_default_retry_waits_out_a_403_retry_after(github: GitHubDouble) -> None:
    client = client_for(github, retry=Github.default_retry)
    github.throttle_next(1, status=403, retry_after_s=0)
    assert client.get_repo(github.full_name).name == "fleet"
    assert [r.status for r in github.requests] == [403, 200]
    client.close()


def test_authentication_and_unknown_routes(github: GitHubDouble) -> None:
    with pytest.raises(GithubException) as anonymous:
        client_for(github, token=None).get_repo(github.full_name)
    assert (anonymous.value.status, anonymous.value.data["message"]) == (401, "Requires authentication")
    with pytest.raises(BadCredentialsException):
        client_for(github, token="wrong").get_repo(github.full_name)
    root = github.url.removesuffix("/api/v3")
    at_root = Github(base_url=root, auth=Auth.Token(TOKEN), retry=None, seconds_between_requests=None)
    assert at_root.get_repo(github.full_name).id == 1
    request = urllib.request.Request(f"{github.url}/nope", headers={"Authorization": f"Bearer {TOKEN}"})
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(request)
    assert missing.value.code == 404 and missing.value.headers["X-RateLimit-Limit"] == "5000"
    assert json.loads(missing.value.read())["message"] == "Not Found"


@pytest.fixture
def receiver() -> Iterator[tuple[str, list[tuple[dict[str, str], bytes]]]]:
    received: list[tuple[dict[str, str], bytes]] = []

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append(({k.lower(): v for k, v in self.headers.items()}, body))
            self.send_response(204)
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", received
    server.shutdown()
    server.server_close()


def test_webhooks_are_signed_and_follow_the_pull_request(
    repo: Repository, github: GitHubDouble, receiver: tuple[str, list[tuple[dict[str, str], bytes]]]
) -> None:
    url, received = receiver
    github.add_webhook(url, "s3cret")
    pull = propose(repo, "store/st-7", {"tenants/st-7.yaml": "1\n"})
    github.push_to_branch("store/st-7", {"tenants/st-7.yaml": "2\n"}, "Reviewer edit")
    pull.edit(title="Add st-7")
    github.merge_in_ui(pull.number)
    deliveries = github.wait_for_deliveries()
    assert [d.action for d in deliveries] == ["opened", "synchronize", "edited", "closed"]
    assert all(d.status == 204 for d in deliveries)
    for headers, body in received:
        expected = hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
        assert hmac.compare_digest(headers["x-hub-signature-256"], f"sha256={expected}")
        assert headers["x-github-event"] == "pull_request" and headers["content-type"] == "application/json"
    closed = json.loads(received[-1][1])
    assert (closed["action"], closed["number"], closed["pull_request"]["merged"]) == ("closed", 1, True)
    assert closed["repository"]["full_name"] == "storefleet/fleet"
    assert closed["pull_request"]["merge_commit_sha"] == github.branch_sha("main")
