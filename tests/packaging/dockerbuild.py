"""A Docker build's inputs without a Docker engine: the build context a `.dockerignore` leaves, and
the COPY steps of a Dockerfile's stages replayed into folders.

The context comes from docker-py's `exclude_paths`, Docker's own matching rules (`**`, `!`
exceptions, re-included files under excluded folders). Only the instructions our Dockerfiles use are
understood (FROM … AS, WORKDIR, COPY [--from] [--chown] [--chmod]); RUN steps are the caller's.
"""

from __future__ import annotations

import os
import shlex
import shutil
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from docker.utils.build import exclude_paths


@dataclass
class Copy:
    sources: list[str]
    destination: str
    workdir: str
    from_stage: str | None


@dataclass
class Stage:
    name: str
    base: str
    copies: list[Copy] = field(default_factory=list)
    runs: list[str] = field(default_factory=list)


def ignore_patterns(context: Path) -> list[str]:
    ignore = context / ".dockerignore"
    if not ignore.is_file():
        return []
    lines = (line.strip() for line in ignore.read_text().splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def context_files(context: Path) -> list[str]:
    """Every file (and symlink) Docker would send as the build context of `context`."""
    kept = exclude_paths(str(context), ignore_patterns(context))
    return sorted(p for p in kept if (context / p).is_symlink() or (context / p).is_file())


def copy_context(context: Path, destination: Path) -> Path:
    """The context as a folder: files copied, symlinks kept as symlinks (dangling if their target is out)."""
    for relative in context_files(context):
        source, target = context / relative, destination / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_symlink():
            os.symlink(os.readlink(source), target)
        else:
            shutil.copy2(source, target)
    return destination


def _logical_lines(text: str) -> list[str]:
    lines, pending = [], ""
    for raw in text.splitlines():
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        lines.append(pending + stripped)
        pending = ""
    return lines


def _copy(arguments: str, workdir: str) -> Copy:
    words = shlex.split(arguments)
    flags = dict(w[2:].split("=", 1) for w in words if w.startswith("--"))
    paths = [w for w in words if not w.startswith("--")]
    return Copy(paths[:-1], paths[-1], workdir, flags.get("from"))


def parse_stages(dockerfile: Path) -> list[Stage]:
    stages: list[Stage] = []
    workdir = "/"
    for line in _logical_lines(dockerfile.read_text()):
        instruction, _, arguments = line.partition(" ")
        instruction = instruction.upper()
        if instruction == "FROM":
            words = arguments.split()
            name = words[2] if len(words) > 2 and words[1].upper() == "AS" else str(len(stages))
            stages.append(Stage(name, words[0]))
            workdir = "/"
        elif instruction == "WORKDIR":
            workdir = str(PurePosixPath(workdir) / arguments.strip())
        elif instruction == "COPY":
            stages[-1].copies.append(_copy(arguments, workdir))
        elif instruction == "RUN":
            stages[-1].runs.append(arguments)
    return stages


def stage(stages: list[Stage], name: str) -> Stage:
    return next(s for s in stages if s.name == name)


def replay_copies(target: Stage, context: Path, roots: dict[str, Path], root: Path) -> None:
    """Apply `target`'s COPY steps into `root` (its filesystem): sources from the context, or from
    an earlier stage's filesystem in `roots`. A missing source fails, as `docker build` does."""
    for copy in target.copies:
        origin = roots[copy.from_stage] if copy.from_stage else context
        destination = root / (PurePosixPath(copy.workdir) / copy.destination).relative_to("/")
        for source in copy.sources:
            found = origin / source.lstrip("/")
            if not (found.exists() or found.is_symlink()):
                raise FileNotFoundError(f"COPY {source}: not in the {copy.from_stage or 'build context'}")
            if found.is_dir() and not found.is_symlink():
                shutil.copytree(found, destination, symlinks=True, dirs_exist_ok=True)
            else:
                into = destination / found.name if copy.destination.endswith("/") else destination
                into.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(found, into, follow_symlinks=False)
