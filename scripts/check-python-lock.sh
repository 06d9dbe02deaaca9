#!/usr/bin/env bash
# check-python-lock.sh [VERSION...]: check that constraints.txt (the lock `make lock` writes) resolves
# from PyPI, wheels only, for each CPython VERSION (default: 3.11 3.12 3.13) on Linux x86_64.
#
# For each VERSION it resolves pyproject.toml's dependencies plus the [dev] extra under
# constraints.txt with `pip install --dry-run --report` (nothing is installed), targeting that
# CPython's wheel tags. It fails when a version does not resolve (then it lists the pins that have no
# wheel for that version) or when the resolution needs a package that constraints.txt does not pin.
# It needs network access to the index, so it is not part of the test suite.
#
# Environment markers (python_version < "3.12" and the like) are evaluated by the Python that runs
# pip, so each VERSION is checked with python<VERSION> when that interpreter exists; otherwise with
# $PYTHON and pip's cross-version options, which get wheel tags and Requires-Python right but not
# markers (a warning says so).
#
#   PYTHON      fallback interpreter (default: python3); it needs pip >= 22.2
#   INDEX_URL   the index to check against (default: https://pypi.org/simple)
#   PLATFORMS   pip platform tags, space-separated (default: manylinux x86_64 up to glibc 2.36, the
#               Debian bookworm of the images)
#
# Examples:
#   bash scripts/check-python-lock.sh                  # 3.11, 3.12 and 3.13
#   PYTHON=python bash scripts/check-python-lock.sh 3.12
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PYTHON=${PYTHON:-python3}
INDEX_URL=${INDEX_URL:-https://pypi.org/simple}
if [[ -z ${PLATFORMS:-} ]]; then
  PLATFORMS=""
  for minor in $(seq 36 -1 17); do PLATFORMS+="manylinux_2_${minor}_x86_64 "; done
  PLATFORMS+="manylinux2014_x86_64 manylinux_2_12_x86_64 manylinux2010_x86_64 manylinux_2_5_x86_64 manylinux1_x86_64"
fi
if [[ $# -eq 0 ]]; then
  set -- 3.11 3.12 3.13
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/check-python-lock.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# Only this script's options count: no pip configuration file, no PIP_* variable (a local
# find-links directory or extra index could hide a file missing from the index).
export PIP_CONFIG_FILE=/dev/null
pip_args=(--isolated --disable-pip-version-check --no-input)
[[ -n ${PIP_CERT:-} ]] && pip_args+=(--cert "$PIP_CERT")

# pyproject.toml's requirements: [project].dependencies and the dev extra.
"$PYTHON" - "$ROOT/pyproject.toml" >"$WORK/requirements.txt" <<'EOF'
import sys
import tomllib

with open(sys.argv[1], "rb") as f:
    project = tomllib.load(f)["project"]
for requirement in project["dependencies"] + project["optional-dependencies"]["dev"]:
    print(requirement)
EOF

platform_args=()
for tag in $PLATFORMS; do platform_args+=(--platform "$tag"); done

failed=()
for version in "$@"; do
  if ! [[ $version =~ ^3\.[0-9]+$ ]]; then
    echo "check-python-lock: '$version' is not a CPython version such as 3.12" >&2
    exit 2
  fi
  py=$PYTHON
  if command -v "python$version" >/dev/null 2>&1 \
    && [[ $("python$version" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null) == "$version" ]]; then
    py="python$version"
  else
    running=$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
    if [[ $running != "$version" ]]; then
      echo "check-python-lock: warning: python$version not found; checking $version with Python $running," \
        "whose environment markers may differ" >&2
    fi
  fi
  target_args=(--only-binary=:all: --python-version "$version" --implementation cp "${platform_args[@]}")
  echo "== CPython $version ($("$py" -c 'import sys; print(sys.executable)'), $("$py" -m pip --version | cut -d' ' -f1-2))"

  report="$WORK/report-$version.json"
  if ! "$py" -m pip "${pip_args[@]}" install --dry-run --quiet --ignore-installed \
    --target "$WORK/target-$version" --index-url "$INDEX_URL" "${target_args[@]}" \
    -c "$ROOT/constraints.txt" -r "$WORK/requirements.txt" --report "$report"; then
    echo "CPython $version: constraints.txt does not resolve; pins without a wheel for $version:" >&2
    while IFS= read -r pin; do
      pin=${pin%%#*}
      pin=${pin//[[:space:]]/}
      [[ -z $pin ]] && continue
      "$py" -m pip "${pip_args[@]}" install --dry-run --quiet --ignore-installed --no-deps \
        --target "$WORK/target-$version" --index-url "$INDEX_URL" "${target_args[@]}" "$pin" \
        >/dev/null 2>&1 || echo "  $pin" >&2
    done <"$ROOT/constraints.txt"
    failed+=("$version")
    continue
  fi

  # Every package the resolution picked must be pinned in constraints.txt, at that version.
  if ! "$py" - "$report" "$ROOT/constraints.txt" "$version" <<'EOF'; then
import json
import re
import sys

report_path, constraints_path, version = sys.argv[1:]


def canonical(name):
    return re.sub(r"[-_.]+", "-", name).lower()


pins = {}
with open(constraints_path) as f:
    for line in f:
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            name, _, pinned = line.partition("==")
            pins[canonical(name)] = pinned.split(";", 1)[0].strip()
with open(report_path) as f:
    picked = {
        canonical(item["metadata"]["name"]): item["metadata"]["version"]
        for item in json.load(f)["install"]
    }
problems = [
    f"  {name}=={picked[name]}: "
    + ("not pinned" if name not in pins else f"pinned {pins[name]}")
    for name in sorted(picked)
    if pins.get(name) != picked[name]
]
if problems:
    print(f"CPython {version}: resolved packages not pinned in constraints.txt:", file=sys.stderr)
    print("\n".join(problems), file=sys.stderr)
    sys.exit(1)
print(f"CPython {version}: OK, {len(picked)} packages, every one pinned in constraints.txt")
EOF
    failed+=("$version")
  fi
done

if [[ ${#failed[@]} -gt 0 ]]; then
  echo "check-python-lock: FAILED for CPython ${failed[*]}" >&2
  exit 1
fi
echo "check-python-lock: constraints.txt resolves for CPython $*"
