"""A GitHub REST API double for one repository, served over HTTP on loopback and backed by a real bare
git repository (the platform fetches it by path), plus a Python control API for tests.

Implemented (see routes.py): GET repository; the Git database (get/create/update/delete refs, get/create
commits, get/create trees with inline `content` and `sha: null` deletions); pull requests (create, list
with state/head/base filters and Link pagination, get, edit/close/reopen, merge by merge/squash/rebase,
is-merged); issue comments (create, list); GET /rate_limit. Every answer carries the X-RateLimit-*
headers; a request without `Authorization: token|Bearer ...` gets 401 "Requires authentication", a wrong
token (when one is configured) 401 "Bad credentials"; unknown routes 404 "Not Found".

The API base URL is `<root>/api/v3` (GitHub Enterprise style, `Github(base_url=double.url)`); the same
routes also answer at the root. Not implemented: blobs, contents, branches, forks, reviews, checks,
statuses, labels, the GraphQL API, ETags / conditional requests, and merge_commit_sha before a merge
(GitHub's test merge commit; here null until merged).

Webhooks are delivered from a background thread in event order (never while a request is being answered,
so a receiver may call the API back); `wait_for_deliveries()` blocks until all queued ones are sent."""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import queue
import threading
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, NamedTuple

from tests.github import payloads
from tests.github.git_store import BareRepo, Identity
from tests.github.pulls import ApiError, PullRequest, PullRequests
from tests.github.routes import RepoApi, Request, Response

API_PREFIX = "/api/v3"
SECONDARY_LIMIT_MESSAGE = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."
)


class RecordedRequest(NamedTuple):
    method: str
    path: str  # below the API prefix, without the query
    status: int


@dataclass
class Delivery:
    id: str
    action: str
    number: int
    url: str
    headers: dict[str, str]
    body: bytes
    status: int | None = None  # None: not delivered yet, or the receiver was unreachable


@dataclass
class Webhook:
    url: str
    secret: str


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    double: GitHubDouble


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as PyGithub's connection pool expects
    disable_nagle_algorithm = True  # else headers and body sent apart wait out the client's delayed ACK
    server: _Server

    def do_GET(self) -> None:
        self.server.double.handle(self)

    do_POST = do_PATCH = do_PUT = do_DELETE = do_GET

    def log_message(self, format: str, *args: Any) -> None:
        return None


