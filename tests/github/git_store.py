"""The git side of the GitHub API double: a real bare repository driven with git plumbing commands.

Blobs, trees and commits are written with hash-object, a throwaway index (read-tree / update-index /
write-tree) and commit-tree; branches move with compare-and-swap update-ref; merges are computed with
`git merge-tree --write-tree`, so a merge the double accepts is one git itself would make."""

from __future__ import annotations

import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

ZERO_SHA = "0" * 40
FILE_MODES = frozenset({"100644", "100755", "120000"})
TREE_MODE = "040000"
SUBMODULE_MODE = "160000"


class GitStoreError(Exception):
    """An operation the repository refuses; `message` is what GitHub answers for it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Identity:
    name: str
    email: str
    date: str | None = None  # ISO 8601; None means "now"


@dataclass(frozen=True)
class CommitInfo:
    sha: str
    tree: str
    parents: list[str]
    message: str
    author: Identity
    committer: Identity


@dataclass(frozen=True)
class TreeEdit:
    """One entry of a create-tree request: `content` writes a blob, `sha` None deletes the path."""

    path: str
    mode: str
    type: str
    sha: str | None = None
    content: str | None = None


@dataclass(frozen=True)
class TreeEntry:
    path: str
    mode: str
    type: str
    sha: str
    size: int | None


class BareRepo:
    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def create(cls, path: Path, files: dict[str, str], author: Identity, branch: str = "main") -> BareRepo:
        subprocess.run(
            ["git", "init", "--quiet", "--bare", f"--initial-branch={branch}", str(path)], check=True
        )
        repo = cls(path)
        tree = repo.build_tree(None, [TreeEdit(p, "100644", "blob", content=c) for p, c in files.items()])
        commit = repo.create_commit("Initial commit", tree, [], author, author)
        repo.update_ref(f"refs/heads/{branch}", commit, expected_old=ZERO_SHA)
        return repo

    def git(self, *args: str, stdin: str | None = None, env: dict[str, str] | None = None) -> str:
        result = self.run(*args, stdin=stdin, env=env)
        if result.returncode != 0:
            raise GitStoreError(f"git {args[0]} failed: {result.stderr.strip()}")
        return result.stdout

    def run(
        self, *args: str, stdin: str | None = None, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        full_env = {**os.environ, "GIT_DIR": str(self.path), **(env or {})}
        return subprocess.run(
            ["git", *args], input=stdin, capture_output=True, text=True, env=full_env, check=False
        )

    # objects

    def object_type(self, sha: str) -> str | None:
        result = self.run("cat-file", "-t", sha)
        return result.stdout.strip() if result.returncode == 0 else None

    def write_blob(self, content: str) -> str:
        return self.git("hash-object", "-w", "--stdin", stdin=content).strip()

    def build_tree(self, base_tree: str | None, edits: list[TreeEdit]) -> str:
        """Applies `edits` to `base_tree` (or to an empty tree) through a throwaway index."""
        with tempfile.TemporaryDirectory() as scratch:
            env = {"GIT_INDEX_FILE": str(Path(scratch) / "index")}
            self.git("read-tree", *([base_tree] if base_tree else ["--empty"]), env=env)
            present = set(self.git("ls-files", "-z", env=env).split("\0")) - {""}
            index_lines: list[str] = []
            for edit in edits:
                index_lines.extend(self._index_lines(edit, present))
            if index_lines:
                self.git("update-index", "--index-info", stdin="".join(index_lines), env=env)
            return self.git("write-tree", env=env).strip()

    def _index_lines(self, edit: TreeEdit, present: set[str]) -> list[str]:
        under = {p for p in present if p.startswith(edit.path + "/")}
        if edit.sha is None and edit.content is None:
            doomed = (under | {edit.path}) & present
            if not doomed:
                raise GitStoreError("GitRPC::BadObjectState")  # GitHub refuses to delete a missing path
            present -= doomed
            return [f"0 {ZERO_SHA}\t{path}\n" for path in sorted(doomed)]
        # A new entry replaces whatever was at that path, a file or a whole directory.
        removals = [f"0 {ZERO_SHA}\t{path}\n" for path in sorted(under | ({edit.path} & present))]
        present -= under | {edit.path}
        if edit.type == "tree":
            assert edit.sha is not None
            entries = self.tree_entries(edit.sha, recursive=True)
            present.update(f"{edit.path}/{entry.path}" for entry in entries)
            return removals + [f"{e.mode} {e.sha}\t{edit.path}/{e.path}\n" for e in entries]
        sha = self.write_blob(edit.content) if edit.content is not None else edit.sha
        present.add(edit.path)
        return [*removals, f"{edit.mode} {sha}\t{edit.path}\n"]

    def tree_entries(self, tree: str, recursive: bool = False) -> list[TreeEntry]:
        args = ["ls-tree", "-z", "--long", *(["-r"] if recursive else []), tree]
        entries = []
        for record in self.git(*args).split("\0"):
            if not record:
                continue
            meta, path = record.split("\t", 1)
            mode, kind, sha, size = meta.split()
            entries.append(TreeEntry(path, mode, kind, sha, None if size == "-" else int(size)))
        return entries

    def create_commit(
        self, message: str, tree: str, parents: list[str], author: Identity, committer: Identity
    ) -> str:
        env = {
            "GIT_AUTHOR_NAME": author.name,
            "GIT_AUTHOR_EMAIL": author.email,
            "GIT_COMMITTER_NAME": committer.name,
            "GIT_COMMITTER_EMAIL": committer.email,
        }
        if author.date:
            env["GIT_AUTHOR_DATE"] = author.date
        if committer.date:
            env["GIT_COMMITTER_DATE"] = committer.date
        parent_args = [arg for parent in parents for arg in ("-p", parent)]
        # The message goes through stdin verbatim (commit-tree -m would reformat it).
        return self.git("commit-tree", tree, *parent_args, stdin=message, env=env).strip()

    def read_commit(self, sha: str) -> CommitInfo:
        fields = "%H%x00%T%x00%P%x00%an%x00%ae%x00%aI%x00%cn%x00%ce%x00%cI%x00%B"
        out = self.git("show", "-s", f"--format={fields}", sha)
        sha_, tree, parents, an, ae, ad, cn, ce, cd, message = out.split("\0", 9)
        return CommitInfo(
            sha_,
            tree,
            parents.split(),
            message.removesuffix("\n").removesuffix("\n"),  # as GitHub shows it: no final newline
            Identity(an, ae, ad),
            Identity(cn, ce, cd),
        )

    # refs

    def resolve(self, ref: str) -> str | None:
        result = self.run("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
        return result.stdout.strip() if result.returncode == 0 else None

    def ref_exists(self, ref: str) -> bool:
        return self.run("show-ref", "--verify", "--quiet", ref).returncode == 0

    def update_ref(self, ref: str, new_sha: str, expected_old: str | None = None) -> None:
        """Moves `ref`; with `expected_old` only if it still points there (ZERO_SHA: must not exist)."""
        result = self.run("update-ref", ref, new_sha, *([expected_old] if expected_old else []))
        if result.returncode != 0:
            raise GitStoreError("Reference already exists" if expected_old == ZERO_SHA else "Reference moved")

    def delete_ref(self, ref: str) -> None:
        self.git("update-ref", "-d", ref)

    # history and merges

    def is_ancestor(self, ancestor: str, descendant: str) -> bool:
        return self.run("merge-base", "--is-ancestor", ancestor, descendant).returncode == 0

    def commits_between(self, base: str, head: str) -> list[str]:
        """The commits of `head` not in `base`, oldest first (merge commits left out)."""
        return self.git("rev-list", "--reverse", "--topo-order", "--no-merges", f"{base}..{head}").split()

    def merged_tree(self, ours: str, theirs: str) -> str | None:
        """The tree of merging commit `theirs` into `ours`, or None when the merge conflicts."""
        result = self.run("merge-tree", "--write-tree", "--no-messages", ours, theirs)
        if result.returncode == 1:
            return None
        if result.returncode != 0:
            raise GitStoreError(f"git merge-tree failed: {result.stderr.strip()}")
        return result.stdout.split("\n", 1)[0].strip()

    def replay(self, commit: str, onto: str, committer: Identity) -> str | None:
        """Cherry-picks `commit` onto commit `onto`; None on conflict.

        git 2.39's merge-tree has no --merge-base, so the merge base is forced: a scratch commit with
        `onto`'s tree and `commit`'s parent as its parent makes that parent the merge base."""
        info = self.read_commit(commit)
        onto_info = self.read_commit(onto)
        scratch = self.create_commit("replay base", onto_info.tree, info.parents[:1], committer, committer)
        tree = self.merged_tree(scratch, commit)
        if tree is None:
            return None
        raw_message = self.git("cat-file", "commit", commit).split("\n\n", 1)[1]
        return self.create_commit(raw_message, tree, [onto], info.author, committer)

    def commit_files(self, branch: str, files: dict[str, str | None], message: str, author: Identity) -> str:
        """Commits `files` (None deletes) on top of `branch` and moves it: a plain `git push`."""
        ref = f"refs/heads/{branch}"
        parent = self.resolve(ref)
        if parent is None:
            raise GitStoreError(f"no branch {branch}")
        edits = [
            TreeEdit(path, "100644", "blob", content=content)
            if content is not None
            else TreeEdit(path, "100644", "blob")
            for path, content in files.items()
        ]
        tree = self.build_tree(self.read_commit(parent).tree, edits)
        commit = self.create_commit(message + "\n", tree, [parent], author, author)
        self.update_ref(ref, commit, expected_old=parent)
        return commit

    def file_at(self, rev: str, path: str) -> str | None:
        result = self.run("show", f"{rev}:{path}")
        return result.stdout if result.returncode == 0 else None
