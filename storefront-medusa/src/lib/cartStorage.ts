// The cart id survives reloads in localStorage; a stored id the backend no longer knows (deleted,
// completed, other region) is dropped and the next add-to-cart starts a new cart.
import { StoreApiError } from "../api/client";
import type { Cart } from "../api/types";

export const CART_ID_KEY = "storefleet.cartId";

export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export function createCartIdStore(storage: KeyValueStorage | null, key = CART_ID_KEY) {
  return {
    get(): string | null {
      try {
        const value = storage?.getItem(key) ?? null;
        return value && value.startsWith("cart_") ? value : null;
      } catch {
        return null; // storage disabled (private mode): the cart lives for this page only
      }
    },
    set(cartId: string): void {
      try {
        storage?.setItem(key, cartId);
      } catch {
        // as above
      }
    },
    clear(): void {
      try {
        storage?.removeItem(key);
      } catch {
        // as above
      }
    },
  };
}

export type CartIdStore = ReturnType<typeof createCartIdStore>;

/** Whether a cart fetched for a stored id can still be used in this region. */
export function isUsableCart(cart: Cart, regionId: string): boolean {
  return !cart.completed_at && (!cart.region_id || cart.region_id === regionId);
}

/**
 * The cart behind the stored id, or null when there is none or it is stale (the id is then
 * forgotten). Errors other than "not found" propagate: a backend outage must not lose the cart.
 */
export async function rehydrateCart(store: CartIdStore, regionId: string, fetchCart: (id: string) => Promise<Cart>): Promise<Cart | null> {
  const cartId = store.get();
  if (!cartId) return null;
  try {
    const cart = await fetchCart(cartId);
    if (isUsableCart(cart, regionId)) return cart;
  } catch (error) {
    if (!(error instanceof StoreApiError && error.kind === "not-found")) throw error;
  }
  store.clear();
  return null;
}

export function cartItemCount(cart: Cart | null | undefined): number {
  return (cart?.items ?? []).reduce((sum, item) => sum + item.quantity, 0);
}

export function isCartEmpty(cart: Cart | null | undefined): boolean {
  return cartItemCount(cart) === 0;
}

/** Quantities a shopper can pick: at least 1, at most what is in stock (when stock is tracked). */
export function clampQuantity(wanted: number, available: number | null): number {
  const atLeastOne = Math.max(1, Math.floor(Number.isFinite(wanted) ? wanted : 1));
  return available === null ? atLeastOne : Math.min(atLeastOne, Math.max(1, available));
}
