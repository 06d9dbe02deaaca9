#!/usr/bin/env bash
# The storefleet loop on a laptop with kind + Argo CD (docs/local-cluster.md). Safe to run again:
# every step keeps what is already there.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

ARGOCD_VERSION=${ARGOCD_VERSION:-v3.5.1}
ARGOCD_MANIFEST=${ARGOCD_MANIFEST:-https://raw.githubusercontent.com/argoproj/argo-cd/${ARGOCD_VERSION}/manifests/install.yaml}

usage() {
    cat <<EOF
Usage: $(basename "$0") [--state-dir DIR] [--no-wait] [--help]

Creates (or reuses) the kind cluster '$KIND_CLUSTER_NAME' with ingress-nginx and Argo CD, writes the
kubeconfig the platform's watcher uses, then, once 'storefleet up' answers (start it with
start-platform.sh argocd; the script waits for it), applies the fleet repo's bootstrap
(clusters/<CLUSTER_NAME>/projects.yaml and tenants.yaml) and waits for the root Application
$ARGOCD_ROOT_APP to sync.

Options:
  --state-dir DIR   the platform's state dir (default: \$XDG_STATE_HOME/storefleet-kind-argocd,
                    i.e. ~/.local/state/storefleet-kind-argocd)
  --no-wait         do not wait for the platform: print how to start it and stop
  -h, --help        this help

Environment (defaults in brackets):
  KIND_CLUSTER_NAME [storefleet]   CLUSTER_NAME [local]   FLEET_BRANCH [main]
  STOREFLEET_HOST [0.0.0.0]   STOREFLEET_PORT [8000]   STOREFLEET_URL [http://127.0.0.1:\$STOREFLEET_PORT]
  PUBLIC_URL [found from Docker: the 'kind' network gateway on Linux, host.docker.internal on Docker Desktop]
  ARGOCD_VERSION [$ARGOCD_VERSION]   INGRESS_NGINX_VERSION [controller-v1.14.3]   KIND_NODE_IMAGE [kind's]
  INGRESS_HTTP_PORT [80]   INGRESS_HTTPS_PORT [443]   WAIT_TIMEOUT [300s]   PLATFORM_WAIT_S [900]
EOF
}

parse_bootstrap_args "$@"
set_engine argocd
lc_derive

step "prerequisites"
need_docker
need_kind
need_kubectl
need_common_tools
info "docker, kind $(kind version | awk '{print $2}'), kubectl, git, curl (the argocd CLI is optional)"

create_cluster
refuse_other_engine "$FLUX_NAMESPACE" "Flux"
install_ingress_nginx

step "Argo CD $ARGOCD_VERSION in namespace $ARGOCD_NAMESPACE (upstream install manifest)"
if kc -n "$ARGOCD_NAMESPACE" get deployment argocd-server >/dev/null 2>&1; then
    info "installed already: kept"
else
    kc create namespace "$ARGOCD_NAMESPACE" --dry-run=client -o yaml | kc apply -f -
    # Server-side: some Argo CD CRDs are too big for client-side apply's last-applied annotation.
    kc apply --namespace "$ARGOCD_NAMESPACE" --server-side --force-conflicts -f "$ARGOCD_MANIFEST"
fi
kc -n "$ARGOCD_NAMESPACE" wait deployment --all --for=condition=Available --timeout="$WAIT_TIMEOUT"
kc -n "$ARGOCD_NAMESPACE" rollout status statefulset/argocd-application-controller --timeout="$WAIT_TIMEOUT"

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

step "Argo CD follows the repo: root Application $ARGOCD_ROOT_APP"
kc -n "$ARGOCD_NAMESPACE" annotate application "$ARGOCD_ROOT_APP" argocd.argoproj.io/refresh=normal --overwrite
if ! kc -n "$ARGOCD_NAMESPACE" wait "application/$ARGOCD_ROOT_APP" \
    --for=jsonpath='{.status.sync.status}'=Synced --timeout="$WAIT_TIMEOUT"; then
    kc -n "$ARGOCD_NAMESPACE" get application "$ARGOCD_ROOT_APP" -o jsonpath='{.status.conditions}{"\n"}' >&2 || true
    die "The root Application $ARGOCD_ROOT_APP did not sync (its conditions are above)." \
        "docs/local-cluster.md, Troubleshooting, has the usual causes."
fi
kc -n "$ARGOCD_NAMESPACE" get applications

step "the platform"
warn_if_no_watcher

cat <<EOF

Done: Argo CD in '$KIND_CLUSTER_NAME' follows $PUBLIC_URL/git/fleet.git (branch $FLEET_BRANCH).
Create a store through the API (docs/local-cluster.md, "Create a store"), then watch it:
    kubectl --context $KIND_CONTEXT -n $ARGOCD_NAMESPACE get applications --watch
    kubectl --context $KIND_CONTEXT get pods -A -l storefleet.io/store
Stores answer at http://<name>-<store id without st->.localhost/ once they are ready.
Argo CD's UI (user admin):
    kubectl --context $KIND_CONTEXT -n $ARGOCD_NAMESPACE get secret argocd-initial-admin-secret -o jsonpath='{.data.password}' | base64 -d; echo
    kubectl --context $KIND_CONTEXT -n $ARGOCD_NAMESPACE port-forward svc/argocd-server 8080:443   # then https://localhost:8080
EOF
