#!/usr/bin/env bash
# Removes what the kind recipe created (docs/local-cluster.md, "Cleanup"). Safe to run again.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

usage() {
    cat <<EOF
Usage: $(basename "$0") [--purge] [--engine flux|argocd|all] [--state-dir DIR] [--help]

Deletes the kind cluster '$KIND_CLUSTER_NAME' (and with it Flux or Argo CD, ingress-nginx, every
store and its volumes). The platform's state dir (database, fleet repo, push token, kubeconfig)
is kept, unless --purge.

Options:
  --purge           also delete the platform's state dir(s): stop 'storefleet up' (Ctrl-C) first
  --engine E        which state dir --purge deletes: flux, argocd or all (default: all)
  --state-dir DIR   delete this state dir instead (with --purge)
  -h, --help        this help

Environment: KIND_CLUSTER_NAME [storefleet], STATE_DIR, XDG_STATE_HOME.
The 'kind' docker network and the images in Docker stay: 'docker network rm kind' and
'docker image prune' remove them.
EOF
}

PURGE=0
ENGINES=(flux argocd)
while (($# > 0)); do
    case $1 in
        --purge)
            PURGE=1
            shift
            ;;
        --engine)
            [[ $# -ge 2 ]] || die "--engine needs flux, argocd or all."
            case $2 in
                flux | argocd) ENGINES=("$2") ;;
                all) ENGINES=(flux argocd) ;;
                *) die "--engine takes flux, argocd or all, not '$2'." ;;
            esac
            shift 2
            ;;
        --state-dir)
            [[ $# -ge 2 ]] || die "--state-dir needs a directory."
            STATE_DIR=$2
            shift 2
            ;;
        -h | --help)
            usage
            exit 0
            ;;
        *) die "Unknown argument '$1' (see --help)." ;;
    esac
done
lc_derive

# in_use DIR: a running `storefleet up` holds an exclusive lock on DIR/up.lock.
in_use() {
    [[ -f $1/up.lock ]] || return 1
    if command -v flock >/dev/null 2>&1; then
        if flock --nonblock "$1/up.lock" true; then return 1; fi
        return 0
    fi
    platform_up
}

# What --purge deletes, checked before anything is deleted.
dirs=()
if ((PURGE)); then
    if [[ -n $STATE_DIR ]]; then
        candidates=("$STATE_DIR")
    else
        candidates=()
        for engine in "${ENGINES[@]}"; do candidates+=("$(default_state_dir "$engine")"); done
    fi
    for dir in "${candidates[@]}"; do
        [[ -e $dir ]] || continue
        if [[ ! -e $dir/fleet.git && ! -e $dir/postgres && ! -e $dir/kubeconfig && ! -e $dir/git-push-token ]]; then
            die "$dir does not look like a storefleet state dir (no fleet.git, postgres, kubeconfig or git-push-token)."
        fi
        if in_use "$dir"; then
            die "A running storefleet up uses $dir: stop it (Ctrl-C) and run this again."
        fi
        dirs+=("$dir")
    done
fi

step "kind cluster '$KIND_CLUSTER_NAME'"
need kind "Nothing to delete without kind."
if cluster_exists; then
    kind delete cluster --name "$KIND_CLUSTER_NAME"
else
    info "not there: nothing to delete"
fi

if ((PURGE == 0)); then
    printf '\nThe platform state is kept: kind-<engine>.sh can bootstrap a new cluster from it (its stores are\n'
    printf 'installed again, with empty volumes). --purge starts from nothing.\n'
    exit 0
fi

step "platform state"
if ((${#dirs[@]} == 0)); then info "no state dir: nothing to delete"; fi
for dir in ${dirs[@]+"${dirs[@]}"}; do
    rm -rf -- "$dir"
    info "deleted $dir"
done
