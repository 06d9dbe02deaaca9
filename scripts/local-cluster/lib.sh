# shellcheck shell=bash disable=SC2034 # its variables are used by the scripts that source it
# Shared by the scripts of scripts/local-cluster/ (sourced, never run on its own).
#
# Every setting below can be overridden from the environment; docs/local-cluster.md lists them.
# Call lc_derive once the command line is parsed, since some values depend on others.

LC_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd -- "$LC_DIR/../.." && pwd)

KIND_CLUSTER_NAME=${KIND_CLUSTER_NAME:-storefleet}  # the kind cluster (kind reads this variable too)
CLUSTER_NAME=${CLUSTER_NAME:-local}                 # storefleet's: the fleet repo's clusters/<name>/
FLEET_BRANCH=${FLEET_BRANCH:-main}
STOREFLEET_HOST=${STOREFLEET_HOST:-0.0.0.0}         # where `storefleet up` listens
STOREFLEET_PORT=${STOREFLEET_PORT:-8000}
STOREFLEET_URL=${STOREFLEET_URL:-}                  # how this machine reaches the platform
STATE_DIR=${STATE_DIR:-}                            # the platform's state dir (default: per engine)
INGRESS_HTTP_PORT=${INGRESS_HTTP_PORT:-80}
INGRESS_HTTPS_PORT=${INGRESS_HTTPS_PORT:-443}
INGRESS_NGINX_VERSION=${INGRESS_NGINX_VERSION:-controller-v1.14.3}
INGRESS_NGINX_MANIFEST=${INGRESS_NGINX_MANIFEST:-https://raw.githubusercontent.com/kubernetes/ingress-nginx/${INGRESS_NGINX_VERSION}/deploy/static/provider/kind/deploy.yaml}
KIND_NODE_IMAGE=${KIND_NODE_IMAGE:-}                # e.g. kindest/node:v1.35.0@sha256:...; empty: kind's default
WAIT_TIMEOUT=${WAIT_TIMEOUT:-300s}                  # for each rollout / reconcile wait
PLATFORM_WAIT_S=${PLATFORM_WAIT_S:-900}             # how long kind-*.sh waits for the platform

# Fixed by the platform and its fleet-repo template: the install manifests and the bootstrap files
# name these namespaces and objects.
FLUX_NAMESPACE=flux-system
FLUX_SOURCE=fleet
ARGOCD_NAMESPACE=argocd
ARGOCD_ROOT_APP=storefleet-tenants
CHART_DIR=charts/ecommerce-store

ENGINE=
BOOTSTRAP_FILES=()
PUBLIC_URL=${PUBLIC_URL:-}
PUBLIC_URL_SOURCE=
FLEET_CLONE=
LC_TMP=

# ---- output ----------------------------------------------------------------------------------------

if [[ -t 1 ]]; then
    _LC_BOLD=$'\033[1m' _LC_OFF=$'\033[0m'
else
    _LC_BOLD='' _LC_OFF=''
fi

step() { printf '\n%s==> %s%s\n' "$_LC_BOLD" "$*" "$_LC_OFF"; }
info() { printf '    %s\n' "$@"; }
warn() {
    printf '%sWARNING:%s %s\n' "$_LC_BOLD" "$_LC_OFF" "$1" >&2
    shift
    if (($# > 0)); then printf '         %s\n' "$@" >&2; fi
}
die() {
    printf '%sERROR:%s %s\n' "$_LC_BOLD" "$_LC_OFF" "$1" >&2
    shift
    if (($# > 0)); then printf '       %s\n' "$@" >&2; fi
    exit 1
}

# ---- settings ----------------------------------------------------------------------------------------

# The kind-*.sh options: --state-dir DIR (sets STATE_DIR), --no-wait (NO_WAIT=1), -h/--help (the
# caller's `usage`).
parse_bootstrap_args() {
    NO_WAIT=0
    while (($# > 0)); do
        case $1 in
            --state-dir)
                [[ $# -ge 2 ]] || die "--state-dir needs a directory."
                STATE_DIR=$2
                shift 2
                ;;
            --no-wait)
                NO_WAIT=1
                shift
                ;;
            -h | --help)
                usage
                exit 0
                ;;
            *) die "Unknown argument '$1' (see --help)." ;;
        esac
    done
}

default_state_dir() { printf '%s/storefleet-kind-%s' "${XDG_STATE_HOME:-$HOME/.local/state}" "$1"; }

# set_engine flux|argocd: the engine's bootstrap files and default state dir.
set_engine() {
    case $1 in
        flux) BOOTSTRAP_FILES=(fleet-source.yaml tenants.yaml) ;;
        argocd) BOOTSTRAP_FILES=(projects.yaml tenants.yaml) ;;
        *) die "Unknown GitOps engine '$1': use flux or argocd." ;;
    esac
    ENGINE=$1
    STATE_DIR=${STATE_DIR:-$(default_state_dir "$ENGINE")}
}

lc_derive() {
    STOREFLEET_URL=${STOREFLEET_URL:-http://127.0.0.1:${STOREFLEET_PORT}}
    STOREFLEET_URL=${STOREFLEET_URL%/}
    KIND_CONTEXT=kind-${KIND_CLUSTER_NAME}
    KIND_NODE=${KIND_CLUSTER_NAME}-control-plane
    export KIND_CLUSTER_NAME
}

lc_tmp() {
    if [[ -z $LC_TMP ]]; then
        LC_TMP=$(mktemp -d "${TMPDIR:-/tmp}/storefleet-kind.XXXXXX")
        trap 'rm -rf -- "$LC_TMP"' EXIT
    fi
}

# ---- prerequisites -----------------------------------------------------------------------------------

# need COMMAND HINT...: fail with the hint unless COMMAND is on PATH.
need() {
    local cmd=$1
    shift
    command -v "$cmd" >/dev/null 2>&1 || die "'$cmd' is not installed (or not on PATH)." "$@"
}

need_docker() {
    need docker "Install Docker Engine (Linux) or Docker Desktop (macOS, Windows)."
    docker info >/dev/null 2>&1 ||
        die "Docker is installed but its daemon does not answer ('docker info' failed)." \
            "Start Docker (Docker Desktop), and on Linux check that your user may use it (the docker group)."
}

need_kind() {
    need kind "Install kind v0.24 or newer: 'go install sigs.k8s.io/kind@latest', 'brew install kind'," \
        "or a release binary of kubernetes-sigs/kind."
    local version
    version=$(kind version 2>/dev/null | awk '{print $2}')
    if [[ $version == v0.* ]] && [[ $(printf '%s\n' v0.24.0 "$version" | sort -V 2>/dev/null | head -n 1) == "$version" ]] &&
        [[ $version != v0.24.0 ]]; then
        warn "kind $version is older than v0.24.0, which this recipe was written for; upgrade if cluster creation fails."
    fi
}

need_kubectl() {
    need kubectl "Install kubectl (within one minor version of the cluster's Kubernetes)."
}

need_common_tools() {
    need git "Install git."
    need curl "Install curl."
}

# ---- the kind cluster --------------------------------------------------------------------------------

kc() { kubectl --context "$KIND_CONTEXT" "$@"; }

cluster_exists() { kind get clusters 2>/dev/null | grep -Fxq "$KIND_CLUSTER_NAME"; }

create_cluster() {
    step "kind cluster '$KIND_CLUSTER_NAME' (kubectl context $KIND_CONTEXT)"
    if cluster_exists; then
        [[ $(docker inspect --format '{{.State.Running}}' "$KIND_NODE" 2>/dev/null) == true ]] ||
            die "The kind cluster '$KIND_CLUSTER_NAME' exists but its node container $KIND_NODE is not running." \
                "Start it with 'docker start $KIND_NODE', or remove the cluster with teardown.sh and run again."
        info "exists already: kept"
    else
        lc_tmp
        local config=$LC_TMP/kind-config.yaml
        sed -e "s/hostPort: 80\$/hostPort: $INGRESS_HTTP_PORT/" \
            -e "s/hostPort: 443\$/hostPort: $INGRESS_HTTPS_PORT/" \
            "$LC_DIR/kind-config.yaml" >"$config"
        local args=(create cluster --name "$KIND_CLUSTER_NAME" --config "$config" --wait 120s)
        if [[ -n $KIND_NODE_IMAGE ]]; then args+=(--image "$KIND_NODE_IMAGE"); fi
        info "kind ${args[*]}"
        kind "${args[@]}"
    fi
    kc get nodes
}

# refuse_other_engine NAMESPACE NAME: one cluster runs one GitOps engine.
refuse_other_engine() {
    if kc get namespace "$1" >/dev/null 2>&1; then
        die "The cluster '$KIND_CLUSTER_NAME' already runs $2 (namespace $1 exists)." \
            "One cluster runs one engine: remove it with teardown.sh first, or pick another" \
            "KIND_CLUSTER_NAME (with other INGRESS_HTTP_PORT / INGRESS_HTTPS_PORT, as 80/443 are taken)."
    fi
}

install_ingress_nginx() {
    step "ingress-nginx ($INGRESS_NGINX_VERSION, kind flavour: hostPorts 80/443 on the ingress-ready node)"
    if kc -n ingress-nginx get deployment ingress-nginx-controller >/dev/null 2>&1; then
        info "installed already: kept"
    else
        kc apply -f "$INGRESS_NGINX_MANIFEST"
    fi
    kc -n ingress-nginx rollout status deployment/ingress-nginx-controller --timeout="$WAIT_TIMEOUT"
}

write_kubeconfig() {
    step "kubeconfig for the platform's watcher: $STATE_DIR/kubeconfig"
    mkdir -p "$STATE_DIR"
    (
        umask 077
        kind get kubeconfig --name "$KIND_CLUSTER_NAME" >"$STATE_DIR/kubeconfig.new"
    )
    mv -f "$STATE_DIR/kubeconfig.new" "$STATE_DIR/kubeconfig"
    info "written (API server on $(awk '$1 == "server:" {print $2; exit}' "$STATE_DIR/kubeconfig"))"
}

# ---- how the cluster reaches the platform -------------------------------------------------------------

# The IPv4 gateway of the `kind` docker network (this machine, as the kind nodes see it), or nothing.
kind_gateway() {
    local gateway
    gateway=$(docker network inspect kind --format '{{range .IPAM.Config}}{{.Gateway}} {{end}}' 2>/dev/null |
        tr ' ' '\n' | grep -E '^[0-9]+(\.[0-9]+){3}$' | head -n 1 || true)
    if [[ -z $gateway ]] && docker inspect "$KIND_NODE" >/dev/null 2>&1; then
        gateway=$(docker exec "$KIND_NODE" ip -4 route show default 2>/dev/null | awk '{print $3; exit}' || true)
    fi
    printf '%s' "$gateway"
}

# Sets PUBLIC_URL (kept as given when set): the platform's address as the kind nodes see it.
resolve_public_url() {
    if [[ -n $PUBLIC_URL ]]; then
        PUBLIC_URL=${PUBLIC_URL%/}
        PUBLIC_URL_SOURCE="set in the environment"
        return 0
    fi
    local os host
    os=$(docker info --format '{{.OperatingSystem}}' 2>/dev/null || true)
    if [[ $os == *"Docker Desktop"* ]]; then
        host=host.docker.internal
        PUBLIC_URL_SOURCE="Docker Desktop: host.docker.internal"
    elif [[ $(uname -s) == Linux ]]; then
        host=$(kind_gateway)
        [[ -n $host ]] ||
            die "Cannot find the gateway of the 'kind' docker network, so cannot tell how the cluster reaches this machine." \
                "That network appears with the first kind cluster: run kind-flux.sh or kind-argocd.sh first," \
                "or set PUBLIC_URL=http://<an address of this machine the containers reach>:$STOREFLEET_PORT."
        PUBLIC_URL_SOURCE="gateway of the 'kind' docker network"
    else
        die "Docker here is neither Docker Desktop nor on Linux ($os): cannot guess how the kind nodes reach this machine." \
            "Set PUBLIC_URL=http://<an address of this machine the containers reach>:$STOREFLEET_PORT and run again."
    fi
    PUBLIC_URL=http://$host:$STOREFLEET_PORT
}

# ---- the platform ------------------------------------------------------------------------------------

platform_up() { curl -fsS -o /dev/null --max-time 3 "$STOREFLEET_URL/api/v1/health/live" 2>/dev/null; }

# Sets FLEET_GIT_HTTP_PUSH_TOKEN: from the environment, else from $STATE_DIR/git-push-token (made once).
ensure_push_token() {
    local file=$STATE_DIR/git-push-token
    if [[ -n ${FLEET_GIT_HTTP_PUSH_TOKEN:-} ]]; then
        # shellcheck disable=SC2016 # printed as is: the variable is in the user's environment
        PUSH_TOKEN_SHOWN='"$FLEET_GIT_HTTP_PUSH_TOKEN"'
        return 0
    fi
    if [[ ! -s $file ]]; then
        mkdir -p "$STATE_DIR"
        (
            umask 077
            od -An -N24 -tx1 /dev/urandom | tr -d ' \n' >"$file.new"
        )
        mv -f "$file.new" "$file"
    fi
    FLEET_GIT_HTTP_PUSH_TOKEN=$(<"$file")
    PUSH_TOKEN_SHOWN="\"\$(cat '$file')\""
}

# Sets STOREFLEET_BIN: the checkout's .venv, else `storefleet` on PATH, else empty (use `make up`).
find_storefleet() {
    if [[ -n ${STOREFLEET_BIN:-} ]]; then return 0; fi
    if [[ -x $REPO_ROOT/.venv/bin/storefleet ]]; then
        STOREFLEET_BIN=$REPO_ROOT/.venv/bin/storefleet
    elif command -v storefleet >/dev/null 2>&1; then
        STOREFLEET_BIN=$(command -v storefleet)
    else
        STOREFLEET_BIN=
    fi
}

# Prints the `storefleet up` command line of this recipe, environment included (after ensure_push_token).
print_raw_up_command() {
    find_storefleet
    local run
    if [[ -n $STOREFLEET_BIN ]]; then
        run="$STOREFLEET_BIN up --host $STOREFLEET_HOST --port $STOREFLEET_PORT --state-dir '$STATE_DIR'"
    else
        run="make -C '$REPO_ROOT' up HOST=$STOREFLEET_HOST PORT=$STOREFLEET_PORT UP_ARGS=\"--state-dir $STATE_DIR\""
    fi
    cat <<EOF
    GITOPS_ENGINE=$ENGINE CLUSTER_NAME=$CLUSTER_NAME FLEET_BRANCH=$FLEET_BRANCH \\
    VALUES_PROFILE=local STORE_DOMAIN=${STORE_DOMAIN:-localhost} \\
    PUBLIC_URL=$PUBLIC_URL \\
    FLEET_GIT_HTTP_PUSH_TOKEN=$PUSH_TOKEN_SHOWN \\
    KUBECONFIG='$STATE_DIR/kubeconfig' KUBE_CONTEXT=$KIND_CONTEXT \\
    $run
EOF
}

# Prints how to start the platform for this recipe: the script, and what it runs.
print_up_command() {
    printf '    %s\n  which runs:\n' "$LC_DIR/start-platform.sh $ENGINE"
    print_raw_up_command
}

# wait_for_platform NO_WAIT: return once the platform answers; explain how to start it meanwhile.
wait_for_platform() {
    if platform_up; then return 0; fi
    step "the platform does not answer at $STOREFLEET_URL yet: start it in another terminal"
    print_up_command
    if [[ $1 == 1 ]]; then
        printf '\nThen run this script again: it keeps what is done and carries on from here.\n'
        exit 0
    fi
    info "" "Waiting up to ${PLATFORM_WAIT_S}s for it (Ctrl-C is safe: run this script again later)..."
    local waited=0
    until platform_up; do
        if ((waited >= PLATFORM_WAIT_S)); then
            die "The platform did not answer at $STOREFLEET_URL within ${PLATFORM_WAIT_S}s." \
                "Start it as shown above, then run this script again."
        fi
        sleep 3
        waited=$((waited + 3))
    done
    info "the platform answers"
}

# warn_if_no_watcher: the platform's health says whether it has the cluster (KUBECONFIG) or not.
warn_if_no_watcher() {
    local status
    status=$(curl -sS --max-time 5 "$STOREFLEET_URL/api/v1/health" 2>/dev/null |
        python3 -c 'import json, sys
print(json.load(sys.stdin).get("checks", {}).get("cluster", {}).get("status", "absent"))' 2>/dev/null || true)
    case $status in
        "" | absent | not_configured)
            warn "The platform reports no cluster connection (health check 'cluster': ${status:-unreadable})." \
                "Stores then stay in 'provisioning'. Restart it (Ctrl-C, then $LC_DIR/start-platform.sh $ENGINE):" \
                "that passes KUBECONFIG=$STATE_DIR/kubeconfig, which turns its cluster watcher on."
            ;;
        *) info "platform's cluster check: $status" ;;
    esac
}

# ---- the fleet repo ----------------------------------------------------------------------------------

# The repo URLs written in bootstrap files (read on stdin), one a line.
baked_urls() { awk '$1 == "url:" || $1 == "repoURL:" {print $2}' | sort -u; }

# check_repo_urls URL...: the bootstrap's repo URL must be the one the cluster can reach.
check_repo_urls() {
    local expected=$PUBLIC_URL/git/fleet.git url
    if (($# == 0)); then die "No repo URL found in clusters/$CLUSTER_NAME/ of the fleet repo."; fi
    for url in "$@"; do
        if [[ $url != "$expected" ]]; then
            die "The fleet repo's bootstrap points the cluster at $url," \
                "but the kind nodes reach this machine at $PUBLIC_URL ($PUBLIC_URL_SOURCE)." \
                "storefleet up writes <PUBLIC_URL>/git/fleet.git into clusters/$CLUSTER_NAME/ once, when it first" \
                "creates $STATE_DIR/fleet.git: this repo was made with another PUBLIC_URL (plain 'make up'" \
                "uses 127.0.0.1, which the cluster cannot reach). Either start over: stop the platform, run" \
                "'$LC_DIR/teardown.sh --purge --engine $ENGINE', then kind-$ENGINE.sh and start-platform.sh again;" \
                "or, if $url is reachable from the cluster, run again with PUBLIC_URL=${url%/git/fleet.git}."
        fi
    done
}

# Clones the served fleet repo into $FLEET_CLONE (a fresh temporary clone on every run).
clone_fleet_repo() {
    lc_tmp
    FLEET_CLONE=$LC_TMP/fleet
    rm -rf -- "$FLEET_CLONE"
    git clone --quiet --branch "$FLEET_BRANCH" "$STOREFLEET_URL/git/fleet.git" "$FLEET_CLONE" ||
        die "Could not clone $STOREFLEET_URL/git/fleet.git." \
            "The platform serves its own fleet repo only when FLEET_REPO_URL is unset."
    git -C "$FLEET_CLONE" config user.name "${GIT_AUTHOR_NAME:-storefleet local recipe}"
    git -C "$FLEET_CLONE" config user.email "${GIT_AUTHOR_EMAIL:-storefleet@localhost}"
    info "cloned $STOREFLEET_URL/git/fleet.git at $(git -C "$FLEET_CLONE" rev-parse --short HEAD)"
}

check_bootstrap_files() {
    local dir=$FLEET_CLONE/clusters/$CLUSTER_NAME file
    for file in "${BOOTSTRAP_FILES[@]}"; do
        [[ -f $dir/$file ]] ||
            die "The fleet repo has no clusters/$CLUSTER_NAME/$file." \
                "The platform at $STOREFLEET_URL was started for another engine (GITOPS_ENGINE) or another" \
                "CLUSTER_NAME than $ENGINE / $CLUSTER_NAME; each engine has its own state dir ($STATE_DIR here)."
    done
    local urls=() url
    while IFS= read -r url; do urls+=("$url"); done < <(cat "$dir"/*.yaml | baked_urls)
    check_repo_urls ${urls[@]+"${urls[@]}"}
    info "clusters/$CLUSTER_NAME/ (${BOOTSTRAP_FILES[*]}) points at $PUBLIC_URL/git/fleet.git"
}

check_cluster_reaches_repo() {
    step "the cluster reaches the fleet repo at $PUBLIC_URL/git/fleet.git"
    if ! docker exec "$KIND_NODE" sh -c 'command -v curl' >/dev/null 2>&1; then
        warn "No curl in the node image: not checked (see Troubleshooting if the source never gets ready)."
        return 0
    fi
    if docker exec "$KIND_NODE" curl -fsS -o /dev/null --max-time 10 \
        "$PUBLIC_URL/git/fleet.git/info/refs?service=git-upload-pack"; then
        info "ok (checked from the node $KIND_NODE)"
    else
        die "The kind node cannot reach $PUBLIC_URL." \
            "Check that the platform listens on $STOREFLEET_HOST rather than 127.0.0.1, and that no firewall drops" \
            "traffic from the kind network to port $STOREFLEET_PORT (docs/local-cluster.md, Troubleshooting)."
    fi
}

# git with the push token as the basic-auth password, kept out of the command line and of the URL.
git_with_push_token() {
    local auth
    auth=$(printf 'storefleet:%s' "${FLEET_GIT_HTTP_PUSH_TOKEN:-}" | base64 | tr -d '\n')
    GIT_TERMINAL_PROMPT=0 GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=http.extraHeader \
        GIT_CONFIG_VALUE_0="Authorization: Basic $auth" git "$@"
}

# Pushes $FLEET_CLONE's HEAD to the branch: over HTTP with the push token, else straight into the
# local bare repo; rebases on a store commit the platform pushed meanwhile.
push_fleet_clone() {
    local target attempt
    for attempt in 1 2 3; do
        if git_with_push_token -C "$FLEET_CLONE" push --quiet origin "HEAD:refs/heads/$FLEET_BRANCH" 2>/dev/null; then
            info "pushed to $STOREFLEET_URL/git/fleet.git"
            return 0
        fi
        target=$STATE_DIR/fleet.git
        if [[ -f $target/HEAD ]] && git -C "$FLEET_CLONE" push --quiet "$target" "HEAD:refs/heads/$FLEET_BRANCH"; then
            info "pushed into $target (the platform was started without this push token)"
            return 0
        fi
        info "push refused (attempt $attempt): rebasing on the branch and trying again"
        git -C "$FLEET_CLONE" pull --quiet --rebase origin "$FLEET_BRANCH"
    done
    die "Could not push to the fleet repo." \
        "Start the platform with start-platform.sh (it sets FLEET_GIT_HTTP_PUSH_TOKEN), or run this script" \
        "with the STATE_DIR the platform uses."
}

chart_version() { awk '$1 == "version:" {print $2; exit}' "$1/Chart.yaml"; }

# The stores' HelmReleases / Applications take the chart from charts/ecommerce-store in the fleet
# repo: vendor helm/ecommerce-store there in one commit when it is missing.
ensure_chart_vendored() {
    step "the store chart in the fleet repo ($CHART_DIR)"
    if [[ -f $FLEET_CLONE/$CHART_DIR/Chart.yaml ]]; then
        info "present (version $(chart_version "$FLEET_CLONE/$CHART_DIR")): kept"
        return 0
    fi
    local version
    version=$(chart_version "$REPO_ROOT/helm/ecommerce-store")
    info "missing: vendoring helm/ecommerce-store $version in one commit (it touches only charts/)"
    mkdir -p "$FLEET_CLONE/charts"
    cp -R "$REPO_ROOT/helm/ecommerce-store" "$FLEET_CLONE/charts/"
    git -C "$FLEET_CLONE" add charts
    git -C "$FLEET_CLONE" commit --quiet -m "chart: ecommerce-store $version"
    push_fleet_clone
}

apply_bootstrap() {
    step "bootstrap: kubectl apply clusters/$CLUSTER_NAME/ (applied once by hand; the engine then follows the repo)"
    local file
    for file in "${BOOTSTRAP_FILES[@]}"; do
        kc apply -f "$FLEET_CLONE/clusters/$CLUSTER_NAME/$file"
    done
}
