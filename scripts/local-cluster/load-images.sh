#!/usr/bin/env bash
# Puts the store images into the kind cluster's node (docs/local-cluster.md, "Images"). The chart
# pulls every image with pullPolicy IfNotPresent, so an image loaded here is used as is. Safe to run
# again.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

VALUES=$REPO_ROOT/helm/ecommerce-store/values.yaml
OWN_PREFIX=ghcr.io/storefleet/

usage() {
    cat <<EOF
Usage: $(basename "$0") [--build] [--public] [--help]

The Medusa backend and storefront images (${OWN_PREFIX}medusa-backend, ${OWN_PREFIX}storefront-medusa)
are not published: build them from storefront-medusa/ and load them into the kind cluster
'$KIND_CLUSTER_NAME'. WooCommerce stores use public images only and need none of this.

Without options: load the two images if Docker has them (built earlier).

Options:
  --build    build them first (docker build of storefront-medusa/backend and storefront-medusa)
  --public   also pull the public images the chart uses (WordPress, MariaDB, PostgreSQL, ...) and
             load them, so that stores start without pulling from the registries
  -h, --help this help

The names and tags come from helm/ecommerce-store/values.yaml. Environment: KIND_CLUSTER_NAME [storefleet].
EOF
}

BUILD=0
PUBLIC=0
while (($# > 0)); do
    case $1 in
        --build)
            BUILD=1
            shift
            ;;
        --public)
            PUBLIC=1
            shift
            ;;
        -h | --help)
            usage
            exit 0
            ;;
        *) die "Unknown argument '$1' (see --help)." ;;
    esac
done
lc_derive

# Every `repository: R, tag: T` of the chart's values, as R:T, one a line.
chart_images() {
    sed -n 's/.*repository: *\([^,}]*\), *tag: *\([^,}]*\).*/\1:\2/p' "$VALUES" | tr -d '"' | sort -u
}

# load IMAGE: into the node; falls back to an archive where `kind load docker-image` cannot read
# the image from Docker's store (multi-platform images under the containerd image store).
load() {
    if kind load docker-image "$1" --name "$KIND_CLUSTER_NAME"; then return 0; fi
    warn "kind load docker-image failed for $1: loading it from an archive instead"
    lc_tmp
    docker save -o "$LC_TMP/image.tar" "$1"
    kind load image-archive "$LC_TMP/image.tar" --name "$KIND_CLUSTER_NAME"
    rm -f "$LC_TMP/image.tar"
}

step "prerequisites"
need_docker
need_kind
cluster_exists || die "No kind cluster '$KIND_CLUSTER_NAME': run kind-flux.sh or kind-argocd.sh first."
[[ -f $VALUES ]] || die "$VALUES not found."

own=()
public=()
while IFS= read -r image; do
    if [[ $image == "$OWN_PREFIX"* ]]; then own+=("$image"); else public+=("$image"); fi
done < <(chart_images)
((${#own[@]} > 0)) || die "No ${OWN_PREFIX}* image found in $VALUES."
info "the chart's own images: ${own[*]}"

if ((BUILD)); then
    for image in "${own[@]}"; do
        case $image in
            "${OWN_PREFIX}medusa-backend:"*) context=$REPO_ROOT/storefront-medusa/backend ;;
            "${OWN_PREFIX}storefront-medusa:"*) context=$REPO_ROOT/storefront-medusa ;;
            *) die "No Dockerfile known for $image." ;;
        esac
        step "docker build $image (context ${context#"$REPO_ROOT"/})"
        [[ -f $context/package.json ]] ||
            die "$context has a Dockerfile but no package.json: the Medusa sources are not in this checkout." \
                "Medusa stores cannot start without these images; WooCommerce stores do not need them."
        docker build -t "$image" "$context"
    done
fi

for image in "${own[@]}"; do
    step "kind load $image"
    if ! docker image inspect "$image" >/dev/null 2>&1; then
        warn "Docker has no image $image: skipped (build it with --build)."
        continue
    fi
    load "$image"
done

if ((PUBLIC)); then
    for image in "${public[@]}"; do
        step "docker pull + kind load $image"
        docker pull --quiet "$image"
        load "$image"
    done
fi

step "images in the node $KIND_NODE"
docker exec "$KIND_NODE" crictl images | awk 'NR == 1 || /storefleet|wordpress|mariadb|postgres|redis|curl/'
