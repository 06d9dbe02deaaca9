#!/usr/bin/env bash
# WooCommerce post-install setup, run by the watcher's Job in the `wordpress:cli` image after the
# store's first healthy install. Idempotent: every step checks before it changes, so a re-run (a
# retried Job, a rollback) converges instead of failing.
#
# Inputs, all mounted (never on a command line, so no password shows in `ps` or in the Job spec):
#   $SETUP_DIR/store.env          non-secret settings rendered by the chart (name, URL, theme, ...)
#   $SETUP_DIR/woocommerce-catalogue.sh
#                                 the store's catalogue template (catalogue.json) as calls to the
#                                 catalogue_* functions below, rendered by the chart
#   $SECRETS_DIR/<key>            the store's credentials Secret as files
#   $WP_PATH                      WordPress core + wp-config.php (reads WORDPRESS_DB_*_FILE env)
#
# The catalogue is rendered to shell by Helm (templates/configmap-setup.yaml) rather than parsed
# here: the wordpress:cli image has no JSON tool for bash, `wp eval-file` PHP could not be checked
# without WooCommerce, and a list of plain `wp wc` calls is what the chart's tests run against a
# recording `wp`. Every value in it is single-quoted with embedded quotes escaped, so catalogue text
# stays data. Products carry no images: WordPress refuses SVG uploads (and WooCommerce's
# `images[].src` sideloading goes through the same check), and the catalogue images are SVGs served
# by the Medusa storefront, which a WooCommerce store does not have.
set -euo pipefail

SETUP_DIR=${SETUP_DIR:-/etc/storefleet/setup}
SECRETS_DIR=${SECRETS_DIR:-/etc/storefleet/credentials}
WP_PATH=${WP_PATH:-/var/www/html}
# shellcheck source=/dev/null
source "$SETUP_DIR/store.env"

log() { printf 'storefleet-setup: %s\n' "$*" >&2; }

wp_args=(--path="$WP_PATH")
# The wordpress:cli image runs as www-data; inside the WordPress container (root) WP-CLI needs this.
if [[ $(id -u) -eq 0 ]]; then wp_args+=(--allow-root); fi
wpc() { wp "${wp_args[@]}" "$@"; }

# 1. Core. The admin password goes to WP-CLI on standard input (--prompt), not as an argument.
if wpc core is-installed; then
  log "WordPress already installed"
else
  log "installing WordPress"
  wpc core install --url="$STORE_URL" --title="$STORE_NAME" --admin_user="$ADMIN_USER" \
    --admin_email="$ADMIN_EMAIL" --skip-email --prompt=admin_password \
    <"$SECRETS_DIR/wordpress-admin-password"
fi
wpc option update blogname "$STORE_NAME"

# 2. WooCommerce at a pinned version.
if ! wpc plugin is-installed woocommerce; then
  wpc plugin install woocommerce --version="$WOOCOMMERCE_VERSION"
fi
wpc plugin is-active woocommerce || wpc plugin activate woocommerce

# 3. Theme (storefront | astra).
wpc theme is-installed "$STORE_THEME" || wpc theme install "$STORE_THEME"
wpc theme is-active "$STORE_THEME" || wpc theme activate "$STORE_THEME"

# 4. Pages, looked up by slug first; the option points WooCommerce at each.
ensure_page() { # slug title content option
  local id
  id=$(wpc post list --post_type=page --name="$1" --post_status=publish --field=ID --format=ids)
  if [[ -z $id ]]; then
    id=$(wpc post create --post_type=page --post_status=publish --post_name="$1" \
      --post_title="$2" --post_content="$3" --porcelain)
  fi
  wpc option update "$4" "$id"
}
ensure_page shop Shop "" woocommerce_shop_page_id
ensure_page cart Cart "[woocommerce_cart]" woocommerce_cart_page_id
ensure_page checkout Checkout "[woocommerce_checkout]" woocommerce_checkout_page_id
ensure_page my-account "My Account" "[woocommerce_my_account]" woocommerce_myaccount_page_id

