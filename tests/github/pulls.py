"""Pull requests and their comments on top of the bare repository: creation rules, the three merge
methods and the events a change raises (the double turns those into webhook deliveries).

Squash message: title "<PR title> (#N)" (or commit_title); body the PR's commit messages oldest first,
each full message with "* " before its subject, separated by blank lines (GitHub's "pull request title
and commit details" default), or commit_message when given. A one-commit PR's trailers thus stay the
squash commit's trailers. Merge message: "Merge pull request #N from owner/branch" then a blank line and
the PR title (or commit_title / commit_message). Rebase: each PR commit replayed with its own message and
author, committer "GitHub"."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from tests.github.git_store import BareRepo, GitStoreError, Identity

GITHUB_COMMITTER = Identity("GitHub", "noreply@github.com")
MERGE_METHODS = ("merge", "squash", "rebase")


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class ApiError(Exception):
    """An error answer: `status` and GitHub's `{message, documentation_url, errors?}` body."""

    def __init__(
        self,
        status: int,
        message: str,
        errors: list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(f"{status} {message}")
        self.status = status
        self.message = message
        self.errors = errors
        self.headers = headers or {}


def validation_failed(**error: str) -> ApiError:
    return ApiError(422, "Validation Failed", [{"resource": "PullRequest", **error}])


@dataclass
class PullRequest:
    number: int
    title: str
    body: str | None
    head_ref: str
    base_ref: str
    head_sha: str
    base_sha: str
    draft: bool
    author: str
    created_at: str = field(default_factory=now_iso)
    updated_at: str = field(default_factory=now_iso)
    state: str = "open"
    closed_at: str | None = None
    merged_at: str | None = None
    merged: bool = False
    merge_commit_sha: str | None = None
    comments: list[IssueComment] = field(default_factory=list)


@dataclass
class IssueComment:
    id: int
    body: str
    author: str
    created_at: str = field(default_factory=now_iso)


EventSink = Callable[[str, PullRequest], None]


class PullRequests:
    """All pull requests of the repository; every method runs under one lock."""

    def __init__(self, repo: BareRepo, owner: str, login: str, on_event: EventSink) -> None:
        self.repo = repo
        self.owner = owner
        self.login = login
        self.merger = Identity(login, f"{login}@users.noreply.github.com")
        self.lock = threading.RLock()
        self._on_event = on_event
        self._pulls: dict[int, PullRequest] = {}
        self._ids = itertools.count(1)

    # queries

    def get(self, number: int) -> PullRequest:
        pull = self._pulls.get(number)
        if pull is None:
            raise ApiError(404, "Not Found")
        self.refresh(pull)
        return pull

    def search(self, state: str, head: str | None, base: str | None) -> list[PullRequest]:
        head_branch = head.split(":", 1)[1] if head and ":" in head else head
        found = [
            pull
            for pull in sorted(self._pulls.values(), key=lambda p: p.number, reverse=True)
            if state in ("all", pull.state)
            and (head_branch is None or pull.head_ref == head_branch)
            and (base is None or pull.base_ref == base)
        ]
        for pull in found:
            self.refresh(pull)
        return found

    def mergeable(self, pull: PullRequest) -> bool | None:
        if pull.state != "open":
            return None
        return self.repo.merged_tree(pull.base_sha, pull.head_sha) is not None

    def refresh(self, pull: PullRequest) -> None:
        """Follows branch moves made behind the API's back (a `git push` into the bare repo)."""
        if pull.state != "open":
            return
        base = self.repo.resolve(f"refs/heads/{pull.base_ref}")
        if base is not None:
            pull.base_sha = base
        head = self.repo.resolve(f"refs/heads/{pull.head_ref}")
        if head is not None and head != pull.head_sha:
            pull.head_sha = head
            pull.updated_at = now_iso()
            self._on_event("synchronize", pull)

    def branch_moved(self, branch: str) -> None:
        for pull in self._pulls.values():
            if pull.head_ref == branch or pull.base_ref == branch:
                self.refresh(pull)

    def branch_deleted(self, branch: str) -> None:
        """GitHub closes the open pull requests whose head branch is deleted."""
        for pull in self._pulls.values():
            if pull.state == "open" and pull.head_ref == branch:
                self._close(pull)

    # changes

    def create(self, title: str | None, body: str | None, head: str, base: str, draft: bool) -> PullRequest:
        if not title:
            raise validation_failed(field="title", code="missing_field")
        owner, _, branch = head.rpartition(":")
        if owner and owner.lower() != self.owner.lower():
            raise validation_failed(field="head", code="invalid")
        base_sha = self.repo.resolve(f"refs/heads/{base}")
        if base_sha is None:
            raise validation_failed(field="base", code="invalid")
        head_sha = self.repo.resolve(f"refs/heads/{branch}")
        if head_sha is None:
            raise validation_failed(field="head", code="invalid")
        self._refuse_duplicate(branch, base)
        if branch == base or self.repo.is_ancestor(head_sha, base_sha):
            raise validation_failed(code="custom", message=f"No commits between {base} and {branch}")
        number = next(self._ids)
        pull = PullRequest(number, title, body, branch, base, head_sha, base_sha, draft, self.login)
        self._pulls[number] = pull
        self._on_event("opened", pull)
        return pull

    def _refuse_duplicate(self, branch: str, base: str) -> None:
        if any(
            p.state == "open" and p.head_ref == branch and p.base_ref == base for p in self._pulls.values()
        ):
            message = f"A pull request already exists for {self.owner}:{branch}."
            raise validation_failed(code="custom", message=message)

    def edit(self, number: int, title: str | None, body: str | None, state: str | None) -> PullRequest:
        pull = self.get(number)
        if state not in (None, "open", "closed"):
            raise validation_failed(field="state", code="invalid")
        if title is not None or body is not None:
            pull.title = title if title is not None else pull.title
            pull.body = body if body is not None else pull.body
            pull.updated_at = now_iso()
            self._on_event("edited", pull)
        if state == "closed" and pull.state == "open":
            self._close(pull)
        elif state == "open" and pull.state == "closed":
            self._reopen(pull)
        return pull

    def _close(self, pull: PullRequest) -> None:
        pull.state = "closed"
        pull.closed_at = pull.updated_at = now_iso()
        self._on_event("closed", pull)

    def _reopen(self, pull: PullRequest) -> None:
        if pull.merged:
            raise ApiError(422, "state cannot be changed. The pull request has been merged.")
        if self.repo.resolve(f"refs/heads/{pull.head_ref}") is None:
            raise ApiError(422, "state cannot be changed. The head branch was deleted.")
        self._refuse_duplicate(pull.head_ref, pull.base_ref)
        pull.state, pull.closed_at, pull.updated_at = "open", None, now_iso()
        self.refresh(pull)
        self._on_event("reopened", pull)

    def add_comment(self, number: int, body: str) -> IssueComment:
        pull = self.get(number)
        if not body:
            raise ApiError(422, "Validation Failed", [{"resource": "IssueComment", "code": "missing_field"}])
        comment = IssueComment(next(_comment_ids), body, self.login)
        pull.comments.append(comment)
        return comment

    def merge(
        self,
        number: int,
        method: str = "merge",
        expected_head: str | None = None,
        commit_title: str | None = None,
        commit_message: str | None = None,
    ) -> str:
        """Merges like the Merge button; returns GitHub's merge_commit_sha (the new base head)."""
        if method not in MERGE_METHODS:
            raise ApiError(422, "Validation Failed", [{"resource": "PullRequest", "field": "merge_method"}])
        pull = self.get(number)
        if pull.state != "open":
            raise ApiError(405, "Pull Request is not mergeable")
        if pull.draft:
            raise ApiError(405, "Pull Request is still a draft")
        if expected_head is not None and expected_head != pull.head_sha:
            raise ApiError(409, "Head branch was modified. Review and try the merge again.")
        tree = self.repo.merged_tree(pull.base_sha, pull.head_sha)
        if tree is None:
            raise ApiError(405, "Pull Request is not mergeable")
        if method == "rebase":
            new_head = self._rebase(pull)
        else:
            message = self._message(pull, method, commit_title, commit_message)
            parents = [pull.base_sha, pull.head_sha] if method == "merge" else [pull.base_sha]
            new_head = self.repo.create_commit(message, tree, parents, self.merger, GITHUB_COMMITTER)
        try:
            self.repo.update_ref(f"refs/heads/{pull.base_ref}", new_head, expected_old=pull.base_sha)
        except GitStoreError as error:
            raise ApiError(405, "Base branch was modified. Review and try the merge again.") from error
        pull.merged, pull.merge_commit_sha = True, new_head
        pull.state, pull.merged_at = "closed", now_iso()
        pull.closed_at = pull.updated_at = pull.merged_at
        self._on_event("closed", pull)
        return new_head

    def _rebase(self, pull: PullRequest) -> str:
        onto = pull.base_sha
        for commit in self.repo.commits_between(pull.base_sha, pull.head_sha):
            replayed = self.repo.replay(commit, onto, GITHUB_COMMITTER)
            if replayed is None:
                raise ApiError(405, "Pull Request is not mergeable")
            onto = replayed
        return onto

    def _message(self, pull: PullRequest, method: str, title: str | None, message: str | None) -> str:
        if method == "merge":
            title = title or f"Merge pull request #{pull.number} from {self.owner}/{pull.head_ref}"
            body = message if message is not None else pull.title
        else:
            title = title or f"{pull.title} (#{pull.number})"
            commits = self.repo.commits_between(pull.base_sha, pull.head_sha)
            details = [f"* {self.repo.read_commit(c).message.strip()}" for c in commits]
            body = message if message is not None else "\n\n".join(details)
        return f"{title}\n\n{body}\n" if body else f"{title}\n"


_comment_ids = itertools.count(1)
