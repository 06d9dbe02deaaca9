#!/usr/bin/env bash
# The storefleet loop on a laptop with kind + Flux (docs/local-cluster.md). Safe to run again: every
# step keeps what is already there.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

usage() {
    cat <<EOF
Usage: $(basename "$0") [--state-dir DIR] [--no-wait] [--help]

Creates (or reuses) the kind cluster '$KIND_CLUSTER_NAME' with ingress-nginx and Flux, writes the
kubeconfig the platform's watcher uses, then, once 'storefleet up' answers (start it with
start-platform.sh flux; the script waits for it), applies the fleet repo's bootstrap
(clusters/<CLUSTER_NAME>/fleet-source.yaml and tenants.yaml) and waits for Flux to follow the repo.

Options:
  --state-dir DIR   the platform's state dir (default: \$XDG_STATE_HOME/storefleet-kind-flux,
                    i.e. ~/.local/state/storefleet-kind-flux)
  --no-wait         do not wait for the platform: print how to start it and stop
  -h, --help        this help

Environment (defaults in brackets):
  KIND_CLUSTER_NAME [storefleet]   CLUSTER_NAME [local]   FLEET_BRANCH [main]
  STOREFLEET_HOST [0.0.0.0]   STOREFLEET_PORT [8000]   STOREFLEET_URL [http://127.0.0.1:\$STOREFLEET_PORT]
  PUBLIC_URL [found from Docker: the 'kind' network gateway on Linux, host.docker.internal on Docker Desktop]
  FLUX_VERSION [the flux CLI's own]   INGRESS_NGINX_VERSION [controller-v1.14.3]   KIND_NODE_IMAGE [kind's]
  INGRESS_HTTP_PORT [80]   INGRESS_HTTPS_PORT [443]   WAIT_TIMEOUT [300s]   PLATFORM_WAIT_S [900]
EOF
}

parse_bootstrap_args "$@"
set_engine flux
lc_derive
FLUX_VERSION=${FLUX_VERSION:-}

flux_() { flux --context "$KIND_CONTEXT" "$@"; }

step "prerequisites"
need_docker
need_kind
need_kubectl
need flux "Install the Flux CLI v2.3 or newer: 'brew install fluxcd/tap/flux', or its install script / release binary."
need_common_tools
info "docker, kind $(kind version | awk '{print $2}'), kubectl, flux $(flux version --client 2>/dev/null | awk '{print $2; exit}'), git, curl"

create_cluster
refuse_other_engine "$ARGOCD_NAMESPACE" "Argo CD"
install_ingress_nginx

step "Flux controllers in $FLUX_NAMESPACE (flux install: no 'flux bootstrap', the served repo is read-only)"
if kc -n "$FLUX_NAMESPACE" get deployment source-controller >/dev/null 2>&1; then
    info "installed already: kept"
else
    flux_ check --pre
    install_args=(install --namespace "$FLUX_NAMESPACE")
    if [[ -n $FLUX_VERSION ]]; then install_args+=(--version "$FLUX_VERSION"); fi
    flux_ "${install_args[@]}"
fi
flux_ check

write_kubeconfig
step "how the cluster reaches the platform"
resolve_public_url
info "PUBLIC_URL=$PUBLIC_URL ($PUBLIC_URL_SOURCE)"
ensure_push_token

wait_for_platform "$NO_WAIT"

step "the fleet repo served by the platform"
clone_fleet_repo
check_bootstrap_files
check_cluster_reaches_repo
ensure_chart_vendored
apply_bootstrap

step "Flux follows the repo: GitRepository $FLUX_SOURCE, then Kustomization tenants"
flux_ reconcile source git "$FLUX_SOURCE" --namespace "$FLUX_NAMESPACE" --timeout "$WAIT_TIMEOUT" ||
    die "The GitRepository $FLUX_SOURCE is not ready." \
        "See: flux get sources git -n $FLUX_NAMESPACE (docs/local-cluster.md, Troubleshooting)."
flux_ reconcile kustomization tenants --namespace "$FLUX_NAMESPACE" --timeout "$WAIT_TIMEOUT" ||
    die "The Kustomization tenants is not ready." \
        "See: flux get kustomizations -n $FLUX_NAMESPACE and flux events -n $FLUX_NAMESPACE."
flux_ get sources git --namespace "$FLUX_NAMESPACE"
flux_ get kustomizations --namespace "$FLUX_NAMESPACE"

step "the platform"
warn_if_no_watcher

cat <<EOF

Done: Flux in '$KIND_CLUSTER_NAME' follows $PUBLIC_URL/git/fleet.git (branch $FLEET_BRANCH).
Create a store through the API (docs/local-cluster.md, "Create a store"), then watch it:
    flux --context $KIND_CONTEXT get helmreleases -A --watch
    kubectl --context $KIND_CONTEXT get pods -A -l storefleet.io/store
Stores answer at http://<name>-<store id without st->.localhost/ once they are ready.
EOF
