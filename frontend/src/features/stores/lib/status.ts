import type { BadgeTone } from "@/components/ui/badge";
import type { Schemas } from "@/lib/api/client";

export type Store = Schemas["StoreOut"];
export type StoreStatus = Schemas["StoreStatus"];
export type Engine = Schemas["Engine"];

/** api/stores/state_machine.py TRANSITIONAL: the platform or the cluster is still working. */
export const TRANSITIONAL_STATUSES: ReadonlySet<StoreStatus> = new Set([
  "requested",
  "pending_approval",
  "provisioning",
  "updating",
  "deleting",
]);

export const STATUS_LABELS: Record<StoreStatus, string> = {
  requested: "Requested",
  pending_approval: "Awaiting approval",
  provisioning: "Provisioning",
  ready: "Ready",
  updating: "Updating",
  failed: "Failed",
  deleting: "Deleting",
  deleted: "Deleted",
};

export const STATUS_TONES: Record<StoreStatus, BadgeTone> = {
  requested: "info",
  pending_approval: "warning",
  provisioning: "info",
  ready: "success",
  updating: "info",
  failed: "danger",
  deleting: "warning",
  deleted: "neutral",
};

export const ENGINE_LABELS: Record<Engine, string> = { woocommerce: "WooCommerce", medusa: "MedusaJS" };

export function isTransitional(status: StoreStatus): boolean {
  return TRANSITIONAL_STATUSES.has(status);
}

/** The desired state (update, rollback) may change in every live status: a converging store then
 *  converges towards the newest change. Only a store being deleted, or gone, refuses. */
export function acceptsChanges(status: StoreStatus): boolean {
  return status !== "deleting" && status !== "deleted";
}

export type StoreLinks = { storefront: string; admin: string | null };

/** The store's URLs once it is ready. StoreOut does not carry them yet; the API is expected to add
 *  `store_url`/`admin_url`, read here when present so the list lights up without a change. */
export function storeLinks(store: Store): StoreLinks | null {
  const extra = store as Store & { store_url?: string | null; admin_url?: string | null };
  if (store.status !== "ready" || !extra.store_url) return null;
  return { storefront: extra.store_url, admin: extra.admin_url ?? null };
}
