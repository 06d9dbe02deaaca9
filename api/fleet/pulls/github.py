"""The platform's GitHub: the few REST calls pull-request mode makes, through PyGithub.

Every call runs through the `github` circuit breaker and reads GitHub's rate-limit headers. A primary
limit (403/429 with `X-RateLimit-Remaining: 0`) or a secondary one (`Retry-After`) becomes
`GitHubThrottled` with how long to wait: the caller waits, its change stays in the outbox, nothing is
dropped. PyGithub's own retries are off (`retry=None`): a worker that sleeps inside a request could
not be stopped, and the wait is ours to decide and to expose as metrics. Synchronous: call it from a
worker thread.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from github import Auth, Github, GithubException, InputGitTreeElement, RateLimitExceededException
from github.Repository import Repository

from storefleet.api.core.circuit import RemoteCircuit
from storefleet.api.fleet.pulls.proposal import FILE_MODE, Proposal
from storefleet.api.fleet.pulls.pull_info import PullInfo
from storefleet.api.metrics import registry as metrics
from storefleet.api.settings import ConfigurationError, Settings

GITHUB = "github"
REQUEST_TIMEOUT_S = 15
SECONDARY_DEFAULT_WAIT_S = 60.0
T = TypeVar("T")


class GitHubThrottled(Exception):
    """GitHub asked us to wait (primary or secondary rate limit)."""

    def __init__(self, kind: str, retry_after_s: float) -> None:
        super().__init__(f"GitHub {kind} rate limit: retry in {retry_after_s:.0f}s")
        self.kind, self.retry_after_s = kind, retry_after_s


def not_a_github_failure(exc: BaseException) -> bool:
    """GitHub answered and refused this request (4xx, not a rate limit): it is up."""
    if isinstance(exc, GitHubThrottled):
        return True
    status = exc.status if isinstance(exc, GithubException) else None
    return status is not None and 400 <= status < 500 and status != 429


def _auth(settings: Settings) -> Auth.Auth:
    if (
        settings.github_app_id
        and settings.github_app_private_key_path
        and settings.github_app_installation_id
    ):
        key = settings.github_app_private_key_path.read_text()
        app = Auth.AppAuth(settings.github_app_id, key)
        return app.get_installation_auth(settings.github_app_installation_id)
    if settings.github_token is not None:
        return Auth.Token(settings.github_token.get_secret_value())
    raise ConfigurationError(
        "WRITE_MODE=pull-request needs GITHUB_TOKEN, or GITHUB_APP_ID + GITHUB_APP_INSTALLATION_ID + "
        "GITHUB_APP_PRIVATE_KEY_PATH"
    )


class GitHubGateway:
    def __init__(self, settings: Settings, circuit: RemoteCircuit) -> None:
        if not settings.github_repository:
            raise ConfigurationError("WRITE_MODE=pull-request needs GITHUB_REPOSITORY (owner/name)")
        self._client = Github(
            auth=_auth(settings),
            base_url=settings.github_api_url.rstrip("/"),
            timeout=REQUEST_TIMEOUT_S,
            retry=None,
            lazy=True,
            seconds_between_requests=settings.github_seconds_between_requests or None,
            seconds_between_writes=settings.github_seconds_between_writes or None,
        )
        self.full_name = settings.github_repository
        self.owner = self.full_name.split("/", 1)[0]
        self.branch = settings.fleet_branch
        self.circuit = circuit
        self._repo: Repository = self._client.get_repo(self.full_name)

    # ---- the calls ---------------------------------------------------------------------------------
    def base(self) -> tuple[str, str]:
        """(commit, tree) at the head of the fleet branch: two calls."""
        commit_sha = self._call(lambda: self._repo.get_git_ref(f"heads/{self.branch}").object.sha)
        return commit_sha, self._call(lambda: self._repo.get_git_commit(commit_sha).tree.sha)

    def commit(self, proposal: Proposal, parent: str, base_tree: str) -> str:
        """One tree with every file inline (no blob calls) and one commit on `parent`: two calls."""
        elements = [
            InputGitTreeElement(e.path, FILE_MODE, "blob", content=e.content)
            if e.content is not None
            else InputGitTreeElement(e.path, FILE_MODE, "blob", sha=None)
            for e in proposal.entries
        ]
        tree = self._call(lambda: self._repo.create_git_tree(elements, self._repo.get_git_tree(base_tree)))
        parents = [self._repo.get_git_commit(parent)]
        return self._call(lambda: self._repo.create_git_commit(proposal.message, tree, parents).sha)

    def commit_chain(self, proposals: list[Proposal], parent: str, base_tree: str) -> str:
        """Several commits, each on the one before (a chart version's, then its wave's)."""
        for proposal in proposals:
            parent = self.commit(proposal, parent, base_tree)
            base_tree = self._tree_of(parent)
        return parent

    def _tree_of(self, commit: str) -> str:
        return self._call(lambda: self._repo.get_git_commit(commit).tree.sha)

    def point_branch(self, branch: str, sha: str) -> None:
        """Create the branch at `sha`, or move it there if it exists (a retried change)."""
        try:
            self._call(lambda: self._repo.create_git_ref(f"refs/heads/{branch}", sha))
        except GithubException as exc:
            if exc.status != 422:
                raise
            self._call(lambda: self._repo.get_git_ref(f"heads/{branch}").edit(sha, force=True))

    def open_pull(self, proposal: Proposal) -> PullInfo:
        """The pull request of the proposal's branch: a new one, or the one already open for it."""
        try:
            pull = self._call(
                lambda: self._repo.create_pull(
                    self.branch, proposal.branch, title=proposal.title, body=proposal.body
                )
            )
        except GithubException as exc:
            existing = self.find_open_pull(proposal.branch) if exc.status == 422 else None
            if existing is None:
                raise
            return existing
        return PullInfo.of(pull)

    def find_open_pull(self, branch: str) -> PullInfo | None:
        pulls = self._call(lambda: list(self._repo.get_pulls(state="open", head=f"{self.owner}:{branch}")))
        return PullInfo.of(pulls[0]) if pulls else None

    def get_pull(self, number: int) -> PullInfo:
        return PullInfo.of(self._call(lambda: self._repo.get_pull(number)))

    def close_pull(self, number: int, comment: str) -> None:
        pull = self._repo.get_pull(number)
        self._call(lambda: pull.create_issue_comment(comment))
        self._call(lambda: pull.edit(state="closed"))

    def merge_pull(self, number: int, method: str, head_sha: str) -> None:
        pull = self._repo.get_pull(number)
        self._call(lambda: pull.merge(merge_method=method, sha=head_sha))

    def delete_branch(self, branch: str) -> None:
        """Best effort: a branch already gone (GitHub can delete merged branches itself) is fine."""
        try:
            self._call(lambda: self._repo.get_git_ref(f"heads/{branch}").delete())
        except GithubException as exc:
            if exc.status not in (404, 422):
                raise

    # ---- guard ---------------------------------------------------------------------------------------
    def _call(self, request: Callable[[], T]) -> T:
        try:
            result: T = self.circuit.call(request)
        except RateLimitExceededException as exc:
            raise self._throttled(exc) from exc
        except GithubException as exc:
            if exc.status in (403, 429) and _rate_limited(exc):
                raise self._throttled(exc) from exc
            raise
        finally:
            self._observe_quota()
        return result

    def _throttled(self, exc: GithubException) -> GitHubThrottled:
        """How long GitHub's documentation says to wait: `retry-after` if given; the window's reset when
        the primary quota is spent; otherwise (a secondary limit without a hint) at least a minute."""
        headers = {k.lower(): v for k, v in (exc.headers or {}).items()}
        if "retry-after" in headers:
            kind, wait = "secondary", float(headers["retry-after"])
        elif headers.get("x-ratelimit-remaining") == "0":
            kind, wait = "primary", float(headers.get("x-ratelimit-reset", time.time() + 60)) - time.time()
        else:
            kind, wait = "secondary", SECONDARY_DEFAULT_WAIT_S
        metrics.GITHUB_THROTTLED.labels(kind=kind).inc()
        return GitHubThrottled(kind, max(1.0, wait))

    def _observe_quota(self) -> None:
        """The quota from the last answer's headers. PyGithub's public `rate_limiting` would call
        /rate_limit when an answer had none (GitHub Enterprise without limits), so read what its
        requester kept, and report nothing when there is nothing."""
        requester = getattr(self._client, "_Github__requester", None)
        remaining, limit = getattr(requester, "rate_limiting", (-1, -1))
        if limit >= 0:
            metrics.GITHUB_RATE_LIMIT_REMAINING.set(remaining)
            metrics.GITHUB_RATE_LIMIT.set(limit)


def _rate_limited(exc: GithubException) -> bool:
    headers = {k.lower(): v for k, v in (exc.headers or {}).items()}
    message = str((exc.data or {}).get("message", "")) if isinstance(exc.data, dict) else ""
    return headers.get("x-ratelimit-remaining") == "0" or "retry-after" in headers or "rate limit" in message
