#!/usr/bin/env bash
# nginx for the end-to-end tests, which serve the built SPA with the image's nginx config
# (NGINX_BIN, default /usr/sbin/nginx; Debian's nginx-light).
set -euo pipefail
NGINX_BIN="${NGINX_BIN:-/usr/sbin/nginx}"
bash "$(dirname "$0")/../../scripts/ensure-debian-package.sh" "$NGINX_BIN" nginx-light
"$NGINX_BIN" -v
