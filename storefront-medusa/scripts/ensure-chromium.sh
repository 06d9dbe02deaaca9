#!/usr/bin/env bash
# Make sure Debian's Chromium is installed for the end-to-end tests (Playwright drives it; it downloads
# no browser of its own). Installs with apt-get as root, or through passwordless sudo.
set -euo pipefail

CHROMIUM_BIN="${CHROMIUM_BIN:-/usr/bin/chromium}"
if [ -x "$CHROMIUM_BIN" ]; then
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  echo "ensure-chromium: $CHROMIUM_BIN is missing and neither root nor passwordless sudo is available." >&2
  echo "ensure-chromium: install it with: apt-get install -y --no-install-recommends chromium" >&2
  exit 1
fi

echo "ensure-chromium: installing Debian's chromium package"
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null

if [ ! -x "$CHROMIUM_BIN" ]; then
  echo "ensure-chromium: chromium installed but $CHROMIUM_BIN is still missing" >&2
  exit 1
fi
"$CHROMIUM_BIN" --version
