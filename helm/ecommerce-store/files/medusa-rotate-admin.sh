#!/usr/bin/env bash
# Sets the Medusa admin's password to a new one: the platform's rotation of a store's admin password
# (docs/operations.md). Run by the watcher's rotation Job, which is the setup Job (the backend image,
# its database settings) with this script as its command. The work is medusa-rotate-admin.js, run by
# `medusa exec` in the application: Medusa v2's emailpass auth provider hashes and stores the password.
#
# Inputs (never on a command line, so the password shows in no `ps`, Job spec or log):
#   $NEW_ADMIN_PASSWORD           the new password: an environment variable the Job takes from the
#                                 credentials Secret's staging key (`secretKeyRef`)
#   $SETUP_DIR/store.env          the admin's e-mail (ADMIN_EMAIL)
#   DATABASE_URL etc.             env from the Job, as in the backend Deployment
set -euo pipefail

SETUP_DIR=${SETUP_DIR:-/etc/storefleet/setup}
MEDUSA_APP_DIR=${MEDUSA_APP_DIR:-/app}
# shellcheck source=/dev/null
source "$SETUP_DIR/store.env"

if [[ -z ${NEW_ADMIN_PASSWORD:-} ]]; then
  printf 'storefleet-rotate: NEW_ADMIN_PASSWORD is empty: the credentials Secret has no staged password\n' >&2
  exit 1
fi

export ADMIN_EMAIL NEW_ADMIN_PASSWORD
export MEDUSA_DISABLE_TELEMETRY=true
cd "$MEDUSA_APP_DIR"
exec ./node_modules/.bin/medusa exec "$SETUP_DIR/medusa-rotate-admin.js"
