"""The repository endpoints of the GitHub API double: the Git database (refs, commits, trees), pull
requests with merging, and issue comments. Transport, authentication and rate limits live in double.py."""

from __future__ import annotations

import math
import re
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.github import payloads
from tests.github.git_store import (
    FILE_MODES,
    SUBMODULE_MODE,
    TREE_MODE,
    ZERO_SHA,
    BareRepo,
    GitStoreError,
    Identity,
    TreeEdit,
)
from tests.github.payloads import JsonObject, Site
from tests.github.pulls import ApiError, PullRequests

ENTRY_TYPES = {"blob": FILE_MODES, "tree": {TREE_MODE}, "commit": {SUBMODULE_MODE}}
SHA = re.compile(r"[0-9a-f]{40}")


@dataclass
class Request:
    method: str
    path: str  # below the API prefix, unquoted, without the query
    query: dict[str, str]
    body: Any


@dataclass
class Response:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


Handler = Callable[["RepoApi", re.Match[str], Request], Response]
_ROUTES: list[tuple[str, re.Pattern[str], Handler]] = []


def route(method: str, pattern: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        _ROUTES.append((method, re.compile(f"/repos/[^/]+/[^/]+{pattern}"), handler))
        return handler

    return register


def field_of(body: Any, name: str, kind: type, required: bool = True) -> Any:
    value = body.get(name) if isinstance(body, dict) else None
    if value is None and not required:
        return None
    if not isinstance(value, kind):
        raise ApiError(422, f"Invalid request.\n\n{name!r} is missing or not a {kind.__name__}.")
    return value


class RepoApi:
    def __init__(self, site: Site, repo: BareRepo, pulls: PullRequests, default_branch: str) -> None:
        self.site = site
        self.repo = repo
        self.pulls = pulls
        self.default_branch = default_branch

    def dispatch(self, request: Request) -> Response:
        owner_repo = f"/repos/{self.site.owner}/{self.site.name}".lower()
        if not (request.path.lower() + "/").startswith(owner_repo + "/"):
            raise ApiError(404, "Not Found")
        for method, pattern, handler in _ROUTES:
            match = pattern.fullmatch(request.path)
            if match and method == request.method:
                with self.pulls.lock:
                    return handler(self, match, request)
        raise ApiError(404, "Not Found")

    def paginate(self, request: Request, items: list[JsonObject]) -> Response:
        per_page = max(1, min(100, int(request.query.get("per_page", "30"))))
        page = max(1, int(request.query.get("page", "1")))
        last = max(1, math.ceil(len(items) / per_page))
        links = {"prev": page - 1, "next": page + 1, "last": last, "first": 1}
        url = f"{self.site.api}{urllib.parse.quote(request.path)}"
        header = ", ".join(
            f'<{url}?{urllib.parse.urlencode({**request.query, "page": n})}>; rel="{rel}"'
            for rel, n in links.items()
            if (rel in ("next", "last") and page < last) or (rel in ("prev", "first") and page > 1)
        )
        body = items[(page - 1) * per_page : page * per_page]
        return Response(200, body, {"Link": header} if header else {})

    def commit_sha(self, sha: Any, message: str) -> str:
        if not isinstance(sha, str) or not SHA.fullmatch(sha) or self.repo.object_type(sha) != "commit":
            raise ApiError(422, message)
        return sha

    def pull_json(self, number: int) -> JsonObject:
        return payloads.pull_request(self.site, self.pulls, self.pulls.get(number), self.default_branch)


# repository and git database


@route("GET", "")
def get_repository(api: RepoApi, _: re.Match[str], __: Request) -> Response:
    return Response(200, payloads.repository(api.site, api.default_branch))


@route("GET", "/git/refs?/(?P<ref>.+)")
def get_ref(api: RepoApi, match: re.Match[str], _: Request) -> Response:
    name = f"refs/{match['ref']}"
    sha = api.repo.resolve(name) if api.repo.ref_exists(name) else None
    if sha is None:
        raise ApiError(404, "Not Found")
    return Response(200, payloads.ref(api.site, name, sha))


@route("POST", "/git/refs")
def create_ref(api: RepoApi, _: re.Match[str], request: Request) -> Response:
    name = field_of(request.body, "ref", str)
    if not name.startswith("refs/") or name.count("/") < 2:
        raise ApiError(422, "Reference name must start with 'refs/' and have at least two slashes.")
    sha = api.commit_sha(field_of(request.body, "sha", str), "Object does not exist")
    try:
        api.repo.update_ref(name, sha, expected_old=ZERO_SHA)
    except GitStoreError as error:
        raise ApiError(422, "Reference already exists") from error
    return Response(201, payloads.ref(api.site, name, sha))


# PyGithub's lazy `repo.get_git_ref(...)` object patches its own `git/ref/...` URL, so both spellings work.
@route("PATCH", "/git/refs?/(?P<ref>.+)")
def update_ref(api: RepoApi, match: re.Match[str], request: Request) -> Response:
    name = f"refs/{match['ref']}"
    sha = api.commit_sha(field_of(request.body, "sha", str), "Object does not exist")
    force = field_of(request.body, "force", bool, required=False) or False
    old = api.repo.resolve(name) if api.repo.ref_exists(name) else None
    if old is None:
        raise ApiError(422, "Reference does not exist")
    if not force and not api.repo.is_ancestor(old, sha):
        raise ApiError(422, "Update is not a fast forward")
    try:
        api.repo.update_ref(name, sha, expected_old=old)
    except GitStoreError as error:
        raise ApiError(422, "Reference cannot be updated") from error
    api.pulls.branch_moved(name.removeprefix("refs/heads/"))
    return Response(200, payloads.ref(api.site, name, sha))


@route("DELETE", "/git/refs?/(?P<ref>.+)")
def delete_ref(api: RepoApi, match: re.Match[str], _: Request) -> Response:
    name = f"refs/{match['ref']}"
    if not api.repo.ref_exists(name):
        raise ApiError(422, "Reference does not exist")
    api.repo.delete_ref(name)
    api.pulls.branch_deleted(name.removeprefix("refs/heads/"))
    return Response(204)


@route("GET", "/git/commits/(?P<sha>[0-9a-f]{40})")
def get_commit(api: RepoApi, match: re.Match[str], _: Request) -> Response:
    if api.repo.object_type(match["sha"]) != "commit":
        raise ApiError(404, "Not Found")
    return Response(200, payloads.commit(api.site, api.repo.read_commit(match["sha"])))


def _identity(body: Any, name: str) -> Identity | None:
    person = field_of(body, name, dict, required=False)
    if person is None:
        return None
    return Identity(field_of(person, "name", str), field_of(person, "email", str), person.get("date"))


@route("POST", "/git/commits")
def create_commit(api: RepoApi, _: re.Match[str], request: Request) -> Response:
    message = field_of(request.body, "message", str)
    tree = field_of(request.body, "tree", str)
    if not SHA.fullmatch(tree) or api.repo.object_type(tree) != "tree":
        raise ApiError(422, "Tree SHA does not exist")
    parents = field_of(request.body, "parents", list, required=False) or []
    parents = [api.commit_sha(p, "Parent SHA does not exist or is not a commit object") for p in parents]
    author = _identity(request.body, "author") or api.pulls.merger
    committer = _identity(request.body, "committer") or author
    sha = api.repo.create_commit(message, tree, parents, author, committer)
    return Response(201, payloads.commit(api.site, api.repo.read_commit(sha)))


def _tree_edit(api: RepoApi, entry: Any) -> TreeEdit:
    if not isinstance(entry, dict):
        raise ApiError(422, "Invalid tree info")
    path, mode, kind = entry.get("path"), entry.get("mode"), entry.get("type")
    content, sha = entry.get("content"), entry.get("sha", "")
    valid = (
        isinstance(path, str)
        and path.strip("/") == path != ""
        and "//" not in path
        and kind in ENTRY_TYPES
        and mode in ENTRY_TYPES[kind]
        and (content is not None) != (sha != "")  # exactly one of `content` and `sha`
        and (content is None or (isinstance(content, str) and kind == "blob"))
        and (sha in ("", None) or (isinstance(sha, str) and api.repo.object_type(sha) == kind))
    )
    if not valid:
        raise ApiError(422, "Invalid tree info")
    return TreeEdit(str(path), str(mode), str(kind), sha=sha or None, content=content)


@route("POST", "/git/trees")
def create_tree(api: RepoApi, _: re.Match[str], request: Request) -> Response:
    entries = field_of(request.body, "tree", list)
    base_tree = field_of(request.body, "base_tree", str, required=False)
    if base_tree is not None and (not SHA.fullmatch(base_tree) or api.repo.object_type(base_tree) != "tree"):
        raise ApiError(422, "GitRPC::BadObjectState")
    try:
        sha = api.repo.build_tree(base_tree, [_tree_edit(api, entry) for entry in entries])
    except GitStoreError as error:
        raise ApiError(422, error.message) from error
    return Response(201, payloads.tree(api.site, sha, api.repo.tree_entries(sha)))


@route("GET", "/git/trees/(?P<sha>[0-9a-f]{40})")
def get_tree(api: RepoApi, match: re.Match[str], request: Request) -> Response:
    if api.repo.object_type(match["sha"]) != "tree":
        raise ApiError(404, "Not Found")
    recursive = request.query.get("recursive") not in (None, "", "0", "false")
    entries = api.repo.tree_entries(match["sha"], recursive=recursive)
    return Response(200, payloads.tree(api.site, match["sha"], entries))


# pull requests


@route("POST", "/pulls")
def create_pull(api: RepoApi, _: re.Match[str], request: Request) -> Response:
    pull = api.pulls.create(
        field_of(request.body, "title", str, required=False),
        field_of(request.body, "body", str, required=False),
        field_of(request.body, "head", str),
        field_of(request.body, "base", str),
        bool(field_of(request.body, "draft", bool, required=False)),
    )
    return Response(201, api.pull_json(pull.number))


@route("GET", "/pulls")
def list_pulls(api: RepoApi, _: re.Match[str], request: Request) -> Response:
    state = request.query.get("state", "open")
    if state not in ("open", "closed", "all"):
        raise ApiError(
            422, "Validation Failed", [{"resource": "Search", "field": "state", "code": "invalid"}]
        )
    found = api.pulls.search(state, request.query.get("head"), request.query.get("base"))
    if request.query.get("direction") == "asc":
        found.reverse()
    return api.paginate(request, [api.pull_json(pull.number) for pull in found])


@route("GET", "/pulls/(?P<number>[0-9]+)")
def get_pull(api: RepoApi, match: re.Match[str], _: Request) -> Response:
    return Response(200, api.pull_json(int(match["number"])))


@route("PATCH", "/pulls/(?P<number>[0-9]+)")
def edit_pull(api: RepoApi, match: re.Match[str], request: Request) -> Response:
    api.pulls.edit(
        int(match["number"]),
        field_of(request.body, "title", str, required=False),
        field_of(request.body, "body", str, required=False),
        field_of(request.body, "state", str, required=False),
    )
    return Response(200, api.pull_json(int(match["number"])))


@route("GET", "/pulls/(?P<number>[0-9]+)/merge")
def is_merged(api: RepoApi, match: re.Match[str], _: Request) -> Response:
    if not api.pulls.get(int(match["number"])).merged:
        raise ApiError(404, "Not Found")
    return Response(204)


@route("PUT", "/pulls/(?P<number>[0-9]+)/merge")
def merge_pull(api: RepoApi, match: re.Match[str], request: Request) -> Response:
    body = request.body if isinstance(request.body, dict) else {}
    sha = api.pulls.merge(
        int(match["number"]),
        field_of(body, "merge_method", str, required=False) or "merge",
        field_of(body, "sha", str, required=False),
        field_of(body, "commit_title", str, required=False),
        field_of(body, "commit_message", str, required=False),
    )
    return Response(200, {"sha": sha, "merged": True, "message": "Pull Request successfully merged"})


@route("POST", "/issues/(?P<number>[0-9]+)/comments")
def create_comment(api: RepoApi, match: re.Match[str], request: Request) -> Response:
    number = int(match["number"])
    comment = api.pulls.add_comment(number, field_of(request.body, "body", str))
    return Response(201, payloads.issue_comment(api.site, number, comment))


@route("GET", "/issues/(?P<number>[0-9]+)/comments")
def list_comments(api: RepoApi, match: re.Match[str], request: Request) -> Response:
    number = int(match["number"])
    comments = api.pulls.get(number).comments
    return api.paginate(request, [payloads.issue_comment(api.site, number, c) for c in comments])
