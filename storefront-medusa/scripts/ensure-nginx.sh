#!/usr/bin/env bash
# Make sure nginx is installed for the end-to-end tests (they serve the built SPA with the image's
# nginx config). Installs Debian's nginx-light with apt-get as root, or through passwordless sudo.
set -euo pipefail

NGINX_BIN="${NGINX_BIN:-/usr/sbin/nginx}"
if [ -x "$NGINX_BIN" ]; then
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  echo "ensure-nginx: $NGINX_BIN is missing and neither root nor passwordless sudo is available." >&2
  echo "ensure-nginx: install it with: apt-get install -y --no-install-recommends nginx-light" >&2
  exit 1
fi

echo "ensure-nginx: installing Debian's nginx-light package"
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx-light >/dev/null

if [ ! -x "$NGINX_BIN" ]; then
  echo "ensure-nginx: nginx installed but $NGINX_BIN is still missing" >&2
  exit 1
fi
"$NGINX_BIN" -v