class GitHubDouble:
    def __init__(
        self,
        bare_repo: Path,
        owner: str = "storefleet",
        repo_name: str = "fleet",
        default_branch: str = "main",
        token: str | None = None,
        login: str = "storefleet-bot",
        rate_limit: int = 5000,
    ) -> None:
        self.bare_repo = bare_repo
        self.owner, self.repo_name, self.full_name = owner, repo_name, f"{owner}/{repo_name}"
        self.default_branch = default_branch
        self.login = login
        self.token = token
        self.repo = BareRepo(bare_repo)
        self.pulls = PullRequests(self.repo, owner, login, self._on_event)
        self.requests: list[RecordedRequest] = []
        self.deliveries: list[Delivery] = []
        self.webhooks: list[Webhook] = []
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.double = self
        root = f"http://127.0.0.1:{self._server.server_address[1]}"
        self.url = root + API_PREFIX
        self.site = payloads.Site(self.url, root, owner, repo_name)
        self.api = RepoApi(self.site, self.repo, self.pulls, default_branch)
        self._rate_lock = threading.Lock()
        self.rate_limit = rate_limit
        self._rate_used = 0
        self._rate_reset = time.time() + 3600
        self._exhausted = False
        self._throttle: tuple[int, int, int] = (0, 403, 1)  # requests left, status, Retry-After
        self._outbox: queue.Queue[Delivery | None] = queue.Queue()
        self._threads: list[threading.Thread] = []

    # lifecycle

    def start(self) -> GitHubDouble:
        # A short poll interval: shutdown() waits for serve_forever to notice.
        serve = threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True)
        deliver = threading.Thread(target=self._deliver_forever, daemon=True)
        for thread in (serve, deliver):
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._outbox.put(None)
        for thread in self._threads:
            thread.join(timeout=5)

    # HTTP

    def handle(self, handler: BaseHTTPRequestHandler) -> None:
        split = urllib.parse.urlsplit(handler.path)
        path = urllib.parse.unquote(split.path).removeprefix(API_PREFIX) or "/"
        query = dict(urllib.parse.parse_qsl(split.query))
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        try:
            response = self._answer(handler.command, path, query, raw, handler.headers.get("Authorization"))
        except ApiError as error:
            response = Response(error.status, payloads.error_body(error.message, error.errors), error.headers)
        except Exception:  # a bug in the double: answer like GitHub's 500 and show the traceback
            traceback.print_exc()
            response = Response(500, payloads.error_body("Server Error"))
        self.requests.append(RecordedRequest(handler.command, path, response.status))
        body = b"" if response.body is None else json.dumps(response.body).encode()
        handler.send_response(response.status)
        headers = {**self._rate_headers(), **response.headers}
        if body:
            headers["Content-Type"] = "application/json; charset=utf-8"
        headers |= {"Content-Length": str(len(body)), "X-GitHub-Request-Id": uuid.uuid4().hex[:16].upper()}
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(body)

    def _answer(
        self, method: str, path: str, query: dict[str, str], raw: bytes, authorization: str | None
    ) -> Response:
        scheme, _, credential = (authorization or "").partition(" ")
        if scheme.lower() not in ("token", "bearer") or not credential:
            raise ApiError(401, "Requires authentication")
        if self.token is not None and credential != self.token:
            raise ApiError(401, "Bad credentials")
        if path != "/rate_limit":  # GitHub does not count (or refuse) the rate limit check itself
            self._spend_rate_limit()
        try:
            body = json.loads(raw) if raw else None
        except ValueError as error:
            raise ApiError(400, "Problems parsing JSON") from error
        if method == "GET" and path == "/rate_limit":
            core = self._rate_status()
            other = {"limit": 5000, "remaining": 5000, "reset": core["reset"], "used": 0}
            return Response(
                200, {"resources": {"core": core, "graphql": other, "search": other}, "rate": core}
            )
        return self.api.dispatch(Request(method, path, query, body))

    # rate limits

    def _spend_rate_limit(self) -> None:
        with self._rate_lock:
            self._roll_window()
            left, status, retry_after = self._throttle
            if left > 0:
                self._throttle = (left - 1, status, retry_after)
                raise ApiError(status, SECONDARY_LIMIT_MESSAGE, headers={"Retry-After": str(retry_after)})
            if self._exhausted or self._rate_used >= self.rate_limit:
                raise ApiError(403, f"API rate limit exceeded for user ID {self.site.user_id}.")
            self._rate_used += 1

    def _roll_window(self) -> None:
        """A new hourly window once the reset time has passed (the caller holds the rate lock)."""
        if time.time() >= self._rate_reset:
            self._rate_used, self._exhausted = 0, False
            self._rate_reset = time.time() + 3600

    def _rate_status(self) -> dict[str, Any]:
        with self._rate_lock:
            self._roll_window()
            remaining = 0 if self._exhausted else max(0, self.rate_limit - self._rate_used)
            reset = math.ceil(self._rate_reset)
            return {"limit": self.rate_limit, "remaining": remaining, "reset": reset, "used": self._rate_used}

    def _rate_headers(self) -> dict[str, str]:
        status = self._rate_status()
        headers = {f"X-RateLimit-{key.capitalize()}": str(value) for key, value in status.items()}
        return {**headers, "X-RateLimit-Resource": "core"}

    def exhaust_rate_limit(self, reset_in_s: float) -> None:
        """Uses up the primary rate limit: every request gets 403 until `reset_in_s` seconds pass."""
        with self._rate_lock:
            self._exhausted = True
            self._rate_reset = time.time() + reset_in_s

    def throttle_next(self, count: int, status: int = 403, retry_after_s: int = 1) -> None:
        """The next `count` requests hit a secondary rate limit (`status` with a Retry-After header)."""
        with self._rate_lock:
            self._throttle = (count, status, retry_after_s)

    # what people do in the web UI or with git

    def merge_in_ui(self, number: int, method: str = "merge") -> str:
        with self.pulls.lock:
            return self.pulls.merge(number, method)

    def close_in_ui(self, number: int) -> None:
        with self.pulls.lock:
            self.pulls.edit(number, None, None, "closed")

    def reopen(self, number: int) -> None:
        with self.pulls.lock:
            self.pulls.edit(number, None, None, "open")

    def push_to_branch(self, branch: str, files: dict[str, str | None], message: str) -> str:
        """A commit pushed onto `branch` (None deletes a file); an open PR of it gets `synchronize`."""
        with self.pulls.lock:
            sha = self.repo.commit_files(branch, files, message, Identity("Reviewer", "reviewer@example.com"))
            self.pulls.branch_moved(branch)
            return sha

    def push_to_base(self, files: dict[str, str | None], message: str) -> str:
        return self.push_to_branch(self.default_branch, files, message)

    def branch_sha(self, branch: str) -> str | None:
        return self.repo.resolve(f"refs/heads/{branch}")

    def pull(self, number: int) -> PullRequest:
        with self.pulls.lock:
            return self.pulls.get(number)

    # webhooks

    def add_webhook(self, url: str, secret: str) -> None:
        self.webhooks.append(Webhook(url, secret))

    def _on_event(self, action: str, pull: PullRequest) -> None:
        if not self.webhooks:
            return
        pull_json = payloads.pull_request(self.site, self.pulls, pull, self.default_branch)
        repo_json = payloads.repository(self.site, self.default_branch)
        event = payloads.webhook_event(self.site, action, pull_json, repo_json, self.login)
        body = json.dumps(event).encode()
        for hook in self.webhooks:
            delivery_id = str(uuid.uuid4())
            signature = hmac.new(hook.secret.encode(), body, hashlib.sha256).hexdigest()
            headers = {
                "Content-Type": "application/json",
                "User-Agent": "GitHub-Hookshot/double",
                "X-GitHub-Event": "pull_request",
                "X-GitHub-Delivery": delivery_id,
                "X-GitHub-Hook-ID": "1",
                "X-Hub-Signature-256": f"sha256={signature}",
            }
            delivery = Delivery(delivery_id, action, pull.number, hook.url, headers, body)
            self.deliveries.append(delivery)
            self._outbox.put(delivery)

    def _deliver_forever(self) -> None:
        while (delivery := self._outbox.get()) is not None:
            request = urllib.request.Request(delivery.url, delivery.body, delivery.headers, method="POST")
            try:
                with urllib.request.urlopen(request, timeout=10) as answer:
                    delivery.status = answer.status
            except urllib.error.HTTPError as error:
                delivery.status = error.code
            except OSError:
                delivery.status = None
            finally:
                self._outbox.task_done()
        self._outbox.task_done()

    def wait_for_deliveries(self, timeout: float = 5.0) -> list[Delivery]:
        """Blocks until every queued webhook delivery has been attempted; returns all deliveries."""
        deadline = time.monotonic() + timeout
        while self._outbox.unfinished_tasks:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self._outbox.unfinished_tasks} webhook deliveries still pending")
            time.sleep(0.005)
        return list(self.deliveries)


@contextmanager
def running_github(
    directory: Path, files: dict[str, str] | None = None, **options: Any
) -> Iterator[GitHubDouble]:
    """A started double over a fresh bare repo in `directory`, whose `main` has one commit of `files`."""
    bare = directory / "fleet.git"
    BareRepo.create(bare, files or {"README.md": "# fleet\n"}, Identity("storefleet", "fleet@example.com"))
    double = GitHubDouble(bare, **options).start()
    try:
        yield double
    finally:
        double.stop()
