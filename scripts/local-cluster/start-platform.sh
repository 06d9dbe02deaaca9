#!/usr/bin/env bash
# Runs `storefleet up` for the kind recipe (docs/local-cluster.md): listening where the kind nodes can
# reach it, with the PUBLIC_URL they use, a push token for the served fleet repo, and the cluster's
# kubeconfig for the watcher. Stop it with Ctrl-C; starting it again keeps its data.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

usage() {
    cat <<EOF
Usage: $(basename "$0") [flux|argocd] [--state-dir DIR] [--host ADDR] [--port N] [--print] [--help]

Runs 'storefleet up' in the foreground for the kind cluster of kind-flux.sh / kind-argocd.sh.
The engine defaults to \$GITOPS_ENGINE, else flux.

On Linux, run kind-<engine>.sh first: PUBLIC_URL is the gateway of the 'kind' docker network,
which exists only once a kind cluster was created. The platform writes <PUBLIC_URL>/git/fleet.git
into the fleet repo's bootstrap files when it first creates <state dir>/fleet.git, so the first
start of a state dir must already have the right PUBLIC_URL.

Options:
  --state-dir DIR   state dir (default: ~/.local/state/storefleet-kind-<engine>, under \$XDG_STATE_HOME)
  --host ADDR       listen address (default \$STOREFLEET_HOST or 0.0.0.0: the kind nodes must reach it)
  --port N          port (default \$STOREFLEET_PORT or 8000)
  --print           print the command and its environment, do not run it
  -h, --help        this help

Environment: PUBLIC_URL, CLUSTER_NAME [local], KIND_CLUSTER_NAME [storefleet], FLEET_BRANCH [main],
FLEET_GIT_HTTP_PUSH_TOKEN [made once in <state dir>/git-push-token], STORE_DOMAIN [localhost],
STOREFLEET_BIN [.venv/bin/storefleet, else storefleet on PATH, else 'make up'], and any other
setting of the platform (PROVISIONING_TIMEOUT_S, LOG_FORMAT=console, ...), passed through as is.
EOF
}

ENGINE_ARG=${GITOPS_ENGINE:-flux}
PRINT_ONLY=0
while (($# > 0)); do
    case $1 in
        flux | argocd)
            ENGINE_ARG=$1
            shift
            ;;
        --state-dir | --host | --port)
            [[ $# -ge 2 ]] || die "$1 needs a value."
            case $1 in
                --state-dir) STATE_DIR=$2 ;;
                --host) STOREFLEET_HOST=$2 ;;
                --port) STOREFLEET_PORT=$2 ;;
            esac
            shift 2
            ;;
        --print)
            PRINT_ONLY=1
            shift
            ;;
        -h | --help)
            usage
            exit 0
            ;;
        *) die "Unknown argument '$1' (see --help)." ;;
    esac
done
set_engine "$ENGINE_ARG"
lc_derive

step "prerequisites"
need git "Install git: the platform runs it to write and serve the fleet repo."
if [[ -n ${FLEET_REPO_URL:-} ]]; then
    die "FLEET_REPO_URL is set ($FLEET_REPO_URL)." \
        "This recipe uses the fleet repo that storefleet up creates and serves: unset FLEET_REPO_URL."
fi
if [[ $STOREFLEET_HOST == 127.* || $STOREFLEET_HOST == localhost || $STOREFLEET_HOST == ::1 ]]; then
    warn "Listening on $STOREFLEET_HOST: the kind nodes cannot reach that address."
fi

step "PUBLIC_URL: how the kind nodes reach this machine"
if [[ -z $PUBLIC_URL ]]; then need_docker; fi
resolve_public_url
info "$PUBLIC_URL ($PUBLIC_URL_SOURCE)"

step "state dir $STATE_DIR"
mkdir -p "$STATE_DIR"
bare=$STATE_DIR/fleet.git
if [[ -f $bare/HEAD ]]; then
    for file in "${BOOTSTRAP_FILES[@]}"; do
        git --git-dir "$bare" cat-file -e "$FLEET_BRANCH:clusters/$CLUSTER_NAME/$file" 2>/dev/null ||
            die "$bare has no clusters/$CLUSTER_NAME/$file on $FLEET_BRANCH." \
                "It was created for another engine or CLUSTER_NAME; use another --state-dir for $ENGINE."
    done
    urls=()
    while IFS= read -r url; do urls+=("$url"); done < <(
        for file in "${BOOTSTRAP_FILES[@]}"; do
            git --git-dir "$bare" show "$FLEET_BRANCH:clusters/$CLUSTER_NAME/$file"
        done | baked_urls
    )
    check_repo_urls ${urls[@]+"${urls[@]}"}
    info "fleet repo exists; its bootstrap points at $PUBLIC_URL/git/fleet.git: kept"
else
    info "no fleet repo yet: storefleet up creates $bare for $ENGINE, pointing at $PUBLIC_URL/git/fleet.git"
fi
ensure_push_token

if command -v kind >/dev/null 2>&1 && command -v docker >/dev/null 2>&1 && cluster_exists; then
    write_kubeconfig
fi
if [[ -f $STATE_DIR/kubeconfig ]]; then
    export KUBECONFIG=$STATE_DIR/kubeconfig KUBE_CONTEXT=$KIND_CONTEXT
    info "KUBECONFIG=$KUBECONFIG KUBE_CONTEXT=$KUBE_CONTEXT: the platform runs its cluster watcher"
else
    step "kubeconfig for the watcher"
    warn "No kind cluster '$KIND_CLUSTER_NAME' and no $STATE_DIR/kubeconfig: the platform starts without" \
        "its cluster watcher (stores wait in 'provisioning'). Run kind-$ENGINE.sh, then restart this."
fi

step "storefleet up"
print_raw_up_command
if ((PRINT_ONLY)); then exit 0; fi

export GITOPS_ENGINE=$ENGINE CLUSTER_NAME FLEET_BRANCH PUBLIC_URL FLEET_GIT_HTTP_PUSH_TOKEN
export VALUES_PROFILE=${VALUES_PROFILE:-local} STORE_DOMAIN=${STORE_DOMAIN:-localhost}
printf '\nThe API: %s (docs at %s/api/docs). Ctrl-C stops it.\n\n' "$STOREFLEET_URL" "$STOREFLEET_URL"
find_storefleet
if [[ -n $STOREFLEET_BIN ]]; then
    exec "$STOREFLEET_BIN" up --host "$STOREFLEET_HOST" --port "$STOREFLEET_PORT" --state-dir "$STATE_DIR"
fi
exec make -C "$REPO_ROOT" up HOST="$STOREFLEET_HOST" PORT="$STOREFLEET_PORT" UP_ARGS="--state-dir $STATE_DIR"
