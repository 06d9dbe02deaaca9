// The Store API calls the storefront makes, one function each.
import type { StoreClient } from "./client";
import type {
  Address,
  Cart,
  Collection,
  CompleteCartResult,
  Order,
  PaymentCollection,
  PaymentProvider,
  Product,
  Region,
  ShippingOption,
} from "./types";

const PRODUCT_FIELDS = "*variants.calculated_price,+variants.inventory_quantity,*variants.options,*options,*images,*collection";
// Stock fields too: the in-stock filter runs in the browser.
const LIST_FIELDS =
  "id,title,handle,thumbnail,created_at,collection_id,*variants.calculated_price,+variants.inventory_quantity,+variants.manage_inventory,+variants.allow_backorder";
const CART_FIELDS = "*items,*shipping_methods,*shipping_address,*billing_address,*payment_collection.payment_sessions,+items.total";

export type ProductSort = "newest" | "price-asc" | "price-desc" | "title";

export interface ProductListParams {
  regionId: string;
  q?: string;
  collectionId?: string;
  categoryIds?: string[];
  limit: number;
  offset: number;
  order?: string;
  featuredHandles?: string[];
}

export interface ProductPage {
  products: Product[];
  count: number;
}

export async function listRegions(client: StoreClient): Promise<Region[]> {
  const { regions } = await client.get<{ regions: Region[] }>("/store/regions", { fields: "*countries" });
  return regions;
}

export async function listProducts(client: StoreClient, params: ProductListParams): Promise<ProductPage> {
  const { products, count } = await client.get<{ products: Product[]; count: number }>("/store/products", {
    region_id: params.regionId,
    q: params.q,
    collection_id: params.collectionId ? [params.collectionId] : undefined,
    category_id: params.categoryIds?.length ? params.categoryIds : undefined,
    handle: params.featuredHandles,
    limit: params.limit,
    offset: params.offset,
    order: params.order,
    fields: LIST_FIELDS,
  });
  return { products, count };
}

export async function getProductByHandle(client: StoreClient, handle: string, regionId: string): Promise<Product | null> {
  const { products } = await client.get<{ products: Product[] }>("/store/products", {
    handle,
    region_id: regionId,
    fields: PRODUCT_FIELDS,
    limit: 1,
  });
  return products[0] ?? null;
}

export async function listCollections(client: StoreClient): Promise<Collection[]> {
  const { collections } = await client.get<{ collections: Collection[] }>("/store/collections", { limit: 50 });
  return collections;
}

export async function createCart(client: StoreClient, regionId: string): Promise<Cart> {
  const { cart } = await client.post<{ cart: Cart }>("/store/carts", { region_id: regionId }, { fields: CART_FIELDS });
  return cart;
}

export async function getCart(client: StoreClient, cartId: string): Promise<Cart> {
  const { cart } = await client.get<{ cart: Cart }>(`/store/carts/${encodeURIComponent(cartId)}`, { fields: CART_FIELDS });
  return cart;
}

export async function addLineItem(client: StoreClient, cartId: string, variantId: string, quantity: number): Promise<Cart> {
  const { cart } = await client.post<{ cart: Cart }>(
    `/store/carts/${cartId}/line-items`,
    { variant_id: variantId, quantity },
    { fields: CART_FIELDS },
  );
  return cart;
}

export async function updateLineItem(client: StoreClient, cartId: string, lineId: string, quantity: number): Promise<Cart> {
  const { cart } = await client.post<{ cart: Cart }>(`/store/carts/${cartId}/line-items/${lineId}`, { quantity }, { fields: CART_FIELDS });
  return cart;
}

export async function removeLineItem(client: StoreClient, cartId: string, lineId: string): Promise<Cart> {
  // The delete answer holds the cart as `parent`.
  const { parent } = await client.delete<{ parent: Cart }>(`/store/carts/${cartId}/line-items/${lineId}`, { fields: CART_FIELDS });
  return parent;
}

export interface ContactAndAddress {
  email: string;
  shipping_address: Address;
}

export async function updateCartContact(client: StoreClient, cartId: string, data: ContactAndAddress): Promise<Cart> {
  const { cart } = await client.post<{ cart: Cart }>(
    `/store/carts/${cartId}`,
    { email: data.email, shipping_address: data.shipping_address, billing_address: data.shipping_address },
    { fields: CART_FIELDS },
  );
  return cart;
}

export async function listShippingOptions(client: StoreClient, cartId: string): Promise<ShippingOption[]> {
  const { shipping_options } = await client.get<{ shipping_options: ShippingOption[] }>("/store/shipping-options", { cart_id: cartId });
  return shipping_options;
}

export async function setShippingMethod(client: StoreClient, cartId: string, optionId: string): Promise<Cart> {
  const { cart } = await client.post<{ cart: Cart }>(`/store/carts/${cartId}/shipping-methods`, { option_id: optionId }, { fields: CART_FIELDS });
  return cart;
}

export async function listPaymentProviders(client: StoreClient, regionId: string): Promise<PaymentProvider[]> {
  const { payment_providers } = await client.get<{ payment_providers: PaymentProvider[] }>("/store/payment-providers", { region_id: regionId });
  return payment_providers;
}

/** Payment collection for the cart (reused if the cart has one), then a session with the provider. */
export async function startPayment(client: StoreClient, cart: Cart, providerId: string): Promise<void> {
  let collection: PaymentCollection | null | undefined = cart.payment_collection;
  if (!collection) {
    ({ payment_collection: collection } = await client.post<{ payment_collection: PaymentCollection }>("/store/payment-collections", {
      cart_id: cart.id,
    }));
  }
  const hasSession = collection.payment_sessions?.some((session) => session.provider_id === providerId);
  if (!hasSession) {
    await client.post(`/store/payment-collections/${collection.id}/payment-sessions`, { provider_id: providerId });
  }
}

export async function completeCart(client: StoreClient, cartId: string): Promise<CompleteCartResult> {
  return client.post<CompleteCartResult>(`/store/carts/${cartId}/complete`);
}

export async function getOrder(client: StoreClient, orderId: string): Promise<Order> {
  const { order } = await client.get<{ order: Order }>(`/store/orders/${encodeURIComponent(orderId)}`, {
    fields: "*items,*shipping_address,*shipping_methods",
  });
  return order;
}
