#!/usr/bin/env bash
# Everything the dashboard's tests need, from a fresh clone, without questions:
# install, lint, type-check, unit tests, production build, Chromium, end-to-end tests.
# Exits non-zero on the first failure and leaves no process of its own running.
set -euo pipefail

cd "$(dirname "$0")/.."
export CI=true
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false

# The e2e's global setup records the platform's process group here; stop it whatever happens.
pid_file="$(mktemp)"
export E2E_PLATFORM_PIDFILE="$pid_file"
cleanup() {
  local pid
  pid="$(cat "$pid_file" 2>/dev/null || true)"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM -- "-$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  fi
  rm -f "$pid_file"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step() { printf '\n== frontend: %s\n' "$*"; }

if [ -z "${E2E_PLATFORM_CMD:-}" ] && [ -z "${E2E_BASE_URL:-}" ] && [ ! -x ../.venv/bin/python ]; then
  echo "frontend: ../.venv is missing: run 'make test' (it creates it) or set E2E_PLATFORM_CMD" >&2
  exit 1
fi

step "install (npm ci)"
# Exactly package-lock.json: when npm refuses it (out of sync with package.json, or lacking another
# platform's optional packages), its message says why; regenerate it with ../scripts/relock-npm.sh.
npm ci --no-audit --no-fund

step "generate the API client types from openapi.json"
npm run --silent generate:api

step "lint"
npm run --silent lint

step "type-check"
npx --no-install tsc --noEmit

step "unit and component tests"
npx --no-install vitest run

step "production build"
npm run --silent build

step "chromium"
bash scripts/ensure-chromium.sh

step "end-to-end tests"
npx --no-install playwright test
