# shellcheck shell=bash
# The catalogue templates end to end (e2e/templates.e2e.test.mjs). The stack's own store is seeded
# with `classic`; every other template gets a database of its own, cloned from the migrated one
# before any seed (`createdb -T`, a file copy: no second migration), seeded by the same
# scripts/seed.sh the setup Job runs, and a Medusa of its own on a free port with the stack's backend
# environment. The SPA is shared: the test points it at each backend through /config.json.
#
# Sourced by stack.sh, whose helpers it uses; every server it starts is in STACK_PIDS. Writes
# $RUN_DIR/templates.json, {"<template>": {"backendUrl", "publishableKey", "catalogueFile"}}, and
# exports its path as TEMPLATES_FILE. STACK_TEMPLATES=0 skips it all.

CATALOGUE_DIR="$STOREFRONT_DIR/../helm/ecommerce-store/files/catalogue"
TEMPLATE_BASE_DB=migrated

# Called by stack_seed between the migrations and the seed.
templates_snapshot() {
  [[ ${STACK_TEMPLATES:-1} == 1 ]] || return 0
  "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres -T medusa "$TEMPLATE_BASE_DB"
}

# Seeds one template into its own database; prints the publishable key.
template_seed() { # name
  local name=$1 output
  "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres -T "$TEMPLATE_BASE_DB" "store_$name"
  output=$(cd "$STOREFRONT_DIR/backend" && DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/store_$name" \
    STORE_NAME="$E2E_STORE_NAME" CURRENCY=USD COUNTRY=US CATALOGUE_FILE="$CATALOGUE_DIR/$name.json" \
    SEED_SKIP_MIGRATE=1 bash scripts/seed.sh 2>"$RUN_DIR/seed-$name.log") || {
    tail -n 40 "$RUN_DIR/seed-$name.log" >&2
    return 1
  }
  printf '%s\n' "$output" | tail -n 1 | sed -n 's/^publishable-key=\(pk_.*\)$/\1/p'
}

# Starts a Medusa on the template's database with the stack's backend environment for its own URL
# (stack_backend_env reads BACKEND_URL), then puts the stack's environment back.
template_start_backend() { # name port
  local name=$1 port=$2 stack_backend=$BACKEND_URL stack_database=$DATABASE_URL
  BACKEND_URL="http://127.0.0.1:$port" DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/store_$name"
  stack_backend_env
  start_background "$RUN_DIR/medusa-$name.log" bash -c "cd '$STOREFRONT_DIR/backend' && exec ./node_modules/.bin/medusa start -H 127.0.0.1 -p $port"
  BACKEND_URL=$stack_backend DATABASE_URL=$stack_database
  stack_backend_env
}

stack_start_templates() {
  [[ ${STACK_TEMPLATES:-1} == 1 ]] || return 0
  local started=$SECONDS name port key pids=() ports=() entries=()
  entries+=("$(template_entry classic "$BACKEND_URL" "$PUBLISHABLE_KEY")")
  for name in $(template_names); do
    log "template $name: seed"
    key=$(template_seed "$name") && [[ $key == pk_* ]] || { log "template $name: the seed printed no publishable key"; return 1; }
    port=$(free_port)
    # Started at once: its boot overlaps the next seed.
    template_start_backend "$name" "$port"
    pids+=("${STACK_PIDS[-1]}")
    ports+=("$port")
    entries+=("$(template_entry "$name" "http://127.0.0.1:$port" "$key")")
  done
  local i=0
  for name in $(template_names); do
    wait_for_http "http://127.0.0.1:${ports[i]}/health" 120 "${pids[i]}" || { tail -n 40 "$RUN_DIR/medusa-$name.log" >&2; return 1; }
    i=$((i + 1))
  done
  export TEMPLATES_FILE="$RUN_DIR/templates.json"
  (IFS=,; printf '{%s}\n' "${entries[*]}") >"$TEMPLATES_FILE"
  log "templates: $(template_names | tr '\n' ' ')seeded and served in $((SECONDS - started))s"
}

# Every template but classic (the stack's own store), from the chart's files.
template_names() {
  local file
  for file in "$CATALOGUE_DIR"/*.json; do
    file=${file##*/}
    [[ $file == classic.json ]] || printf '%s\n' "${file%.json}"
  done
}

template_entry() { # name backend-url key
  printf '"%s": {"backendUrl": "%s", "publishableKey": "%s", "catalogueFile": "%s"}' "$1" "$2" "$3" "$CATALOGUE_DIR/$1.json"
}
