#!/usr/bin/env bash
# ensure-debian-package.sh BINARY PACKAGE: make sure BINARY exists, installing Debian's PACKAGE with
# apt-get (as root, or through passwordless sudo) when it does not. The browser tests use it for
# chromium (Playwright downloads no browser of its own) and the storefront's for nginx-light.
set -euo pipefail

binary=${1:?usage: ensure-debian-package.sh BINARY PACKAGE}
package=${2:?usage: ensure-debian-package.sh BINARY PACKAGE}
if [ -x "$binary" ]; then
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  echo "ensure $package: $binary is missing and neither root nor passwordless sudo is available." >&2
  echo "ensure $package: install it with: apt-get install -y --no-install-recommends $package" >&2
  exit 1
fi

echo "ensure $package: installing Debian's $package package"
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$package" >/dev/null

if [ ! -x "$binary" ]; then
  echo "ensure $package: $package installed but $binary is still missing" >&2
  exit 1
fi
