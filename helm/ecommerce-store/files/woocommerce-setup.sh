#!/usr/bin/env bash
# WooCommerce post-install setup, run by the watcher's Job in the `wordpress:cli` image after the
# store's first healthy install. Idempotent: every step checks before it changes, so a re-run (a
# retried Job, a rollback) converges instead of failing.
#
# Inputs, all mounted (never on a command line, so no password shows in `ps` or in the Job spec):
#   $SETUP_DIR/store.env          non-secret settings rendered by the chart (name, URL, theme, ...)
#   $SECRETS_DIR/<key>            the store's credentials Secret as files
#   $WP_PATH                      WordPress core + wp-config.php (reads WORDPRESS_DB_*_FILE env)
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

# 7. Seed products, by SKU so a re-run creates no duplicates.
ensure_product() { # sku name regular_price sale_price stock description
  if [[ -n $(wpc wc product list --sku="$1" --field=id --user="$ADMIN_USER") ]]; then return; fi
  local args=(--name="$2" --sku="$1" --regular_price="$3" --manage_stock=true
    --stock_quantity="$5" --description="$6" --status=publish --user="$ADMIN_USER" --porcelain)
  if [[ -n $4 ]]; then args+=(--sale_price="$4"); fi
  wpc wc product create "${args[@]}" >/dev/null
}
ensure_product TSHIRT-001 "Classic T-Shirt" 24.99 "" 50 "A soft cotton crew-neck tee."
ensure_product HEADPHONES-001 "Wireless Headphones" 79.99 59.99 30 "Over-ear, 30 hours of battery."
ensure_product WALLET-001 "Leather Wallet" 39.99 "" 100 "Full-grain leather, six card slots."
wpc wc tool run regenerate_product_lookup_tables --user="$ADMIN_USER" >/dev/null

# 8. Verify before saying done: the watcher marks the store ready only when this exits 0.
wpc plugin is-active woocommerce
wpc theme is-active "$STORE_THEME"
count=$(wpc post list --post_type=product --post_status=publish --format=count)
if [[ $count -lt 1 ]]; then log "no published product"; exit 1; fi
log "done: $count products, theme $STORE_THEME, $STORE_URL"
