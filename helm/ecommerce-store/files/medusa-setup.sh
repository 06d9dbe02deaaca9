#!/usr/bin/env bash
# Medusa v2 post-install setup, run by the watcher's Job in the store's Medusa backend image after
# the first healthy install. The work is the image's own seed (storefront-medusa/backend/scripts/
# seed.sh, the same script its end-to-end tests run): migrations, admin user, region + tax region,
# stock location, shipping, publishable API key, and the store's catalogue template (categories,
# collections, products). Idempotent: the seed looks everything up by handle, name or e-mail before
# creating it.
#
# Inputs, all mounted (never on a command line):
#   $SETUP_DIR/store.env                         rendered by the chart
#   $SETUP_DIR/catalogue.json                    the chosen template (files/catalogue/<template>.json)
#   $SECRETS_DIR/medusa-admin-password           the credentials Secret as files
#   DATABASE_URL etc.                            env from the Job, as in the backend Deployment
# The last line on stdout is `publishable-key=pk_...`: the watcher stores it in the Secret
# <release>-storefront-key, which the storefront serves as /publishable-key.
set -euo pipefail

SETUP_DIR=${SETUP_DIR:-/etc/storefleet/setup}
SECRETS_DIR=${SECRETS_DIR:-/etc/storefleet/credentials}
MEDUSA_APP_DIR=${MEDUSA_APP_DIR:-/app}
# shellcheck source=/dev/null
source "$SETUP_DIR/store.env"

export STORE_NAME STORE_URL ADMIN_EMAIL CURRENCY COUNTRY
export CATALOGUE_FILE="$SETUP_DIR/catalogue.json"
export MEDUSA_ADMIN_PASSWORD_FILE="$SECRETS_DIR/medusa-admin-password"
export MEDUSA_DISABLE_TELEMETRY=true
exec bash "$MEDUSA_APP_DIR/scripts/seed.sh"
