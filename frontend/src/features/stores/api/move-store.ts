import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "@/lib/api/client";
import { backoffInterval } from "@/lib/polling";
import { storeKeys } from "./keys";

export type StoreMove = Schemas["StoreMoveOut"];
export type Cluster = Schemas["ClusterOut"];

const IN_FLIGHT: ReadonlySet<StoreMove["stage"]> = new Set(["backing_up", "restoring", "starting"]);

export function moveInFlight(move: StoreMove | null | undefined): boolean {
  return Boolean(move && IN_FLIGHT.has(move.stage));
}

/** The store's latest move to another cluster; null when it was never moved. */
export async function getStoreMove(storeId: string): Promise<StoreMove | null> {
  const move = await unwrap(api.GET("/api/v1/stores/{store_id}/move", { params: { path: { store_id: storeId } } }));
  return move ?? null;
}

/** Followed while the move is in flight: its stage and message change as the watcher carries it on. */
export function useStoreMove(storeId: string) {
  return useQuery({
    queryKey: storeKeys.move(storeId),
    queryFn: () => getStoreMove(storeId),
    refetchInterval: (query) => {
      const move = query.state.data;
      return backoffInterval(query, move && moveInFlight(move) ? `${move.id}:${move.stage}` : null);
    },
  });
}

/** The registered clusters (admins only), for the choice of a target. */
export function useClusters(enabled: boolean) {
  return useQuery({
    queryKey: storeKeys.clusters(),
    queryFn: () => unwrap(api.GET("/api/v1/clusters")),
    enabled,
  });
}

export function moveStore(storeId: string, cluster: string): Promise<StoreMove> {
  return unwrap(
    api.POST("/api/v1/stores/{store_id}/move", { params: { path: { store_id: storeId } }, body: { cluster } }),
  );
}

export function useMoveStore() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ storeId, cluster }: { storeId: string; cluster: string }) => moveStore(storeId, cluster),
    onSuccess: (move, { storeId }) => {
      queryClient.setQueryData(storeKeys.move(storeId), move);
      return queryClient.invalidateQueries({ queryKey: storeKeys.events(storeId) });
    },
  });
}
