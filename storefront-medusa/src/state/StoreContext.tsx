// The store's runtime config, its API client and its region, for every page.
import { createContext, useContext, useMemo, type ReactNode } from "react";
import { useQuery } from "@tanstack/react-query";
import { createStoreClient, StoreApiError, type StoreClient } from "../api/client";
import { listRegions } from "../api/store";
import type { Region } from "../api/types";
import type { RuntimeConfig } from "../lib/runtimeConfig";
import { FullPageError } from "../components/FullPageError";
import { Spinner } from "../components/Spinner";

interface StoreContextValue {
  config: RuntimeConfig;
  client: StoreClient;
  region: Region;
}

const StoreContext = createContext<StoreContextValue | null>(null);

export function useStore(): StoreContextValue {
  const value = useContext(StoreContext);
  if (!value) throw new Error("useStore outside StoreProvider");
  return value;
}

function regionErrorPage(error: unknown) {
  if (error instanceof StoreApiError && error.kind === "publishable-key") {
    return (
      <FullPageError title="This store is not available right now" testId="publishable-key-error">
        The store's backend did not accept this storefront's publishable API key. If you run this store, check the
        storefront's <code>MEDUSA_PUBLISHABLE_KEY</code> setting.
        <span className="mt-2 block text-sm text-surface-500">Backend said: {error.message}</span>
      </FullPageError>
    );
  }
  const message = error instanceof Error ? error.message : "Unknown error";
  return (
    <FullPageError title="The store cannot be reached" testId="backend-error">
      Please try again in a moment.
      <span className="mt-2 block text-sm text-surface-500">{message}</span>
    </FullPageError>
  );
}

export function StoreProvider({ config, children }: { config: RuntimeConfig; children: ReactNode }) {
  const client = useMemo(() => createStoreClient({ backendUrl: config.backendUrl, publishableKey: config.publishableKey }), [config]);
  const regions = useQuery({ queryKey: ["regions"], queryFn: () => listRegions(client), staleTime: 10 * 60_000, retry: false });

  if (regions.isPending) return <Spinner label="Loading the store" fullPage />;
  if (regions.isError) return regionErrorPage(regions.error);
  const region = regions.data[0];
  if (!region) {
    return (
      <FullPageError title="This store is not open yet" testId="no-region-error">
        The store has no region to sell in. If you run this store, run its setup.
      </FullPageError>
    );
  }
  return <StoreContext.Provider value={{ config, client, region }}>{children}</StoreContext.Provider>;
}
