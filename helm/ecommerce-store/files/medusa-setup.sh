#!/usr/bin/env bash
# Medusa v2 post-install setup, run by the watcher's Job in the store's Medusa backend image after
# the first healthy install: admin user, store name, region + tax region, stock location, shipping
# (profile, fulfillment set, option), manual payment, publishable API key, seed catalogue.
# Idempotent: medusa-setup.js looks everything up (by handle, name or e-mail) before creating it.
#
# Inputs, all mounted (never on a command line):
#   $SETUP_DIR/store.env, $SETUP_DIR/medusa-setup.js   rendered by the chart
#   $SECRETS_DIR/medusa-admin-password                 the credentials Secret as files
#   DATABASE_URL etc.                                  env from the Job, as in the backend Deployment
# The last line on stdout is `publishable-key=pk_...`: the watcher stores it in the Secret
# <release>-storefront-key that the storefront serves as runtime config.
set -euo pipefail

SETUP_DIR=${SETUP_DIR:-/etc/storefleet/setup}
SECRETS_DIR=${SECRETS_DIR:-/etc/storefleet/credentials}
MEDUSA_APP_DIR=${MEDUSA_APP_DIR:-/app}
# shellcheck source=/dev/null
source "$SETUP_DIR/store.env"

export STORE_NAME STORE_URL ADMIN_EMAIL CURRENCY COUNTRY
export MEDUSA_ADMIN_PASSWORD_FILE="$SECRETS_DIR/medusa-admin-password"
export MEDUSA_DISABLE_TELEMETRY=true
# The script lives in the ConfigMap mount: let it resolve @medusajs/* from the application.
export NODE_PATH="$MEDUSA_APP_DIR/node_modules"

cd "$MEDUSA_APP_DIR"
for attempt in $(seq 1 30); do
  if ./node_modules/.bin/medusa db:migrate >/dev/null; then break; fi
  if [[ $attempt -eq 30 ]]; then echo "storefleet-setup: database not reachable" >&2; exit 1; fi
  sleep 5
done
output=$(./node_modules/.bin/medusa exec "$SETUP_DIR/medusa-setup.js")
printf '%s\n' "$output" >&2
key=$(printf '%s\n' "$output" | sed -n 's/^STOREFLEET_PUBLISHABLE_KEY=//p' | tail -n 1)
if [[ $key != pk_* ]]; then echo "storefleet-setup: no publishable key" >&2; exit 1; fi
printf 'publishable-key=%s\n' "$key"
