/** Query keys of the backups feature, in one place. */
export const backupKeys = {
  all: ["backups"] as const,
  store: (storeId: string) => [...backupKeys.all, "store", storeId] as const,
};
