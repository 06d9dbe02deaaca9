"""The values the renderer hands to the git side and the git side hands back: a store directory's new
content, and a commit as read from the fleet repo. Plain values: no git, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class DirectoryChange:
    """One commit: replace `directory` with `files` (None deletes the directory), and each directory
    of `also` likewise (a rollout wave: many store directories in one commit)."""

    directory: str
    files: dict[str, bytes] | None
    message: str
    action: str = "update"  # for metrics and logs only
    also: tuple[tuple[str, dict[str, bytes] | None], ...] = ()

    @property
    def edits(self) -> tuple[tuple[str, dict[str, bytes] | None], ...]:
        """Every (directory, files) this commit replaces, the first one first."""
        return ((self.directory, self.files), *self.also)


@dataclass(frozen=True)
class CommitInfo:
    sha: str
    parents: tuple[str, ...]
    author: str
    time: str  # ISO 8601 committer date
    message: str
    trailers: dict[str, str] = field(default_factory=dict)
    paths: tuple[str, ...] = ()  # the files it changed (within the paths asked about, if any)

    @property
    def summary(self) -> str:
        return self.message.split("\n", 1)[0]
