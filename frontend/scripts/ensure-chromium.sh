#!/usr/bin/env bash
# Debian's Chromium for the end-to-end tests (CHROMIUM_BIN, default /usr/bin/chromium).
set -euo pipefail
CHROMIUM_BIN="${CHROMIUM_BIN:-/usr/bin/chromium}"
bash "$(dirname "$0")/../../scripts/ensure-debian-package.sh" "$CHROMIUM_BIN" chromium
"$CHROMIUM_BIN" --version
