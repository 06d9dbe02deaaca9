// The shopper's cart: id in localStorage, data from the Store API through TanStack Query.
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { addLineItem, createCart, getCart, removeLineItem, updateLineItem } from "../api/store";
import type { Cart } from "../api/types";
import { browserStorage } from "../lib/browserStorage";
import { createCartIdStore, rehydrateCart } from "../lib/cartStorage";
import { useStore } from "./StoreContext";

interface CartContextValue {
  cart: Cart | null;
  isLoading: boolean;
  isDrawerOpen: boolean;
  openDrawer(): void;
  closeDrawer(): void;
  addItem(variantId: string, quantity: number): Promise<Cart>;
  setQuantity(lineId: string, quantity: number): Promise<Cart>;
  removeItem(lineId: string): Promise<Cart>;
  replaceCart(cart: Cart): void;
  forgetCart(): void;
  isUpdating: boolean;
}

const CartContext = createContext<CartContextValue | null>(null);
const CART_KEY = ["cart"] as const;

export function useCart(): CartContextValue {
  const value = useContext(CartContext);
  if (!value) throw new Error("useCart outside CartProvider");
  return value;
}

export function CartProvider({ children }: { children: ReactNode }) {
  const { client, region } = useStore();
  const queryClient = useQueryClient();
  const idStore = useMemo(() => createCartIdStore(browserStorage()), []);
  const [isDrawerOpen, setDrawerOpen] = useState(false);

  const cartQuery = useQuery({
    queryKey: CART_KEY,
    queryFn: () => rehydrateCart(idStore, region.id, (id) => getCart(client, id)),
    staleTime: 30_000,
  });

  const replaceCart = useCallback((cart: Cart) => queryClient.setQueryData(CART_KEY, cart), [queryClient]);

  const ensureCart = useCallback(async (): Promise<Cart> => {
    const current = queryClient.getQueryData<Cart | null>(CART_KEY);
    if (current) return current;
    const cart = await createCart(client, region.id);
    idStore.set(cart.id);
    return cart;
  }, [client, idStore, queryClient, region.id]);

  const mutation = useMutation({
    mutationFn: (change: (cart: Cart) => Promise<Cart>) => ensureCart().then(change),
    onSuccess: replaceCart,
  });
  const { mutateAsync } = mutation;

  const value = useMemo<CartContextValue>(
    () => ({
      cart: cartQuery.data ?? null,
      isLoading: cartQuery.isPending,
      isDrawerOpen,
      openDrawer: () => setDrawerOpen(true),
      closeDrawer: () => setDrawerOpen(false),
      addItem: (variantId, quantity) => mutateAsync((cart) => addLineItem(client, cart.id, variantId, quantity)),
      setQuantity: (lineId, quantity) => mutateAsync((cart) => updateLineItem(client, cart.id, lineId, quantity)),
      removeItem: (lineId) => mutateAsync((cart) => removeLineItem(client, cart.id, lineId)),
      replaceCart,
      forgetCart: () => {
        idStore.clear();
        queryClient.setQueryData(CART_KEY, null);
      },
      isUpdating: mutation.isPending,
    }),
    [cartQuery.data, cartQuery.isPending, client, idStore, isDrawerOpen, mutateAsync, mutation.isPending, queryClient, replaceCart],
  );

  return <CartContext.Provider value={value}>{children}</CartContext.Provider>;
}
