"""What the platform keeps of a GitHub pull request, from the REST answer or a webhook's payload.

Apart from the GitHub client (`github.py`), so the webhook endpoint and the use cases load without
PyGithub, which only pull-request mode uses (~20 MB of memory at import).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from github.PullRequest import PullRequest


@dataclass(frozen=True)
class PullInfo:
    number: int
    url: str
    state: str  # open | closed
    merged: bool
    merge_commit_sha: str | None
    head_ref: str
    head_sha: str

    @classmethod
    def of(cls, pull: PullRequest) -> PullInfo:
        return cls(pull.number, pull.html_url, pull.state, bool(pull.merged), pull.merge_commit_sha,
                   pull.head.ref, pull.head.sha)  # fmt: skip

    @classmethod
    def from_event(cls, pull: dict[str, Any]) -> PullInfo:
        """From a `pull_request` webhook's payload (the same shape as the REST answer)."""
        head = pull["head"]
        return cls(int(pull["number"]), str(pull["html_url"]), str(pull["state"]), bool(pull.get("merged")),
                   pull.get("merge_commit_sha"), str(head["ref"]), str(head["sha"]))  # fmt: skip
