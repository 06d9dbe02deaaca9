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
  "restoring",
  "deleting",
]);

export const STATUS_LABELS: Record<StoreStatus, string> = {
  requested: "Requested",
  pending_approval: "Awaiting approval",
  provisioning: "Provisioning",
  ready: "Ready",
  degraded: "Degraded",
  updating: "Updating",
  restoring: "Restoring",
  failed: "Failed",
  deleting: "Deleting",
  deleted: "Deleted",
};

export const STATUS_TONES: Record<StoreStatus, BadgeTone> = {
  requested: "info",
  pending_approval: "warning",
  provisioning: "info",
  ready: "success",
  degraded: "warning",
  updating: "info",
  restoring: "info",
  failed: "danger",
  deleting: "warning",
  deleted: "neutral",
};

export const ENGINE_LABELS: Record<Engine, string> = { woocommerce: "WooCommerce", medusa: "MedusaJS" };

export function isTransitional(status: StoreStatus): boolean {
  return TRANSITIONAL_STATUSES.has(status);
}

/** A rotation of the admin password the platform is still carrying out (it changes no status). */
export function rotationInProgress(store: Store): boolean {
  const state = store.credentials_rotation?.state;
  return state === "requested" || state === "running";
}

/** The desired state (update, rollback) may change in every live status: a converging store then
 *  converges towards the newest change. A store being restored, deleted, or gone refuses. */
export function acceptsChanges(status: StoreStatus): boolean {
  return status !== "deleting" && status !== "deleted" && status !== "restoring";
}

export type StoreLinks = { storefront: string; admin: string | null };

/** The store's URLs once it is installed: the shop, and its admin (WordPress's, or Medusa's dashboard). */
export function storeLinks(store: Store): StoreLinks | null {
  // a degraded store is installed too: its shop may misbehave, its admin is where to look
  if ((store.status !== "ready" && store.status !== "degraded") || !store.store_url) return null;
  return { storefront: store.store_url, admin: store.admin_url ?? null };
}
