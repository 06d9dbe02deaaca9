import { describe, expect, it } from "vitest";
import { StoreApiError } from "../api/client";
import type { Cart } from "../api/types";
import { cartItemCount, clampQuantity, createCartIdStore, isCartEmpty, rehydrateCart, type KeyValueStorage } from "./cartStorage";

function memoryStorage(initial: Record<string, string> = {}): KeyValueStorage & { data: Record<string, string> } {
  const data = { ...initial };
  return {
    data,
    getItem: (key) => data[key] ?? null,
    setItem: (key, value) => {
      data[key] = value;
    },
    removeItem: (key) => {
      delete data[key];
    },
  };
}

const cart = (overrides: Partial<Cart> = {}): Cart => ({ id: "cart_1", currency_code: "usd", region_id: "reg_1", items: [], ...overrides });

describe("cart id store", () => {
  it("keeps, returns and forgets the cart id", () => {
    const storage = memoryStorage();
    const store = createCartIdStore(storage);
    expect(store.get()).toBeNull();
    store.set("cart_abc");
    expect(store.get()).toBe("cart_abc");
    store.clear();
    expect(store.get()).toBeNull();
  });

  it("ignores a value that is not a cart id", () => {
    expect(createCartIdStore(memoryStorage({ "storefleet.cartId": "garbage" })).get()).toBeNull();
  });

  it("survives a storage that throws", () => {
    const throwing: KeyValueStorage = {
      getItem: () => {
        throw new Error("denied");
      },
      setItem: () => {
        throw new Error("denied");
      },
      removeItem: () => {
        throw new Error("denied");
      },
    };
    const store = createCartIdStore(throwing);
    expect(() => store.set("cart_1")).not.toThrow();
    expect(store.get()).toBeNull();
  });
});

describe("rehydrateCart", () => {
  it("returns the stored cart", async () => {
    const store = createCartIdStore(memoryStorage({ "storefleet.cartId": "cart_1" }));
    await expect(rehydrateCart(store, "reg_1", async () => cart())).resolves.toMatchObject({ id: "cart_1" });
  });

  it("forgets an id the backend does not know", async () => {
    const storage = memoryStorage({ "storefleet.cartId": "cart_gone" });
    const result = await rehydrateCart(createCartIdStore(storage), "reg_1", async () => {
      throw new StoreApiError("Cart not found", "not-found", 404);
    });
    expect(result).toBeNull();
    expect(storage.data).toEqual({});
  });

  it("forgets a completed cart and a cart of another region", async () => {
    for (const stale of [cart({ completed_at: "2026-01-01" }), cart({ region_id: "reg_other" })]) {
      const storage = memoryStorage({ "storefleet.cartId": "cart_1" });
      await expect(rehydrateCart(createCartIdStore(storage), "reg_1", async () => stale)).resolves.toBeNull();
      expect(storage.data).toEqual({});
    }
  });

  it("keeps the id when the backend is down", async () => {
    const storage = memoryStorage({ "storefleet.cartId": "cart_1" });
    const down = async (): Promise<Cart> => {
      throw new StoreApiError("unreachable", "network", 0);
    };
    await expect(rehydrateCart(createCartIdStore(storage), "reg_1", down)).rejects.toThrow("unreachable");
    expect(storage.data).toEqual({ "storefleet.cartId": "cart_1" });
  });
});

describe("cart helpers", () => {
  it("counts item quantities", () => {
    const items = [
      { id: "i1", title: "A", thumbnail: null, quantity: 2, unit_price: 5 },
      { id: "i2", title: "B", thumbnail: null, quantity: 3, unit_price: 1 },
    ];
    expect(cartItemCount(cart({ items }))).toBe(5);
    expect(isCartEmpty(cart())).toBe(true);
    expect(isCartEmpty(null)).toBe(true);
  });

  it("clamps quantities to at least one and the stock", () => {
    expect(clampQuantity(0, null)).toBe(1);
    expect(clampQuantity(7, 5)).toBe(5);
    expect(clampQuantity(Number.NaN, 3)).toBe(1);
    expect(clampQuantity(2.7, null)).toBe(2);
  });
});
