#!/usr/bin/env bash
# Seeds this Medusa store (see src/scripts/seed.ts) and ends with the line the platform reads:
#   publishable-key=pk_...
# Used by the store setup Job (in the backend image, from /app) and by the end-to-end tests.
# Env: DATABASE_URL etc. as for the server; STORE_NAME (required), CATALOGUE_FILE (required: a
# catalogue template, helm/ecommerce-store/files/catalogue/<template>.json), CURRENCY (USD), COUNTRY
# (US or US:CA), STORE_URL (absolute image URLs), ADMIN_EMAIL + MEDUSA_ADMIN_PASSWORD_FILE or
# MEDUSA_ADMIN_PASSWORD (optional admin user). SEED_SKIP_MIGRATE=1 skips `medusa db:migrate`.
# Medusa's own log goes to stderr; stdout carries only the key line.
set -euo pipefail

# Checked before the migrations, which may wait minutes for the database; the seed validates the content.
if [[ -z ${CATALOGUE_FILE:-} ]]; then echo "seed: CATALOGUE_FILE must be set (the store's catalogue JSON)" >&2; exit 1; fi
if [[ ! -f $CATALOGUE_FILE || ! -r $CATALOGUE_FILE ]]; then echo "seed: CATALOGUE_FILE=$CATALOGUE_FILE is not a readable file" >&2; exit 1; fi
# Absolute, since the seed runs from the application directory.
[[ $CATALOGUE_FILE == /* ]] || CATALOGUE_FILE="$PWD/$CATALOGUE_FILE"
export CATALOGUE_FILE
cd "$(dirname "$0")/.."
export MEDUSA_DISABLE_TELEMETRY=true

# The built image holds compiled JavaScript; a source checkout runs the TypeScript.
script=./src/scripts/seed.js
[[ -f $script ]] || script=./src/scripts/seed.ts

if [[ ${SEED_SKIP_MIGRATE:-0} != 1 ]]; then
  # The database may still be starting when a setup Job begins: retry for a while.
  for attempt in $(seq 1 30); do
    if ./node_modules/.bin/medusa db:migrate >&2; then break; fi
    if [[ $attempt -eq 30 ]]; then echo "seed: database not reachable" >&2; exit 1; fi
    sleep 5
  done
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
./node_modules/.bin/medusa exec "$script" >"$log"
cat "$log" >&2
key=$(sed -n 's/^publishable-key=\(pk_[A-Za-z0-9_]*\)$/\1/p' "$log" | tail -n 1)
if [[ $key != pk_* ]]; then echo "seed: no publishable key was printed" >&2; exit 1; fi
printf 'publishable-key=%s\n' "$key"
