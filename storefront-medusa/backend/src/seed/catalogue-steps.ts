// Collections and products (with images and, where tracked, stock at the warehouse), by handle.
import type { ExecArgs } from "@medusajs/framework/types";
import { ContainerRegistrationKeys, Modules, ProductStatus } from "@medusajs/framework/utils";
import { createCollectionsWorkflow, createInventoryLevelsWorkflow, createProductsWorkflow } from "@medusajs/medusa/core-flows";
import { COLLECTIONS, PRODUCTS, type SeedProduct } from "./catalogue";

type Container = ExecArgs["container"];

interface CatalogueInput {
  currency: string;
  imageBaseUrl: string;
  salesChannelId: string;
  stockLocationId: string;
  shippingProfileId: string;
}

async function ensureCollections(container: Container): Promise<Map<string, string>> {
  const products = container.resolve(Modules.PRODUCT);
  const handles = COLLECTIONS.map((collection) => collection.handle);
  const existing = await products.listProductCollections({ handle: handles });
  const missing = COLLECTIONS.filter((collection) => !existing.some((found) => found.handle === collection.handle));
  if (missing.length > 0) {
    const { result } = await createCollectionsWorkflow(container).run({ input: { collections: missing } });
    existing.push(...result);
  }
  return new Map(existing.map((collection) => [collection.handle, collection.id]));
}

function productInput(product: SeedProduct, input: CatalogueInput, collections: Map<string, string>) {
  const images = product.images.map((file) => ({ url: `${input.imageBaseUrl}/${file}` }));
  return {
    title: product.title,
    handle: product.handle,
    description: product.description,
    status: ProductStatus.PUBLISHED,
    collection_id: collections.get(product.collection),
    shipping_profile_id: input.shippingProfileId,
    thumbnail: images[0]?.url,
    images,
    options: product.options,
    variants: product.variants.map((variant) => ({
      title: variant.title,
      sku: variant.sku,
      options: variant.options,
      manage_inventory: variant.stock !== undefined,
      allow_backorder: false,
      prices: [{ currency_code: input.currency, amount: variant.price }],
    })),
    sales_channels: [{ id: input.salesChannelId }],
  };
}

/** Stock levels at the warehouse for the tracked variants of newly created products. */
async function stockTrackedVariants(container: Container, created: SeedProduct[], stockLocationId: string): Promise<void> {
  const stockBySku = new Map(created.flatMap((product) => product.variants).filter((v) => v.stock !== undefined).map((v) => [v.sku, v.stock!]));
  if (stockBySku.size === 0) return;
  const query = container.resolve(ContainerRegistrationKeys.QUERY);
  const { data: variants } = await query.graph({
    entity: "variant",
    fields: ["sku", "inventory_items.inventory_item_id"],
    filters: { sku: [...stockBySku.keys()] },
  });
  const levels = variants.flatMap((variant) =>
    (variant.inventory_items ?? []).map((item: { inventory_item_id: string } | null) => ({
      inventory_item_id: item!.inventory_item_id,
      location_id: stockLocationId,
      stocked_quantity: stockBySku.get(variant.sku as string) ?? 0,
    })),
  );
  if (levels.length > 0) await createInventoryLevelsWorkflow(container).run({ input: { inventory_levels: levels } });
}

/** Creates the missing seed products; returns how many were created. */
export async function seedCatalogue(container: Container, input: CatalogueInput): Promise<number> {
  const collections = await ensureCollections(container);
  const products = container.resolve(Modules.PRODUCT);
  const existing = new Set((await products.listProducts({ handle: PRODUCTS.map((p) => p.handle) })).map((p) => p.handle));
  const missing = PRODUCTS.filter((product) => !existing.has(product.handle));
  if (missing.length === 0) return 0;
  await createProductsWorkflow(container).run({
    input: { products: missing.map((product) => productInput(product, input, collections)) },
  });
  await stockTrackedVariants(container, missing, input.stockLocationId);
  return missing.length;
}
