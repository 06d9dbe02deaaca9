#!/bin/sh
# Writes the storefront's runtime config (/config.json) from the environment when the container
# starts, so one image serves every store. Run by the nginx image's entrypoint (/docker-entrypoint.d)
# and by the end-to-end tests (with STOREFRONT_CONFIG_FILE pointing into the built dist/).
#
#   STORE_NAME                  shown in the header, hero and page titles (required)
#   MEDUSA_BACKEND_URL          the Medusa v2 backend, e.g. https://shop.example.com (required)
#   MEDUSA_PUBLISHABLE_KEY      pk_... sent with every Store API call; or
#   MEDUSA_PUBLISHABLE_KEY_FILE a file holding it (a mounted Secret). nginx also serves that file as
#                               /publishable-key, and the SPA reads it there when the key was not yet
#                               written at start (the Secret appears after the store's setup; the
#                               kubelet fills the mounted file in place, no restart needed).
#                               Neither: the SPA shows "being set up".
#   BRAND_PRIMARY, BRAND_ACCENT hex colours (default #111827, #f59e0b)
#   LOGO_URL                    http(s) URL or /path of the logo (optional)
#   PROMO_TEXT                  the promo bar's text (optional; default "Free returns within 30 days")
#   NEWSLETTER_URL              http(s) URL or /path the newsletter form POSTs {"email": ...} to
#                               (optional; unset: no newsletter form, Medusa has no newsletter service)
#   STOREFRONT_CONFIG_FILE      where to write (default /tmp/storefront/config.json: the root file
#                               system is read-only; nginx serves this file as /config.json)
set -eu

fail() {
  echo "storefront-config: $*" >&2
  exit 1
}

# A JSON string literal: backslashes and quotes escaped, control characters dropped.
json_string() {
  printf '"%s"' "$(printf '%s' "$1" | tr -d '\000-\037' | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g')"
}

key="${MEDUSA_PUBLISHABLE_KEY:-}"
if [ -n "${MEDUSA_PUBLISHABLE_KEY_FILE:-}" ] && [ -r "$MEDUSA_PUBLISHABLE_KEY_FILE" ]; then
  key="$(cat "$MEDUSA_PUBLISHABLE_KEY_FILE")"
fi
key="$(printf '%s' "$key" | tr -d ' \n\r\t')"

[ -n "${STORE_NAME:-}" ] || fail "STORE_NAME must be set"
case "${MEDUSA_BACKEND_URL:-}" in
  http://*|https://*) ;;
  *) fail "MEDUSA_BACKEND_URL must be an http(s) URL" ;;
esac
[ -n "$key" ] || echo "storefront-config: no publishable key yet: the storefront shows that the store is being set up" >&2

target="${STOREFRONT_CONFIG_FILE:-/tmp/storefront/config.json}"
mkdir -p "$(dirname "$target")"
tmp="$target.tmp.$$"
cat > "$tmp" <<JSON
{
  "storeName": $(json_string "$STORE_NAME"),
  "backendUrl": $(json_string "$MEDUSA_BACKEND_URL"),
  "publishableKey": $(json_string "$key"),
  "publishableKeyUrl": $(json_string "${MEDUSA_PUBLISHABLE_KEY_FILE:+/publishable-key}"),
  "brand": {
    "primary": $(json_string "${BRAND_PRIMARY:-#111827}"),
    "accent": $(json_string "${BRAND_ACCENT:-#f59e0b}")
  },
  "logoUrl": $(json_string "${LOGO_URL:-}"),
  "promoText": $(json_string "${PROMO_TEXT:-}"),
  "newsletterUrl": $(json_string "${NEWSLETTER_URL:-}")
}
JSON
mv "$tmp" "$target"
echo "storefront-config: wrote $target for \"$STORE_NAME\" (backend $MEDUSA_BACKEND_URL)" >&2
