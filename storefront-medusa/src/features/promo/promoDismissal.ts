// A dismissed promo stays dismissed across pages and reloads, until the owner changes its text.
import type { KeyValueStorage } from "../../lib/cartStorage";

export const PROMO_DISMISSED_KEY = "storefleet.promoDismissed";
export const DEFAULT_PROMO_TEXT = "Free returns within 30 days";

export function isPromoDismissed(storage: KeyValueStorage | null, text: string): boolean {
  try {
    return storage?.getItem(PROMO_DISMISSED_KEY) === text;
  } catch {
    return false; // storage disabled: the bar shows again on the next page load
  }
}

export function dismissPromo(storage: KeyValueStorage | null, text: string): void {
  try {
    storage?.setItem(PROMO_DISMISSED_KEY, text);
  } catch {
    // as above
  }
}
