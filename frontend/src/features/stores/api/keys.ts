import type { StoreFilters } from "./list-stores";

/** Query keys of the stores feature, in one place so mutations invalidate exactly what they change. */
export const storeKeys = {
  all: ["stores"] as const,
  lists: () => [...storeKeys.all, "list"] as const,
  list: (filters: StoreFilters) => [...storeKeys.lists(), filters] as const,
  detail: (id: string) => [...storeKeys.all, "detail", id] as const,
  history: (id: string) => [...storeKeys.all, "history", id] as const,
  events: (id: string) => [...storeKeys.all, "events", id] as const,
  resources: (id: string) => [...storeKeys.all, "resources", id] as const,
  rollbackPreview: (id: string, sha: string) => [...storeKeys.all, "rollback-preview", id, sha] as const,
  templates: () => [...storeKeys.all, "templates"] as const,
  backupsEnabled: (id: string) => [...storeKeys.all, "backups-enabled", id] as const,
  move: (id: string) => [...storeKeys.all, "move", id] as const,
  clusters: () => [...storeKeys.all, "clusters"] as const,
};
