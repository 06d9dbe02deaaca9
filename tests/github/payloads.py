"""The JSON bodies of the GitHub API double, in the shapes of GitHub's REST reference (the fields
PyGithub reads plus the common neighbours; links, reactions and the like are left out)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.github.git_store import CommitInfo, Identity, TreeEntry
from tests.github.pulls import IssueComment, PullRequest, PullRequests

JsonObject = dict[str, Any]
DOCS = "https://docs.github.com/rest"


@dataclass(frozen=True)
class Site:
    """Where the double answers: `api` is the base URL PyGithub gets, `web` the html_url root."""

    api: str
    web: str
    owner: str
    name: str
    repo_id: int = 1
    user_id: int = 1

    @property
    def repo_api(self) -> str:
        return f"{self.api}/repos/{self.owner}/{self.name}"

    @property
    def repo_web(self) -> str:
        return f"{self.web}/{self.owner}/{self.name}"


def error_body(message: str, errors: list[dict[str, str]] | None = None) -> JsonObject:
    body: JsonObject = {"message": message, "documentation_url": DOCS}
    if errors:
        body["errors"] = errors
    return body


def user(site: Site, login: str) -> JsonObject:
    return {
        "login": login,
        "id": site.user_id,
        "node_id": f"U_{login}",
        "type": "User",
        "site_admin": False,
        "url": f"{site.api}/users/{login}",
        "html_url": f"{site.web}/{login}",
    }


def repository(site: Site, default_branch: str) -> JsonObject:
    return {
        "id": site.repo_id,
        "node_id": f"R_{site.repo_id}",
        "name": site.name,
        "full_name": f"{site.owner}/{site.name}",
        "owner": {**user(site, site.owner), "type": "Organization"},
        "private": True,
        "visibility": "private",
        "fork": False,
        "archived": False,
        "default_branch": default_branch,
        "html_url": site.repo_web,
        "url": site.repo_api,
        "clone_url": f"{site.repo_web}.git",
        "pulls_url": f"{site.repo_api}/pulls{{/number}}",
        "allow_merge_commit": True,
        "allow_squash_merge": True,
        "allow_rebase_merge": True,
        "permissions": {"admin": True, "maintain": True, "push": True, "triage": True, "pull": True},
    }


def ref(site: Site, name: str, sha: str) -> JsonObject:
    return {
        "ref": name,
        "node_id": f"REF_{name}",
        "url": f"{site.repo_api}/git/{name}",
        "object": {"type": "commit", "sha": sha, "url": f"{site.repo_api}/git/commits/{sha}"},
    }


def _person(identity: Identity) -> JsonObject:
    return {"name": identity.name, "email": identity.email, "date": identity.date}


def commit(site: Site, info: CommitInfo) -> JsonObject:
    return {
        "sha": info.sha,
        "node_id": f"C_{info.sha}",
        "url": f"{site.repo_api}/git/commits/{info.sha}",
        "html_url": f"{site.repo_web}/commit/{info.sha}",
        "author": _person(info.author),
        "committer": _person(info.committer),
        "message": info.message,
        "tree": {"sha": info.tree, "url": f"{site.repo_api}/git/trees/{info.tree}"},
        "parents": [
            {"sha": p, "url": f"{site.repo_api}/git/commits/{p}", "html_url": f"{site.repo_web}/commit/{p}"}
            for p in info.parents
        ],
        "verification": {"verified": False, "reason": "unsigned", "signature": None, "payload": None},
    }


def tree(site: Site, sha: str, entries: list[TreeEntry]) -> JsonObject:
    def entry(e: TreeEntry) -> JsonObject:
        kind = "trees" if e.type == "tree" else "blobs"
        body: JsonObject = {"path": e.path, "mode": e.mode, "type": e.type, "sha": e.sha}
        if e.size is not None:
            body["size"] = e.size
        return {**body, "url": f"{site.repo_api}/git/{kind}/{e.sha}"}

    return {
        "sha": sha,
        "url": f"{site.repo_api}/git/trees/{sha}",
        "tree": [entry(e) for e in entries],
        "truncated": False,
    }


def pull_request(site: Site, pulls: PullRequests, pull: PullRequest, default_branch: str) -> JsonObject:
    url = f"{site.repo_api}/pulls/{pull.number}"
    issue_url = f"{site.repo_api}/issues/{pull.number}"
    html_url = f"{site.repo_web}/pull/{pull.number}"
    repo = repository(site, default_branch)
    mergeable = pulls.mergeable(pull)

    def side(branch: str, sha: str) -> JsonObject:
        label = f"{site.owner}:{branch}"
        return {"label": label, "ref": branch, "sha": sha, "user": repo["owner"], "repo": repo}

    return {
        "url": url,
        "id": 1000 + pull.number,
        "node_id": f"PR_{pull.number}",
        "html_url": html_url,
        "diff_url": f"{html_url}.diff",
        "patch_url": f"{html_url}.patch",
        "issue_url": issue_url,
        "commits_url": f"{url}/commits",
        "review_comments_url": f"{url}/comments",
        "comments_url": f"{issue_url}/comments",
        "statuses_url": f"{site.repo_api}/statuses/{pull.head_sha}",
        "number": pull.number,
        "state": pull.state,
        "locked": False,
        "title": pull.title,
        "user": user(site, pull.author),
        "body": pull.body,
        "labels": [],
        "milestone": None,
        "assignee": None,
        "assignees": [],
        "requested_reviewers": [],
        "requested_teams": [],
        "created_at": pull.created_at,
        "updated_at": pull.updated_at,
        "closed_at": pull.closed_at,
        "merged_at": pull.merged_at,
        "merge_commit_sha": pull.merge_commit_sha,
        "draft": pull.draft,
        "head": side(pull.head_ref, pull.head_sha),
        "base": side(pull.base_ref, pull.base_sha),
        "author_association": "MEMBER",
        "auto_merge": None,
        "merged": pull.merged,
        "mergeable": mergeable,
        "rebaseable": mergeable,
        "mergeable_state": {True: "clean", False: "dirty", None: "unknown"}[mergeable],
        "merged_by": user(site, pull.author) if pull.merged else None,
        "comments": len(pull.comments),
        "review_comments": 0,
        "maintainer_can_modify": False,
        "commits": len(pulls.repo.commits_between(pull.base_sha, pull.head_sha)) if not pull.merged else 0,
    }


def issue_comment(site: Site, number: int, comment: IssueComment) -> JsonObject:
    return {
        "id": comment.id,
        "node_id": f"IC_{comment.id}",
        "url": f"{site.repo_api}/issues/comments/{comment.id}",
        "html_url": f"{site.repo_web}/pull/{number}#issuecomment-{comment.id}",
        "issue_url": f"{site.repo_api}/issues/{number}",
        "body": comment.body,
        "user": user(site, comment.author),
        "created_at": comment.created_at,
        "updated_at": comment.created_at,
        "author_association": "MEMBER",
    }


def webhook_event(site: Site, action: str, pull: JsonObject, repo: JsonObject, sender: str) -> JsonObject:
    return {
        "action": action,
        "number": pull["number"],
        "pull_request": pull,
        "repository": repo,
        "sender": user(site, sender),
    }
