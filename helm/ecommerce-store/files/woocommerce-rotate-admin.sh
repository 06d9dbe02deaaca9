#!/usr/bin/env bash
# Sets the WordPress admin's password to a new one: the platform's rotation of a store's admin
# password (docs/operations.md). Run by the watcher's rotation Job, which is the setup Job (same
# image, WordPress core, wp-content and database settings) with this script as its command.
#
# Inputs (never on a command line, so the password shows in no `ps`, Job spec or log):
#   $NEW_ADMIN_PASSWORD           the new password: an environment variable the Job takes from the
#                                 credentials Secret's staging key (`secretKeyRef`)
#   $SETUP_DIR/store.env          the admin's user name (ADMIN_USER)
#   $WP_PATH                      WordPress core + wp-config.php, as for the setup
#
# The update is the last step: a Job that fails changed nothing, and the old password still works.
# Running it again sets the same password again.
set -euo pipefail

SETUP_DIR=${SETUP_DIR:-/etc/storefleet/setup}
WP_PATH=${WP_PATH:-/var/www/html}
# shellcheck source=/dev/null
source "$SETUP_DIR/store.env"

log() { printf 'storefleet-rotate: %s\n' "$*" >&2; }

if [[ -z ${NEW_ADMIN_PASSWORD:-} ]]; then
  log "NEW_ADMIN_PASSWORD is empty: the credentials Secret has no staged password"
  exit 1
fi

wp_args=(--path="$WP_PATH")
# The wordpress:cli image runs as www-data; inside the WordPress container (root) WP-CLI needs this.
if [[ $(id -u) -eq 0 ]]; then wp_args+=(--allow-root); fi
wpc() { wp "${wp_args[@]}" "$@"; }

if ! wpc core is-installed; then
  log "WordPress is not installed: there is no admin to change"
  exit 1
fi
# The admin must exist: `user update` of a missing user would only warn.
wpc user get "$ADMIN_USER" --field=ID >/dev/null

# The password goes to WP-CLI on standard input (--prompt, printf being a shell builtin), not as an
# argument; no e-mail about the change (the platform records it in the store's audit trail).
log "setting a new password for $ADMIN_USER"
printf '%s\n' "$NEW_ADMIN_PASSWORD" | wpc user update "$ADMIN_USER" --skip-email --prompt=user_pass
log "done"
