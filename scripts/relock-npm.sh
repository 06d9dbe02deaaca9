#!/usr/bin/env bash
# relock-npm.sh DIR...: regenerate DIR/package-lock.json (after editing DIR/package.json, or to
# repair a lock) so that `npm ci` accepts it on every platform and with npm 10 as well as npm 11.
#
#   bash scripts/relock-npm.sh frontend storefront-medusa storefront-medusa/backend
#
# Two ways a lock goes wrong, and what this script does about them:
#   - `npm install` next to an existing node_modules writes only the optional packages of the
#     platform it runs on (rollup, esbuild, lightningcss, @swc/core...), and `npm ci` elsewhere
#     refuses the lock ("Missing: @rollup/rollup-darwin-arm64@... from lock file"). The lock is
#     resolved here in a scratch directory holding only package.json and package-lock.json, with
#     `npm install --package-lock-only`, which records every platform's optional packages.
#   - npm 11 leaves out an optional peer dependency whose installed version does not match the peer
#     range; npm 10 (the npm of the node:20 images) wants it and refuses the lock. After npm 11 has
#     resolved the lock, npm 10 resolves it again and only the entries it adds are kept.
# Versions already locked are kept; only what package.json no longer matches is re-resolved. No
# `resolved` URL is recorded, so the lock names no registry. DIR/node_modules is left alone. The
# result is checked with `npm ci --dry-run` for Linux, macOS and Windows, and with npm 10.
#
#   NPM_MAIN     the npm that resolves (default npm@11.19.1)
#   NPM_COMPAT   the older npm the lock must also satisfy (default npm@10.8.2, node:20.18.1's npm)
set -euo pipefail

NPM_MAIN=${NPM_MAIN:-npm@11.19.1}
NPM_COMPAT=${NPM_COMPAT:-npm@10.8.2}
if [[ $# -eq 0 ]]; then
  echo "usage: relock-npm.sh DIR... (each DIR holds a package.json)" >&2
  exit 2
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/relock-npm.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

run_npm() { # run_npm SPEC DIR ARGS...: the npm of version SPEC, in DIR
  local spec=$1 dir=$2
  shift 2
  (cd "$dir" && npx --yes "$spec" "$@")
}

for dir in "$@"; do
  dir=${dir%/}
  if [[ ! -f $dir/package.json ]]; then
    echo "relock-npm: $dir/package.json not found" >&2
    exit 2
  fi
  echo "== $dir"
  main="$WORK/main" compat="$WORK/compat"
  rm -rf "$main" "$compat"
  mkdir -p "$main" "$compat"
  cp "$dir/package.json" "$main/"
  [[ -f $dir/package-lock.json ]] && cp "$dir/package-lock.json" "$main/"
  if [[ -f $dir/.npmrc ]]; then cp "$dir/.npmrc" "$main/"; cp "$dir/.npmrc" "$compat/"; fi

  lock_args=(install --package-lock-only --ignore-scripts --omit-lockfile-registry-resolved)
  run_npm "$NPM_MAIN" "$main" "${lock_args[@]}"

  cp "$main/package.json" "$main/package-lock.json" "$compat/"
  run_npm "$NPM_COMPAT" "$compat" "${lock_args[@]}"

  # The main lock, plus the entries only the older npm wrote.
  node - "$main/package-lock.json" "$compat/package-lock.json" <<'EOF'
const fs = require("fs");
const [mainPath, compatPath] = process.argv.slice(2);
const main = JSON.parse(fs.readFileSync(mainPath, "utf8"));
const compat = JSON.parse(fs.readFileSync(compatPath, "utf8"));
const added = Object.keys(compat.packages).filter((key) => !(key in main.packages));
if (added.length > 0) {
  // In npm's order: paths sorted with localeCompare("en").
  const all = { ...main.packages };
  for (const key of added) all[key] = compat.packages[key];
  main.packages = {};
  for (const key of Object.keys(all).sort((a, b) => a.localeCompare(b, "en"))) main.packages[key] = all[key];
  fs.writeFileSync(mainPath, JSON.stringify(main, null, 2) + "\n");
  console.log(`added for npm 10: ${added.map((key) => `${key}@${compat.packages[key].version}`).join(", ")}`);
}
EOF

  # What `npm ci` will meet: Linux, macOS and Windows with the main npm, then the older npm.
  for platform in linux/x64 linux/arm64 darwin/arm64 darwin/x64 win32/x64; do
    run_npm "$NPM_MAIN" "$main" ci --dry-run --ignore-scripts --os="${platform%/*}" --cpu="${platform#*/}" >/dev/null
  done
  run_npm "$NPM_COMPAT" "$main" ci --dry-run --ignore-scripts >/dev/null
  rm -rf "$main/node_modules"

  if [[ -f $dir/package-lock.json ]] && cmp -s "$main/package-lock.json" "$dir/package-lock.json"; then
    echo "$dir/package-lock.json: unchanged"
  else
    cp "$main/package-lock.json" "$dir/package-lock.json"
    echo "$dir/package-lock.json: written"
  fi
done