# 5. Store settings, onboarding done, permalinks.
wpc option update woocommerce_currency "$CURRENCY"
wpc option update woocommerce_currency_pos left
wpc option update woocommerce_default_country "$COUNTRY"
wpc option update woocommerce_store_address "$STORE_ADDRESS"
wpc option update woocommerce_store_city "$STORE_CITY"
wpc option update woocommerce_store_postcode "$STORE_POSTCODE"
wpc option update woocommerce_enable_guest_checkout yes
wpc option update woocommerce_calc_taxes no
wpc option update woocommerce_task_list_hidden yes
wpc option update woocommerce_onboarding_profile '{"completed":true,"skipped":true}' --format=json
wpc rewrite structure '/%postname%/'
wpc rewrite flush

# 6. Cash on Delivery.
wpc option update woocommerce_cod_settings --format=json \
  '{"enabled":"yes","title":"Cash on delivery","description":"Pay with cash upon delivery.","instructions":"Pay with cash upon delivery.","enable_for_methods":[],"enable_for_virtual":"yes"}'

# 7. The catalogue: categories by slug, simple products by SKU, variable products by slug and their
# variations by SKU, so a re-run creates only what is missing. Option titles become the products'
# own (non-taxonomy) attributes; WC-CLI decodes arguments that start with [ or { as JSON.
wcc() { wpc wc "$@" --user="$ADMIN_USER"; }
require_id() { # value what
  if [[ ! $1 =~ ^[0-9]+$ ]]; then log "$2: WooCommerce returned no id (${1:-nothing})"; exit 1; fi
}
declare -A category_ids=()
catalogue_category() { # slug name
  local id
  id=$(wcc product_cat list --slug="$1" --field=id)
  if [[ -z $id ]]; then id=$(wcc product_cat create --name="$2" --slug="$1" --porcelain); fi
  require_id "$id" "category $1"
  category_ids[$1]=$id
}
product_args=()
set_product_args() { # slug name description category
  local category=${category_ids[$4]:-}
  require_id "$category" "category $4 of product $1"
  product_args=(--name="$2" --slug="$1" --description="$3" --status=publish --categories="[{\"id\":$category}]")
}
stock_args=()
set_stock_args() { # stock (empty: not tracked)
  stock_args=()
  if [[ -n $1 ]]; then stock_args=(--manage_stock=true --stock_quantity="$1"); fi
}
catalogue_simple_product() { # slug name description category sku price stock
  local found # assigned apart from `local`, so a failing lookup stops the script (set -e)
  found=$(wcc product list --sku="$5" --field=id)
  if [[ -n $found ]]; then return; fi
  set_product_args "$1" "$2" "$3" "$4"
  set_stock_args "$7"
  wcc product create --type=simple --sku="$5" --regular_price="$6" "${product_args[@]}" "${stock_args[@]}" --porcelain >/dev/null
}
product_id=""
variation_skus=""
catalogue_variable_product() { # slug name description category attributes-json
  product_id=$(wcc product list --slug="$1" --field=id)
  if [[ -z $product_id ]]; then
    set_product_args "$1" "$2" "$3" "$4"
    product_id=$(wcc product create --type=variable --attributes="$5" "${product_args[@]}" --porcelain)
  fi
  require_id "$product_id" "product $1"
  variation_skus=$(wcc product_variation list "$product_id" --field=sku)
}
catalogue_variation() { # sku price stock attributes-json (of the product above)
  if grep -qxF -- "$1" <<<"$variation_skus"; then return; fi
  set_stock_args "$3"
  wcc product_variation create "$product_id" --sku="$1" --regular_price="$2" --attributes="$4" "${stock_args[@]}" \
    --porcelain >/dev/null
}
# shellcheck source=/dev/null
source "$SETUP_DIR/woocommerce-catalogue.sh"
wcc tool run regenerate_product_lookup_tables >/dev/null

# 8. Verify before saying done: the watcher marks the store ready only when this exits 0.
wpc plugin is-active woocommerce
wpc theme is-active "$STORE_THEME"
count=$(wpc post list --post_type=product --post_status=publish --format=count)
if [[ $count -lt 1 ]]; then log "no published product"; exit 1; fi
log "done: $count products, theme $STORE_THEME, $STORE_URL"
