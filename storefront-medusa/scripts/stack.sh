#!/usr/bin/env bash
# Runs the end-to-end stack by hand (PostgreSQL, seeded Medusa, built SPA) until Ctrl-C, then stops it.
# Needs `npm ci` in storefront-medusa/ and backend/ and `npm run build` first.
set -euo pipefail
STOREFRONT_DIR=$(cd "$(dirname "$0")/.." && pwd)
PYTHON=${PYTHON:-$STOREFRONT_DIR/../.venv/bin/python}
RUN_DIR=$(mktemp -d "${TMPDIR:-/tmp}/storefront-stack.XXXXXX")
# shellcheck source=scripts/lib/stack.sh
source "$STOREFRONT_DIR/scripts/lib/stack.sh"
# KEEP_RUN_DIR=1 keeps the logs and the database files after the stop.
trap 'stack_stop; [[ -z ${SLEEP_PID:-} ]] || kill "$SLEEP_PID" 2>/dev/null; [[ ${KEEP_RUN_DIR:-0} == 1 ]] || rm -rf "$RUN_DIR"' EXIT
trap 'exit 130' INT TERM
stack_start
log "storefront: $SPA_URL  backend: $BACKEND_URL  key: $PUBLISHABLE_KEY  logs: $RUN_DIR"
# Waiting on a background sleep lets Ctrl-C / TERM run the trap at once.
sleep infinity &
SLEEP_PID=$!
wait "$SLEEP_PID"
